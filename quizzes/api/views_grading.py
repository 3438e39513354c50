"""API for instructors: a mark or grade given by hand to a submitted attempt of their course.

The same services as the staff's attempt page: a question's mark (or a comment alone) is a step
of its response, the attempt's grade a grade row; both total the attempt again and queue a
changed grade for the course platform.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from ..errors import AttemptNotFound
from ..models import Attempt
from ..selectors.attempt_record import attempt_for_staff
from ..services.grading import (
    COMMENT_MAX_LENGTH,
    OverrideNotAllowed,
    OverrideRefused,
    attempt_override_grade,
    response_override_mark,
)
from .exceptions import error_body
from .serializers_teach import NO_NUL
from .views_teach import TeachingView


class OverrideInputSerializer(serializers.Serializer):
    """A question's mark (with `question`) or the attempt's grade (without), and a comment."""

    question = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="The question whose mark to set; leave it out to set the attempt's grade.",
    )
    mark = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        min_value=0,
        allow_null=True,
        help_text=(
            "Points, at most the question's maximum mark (or the attempt's maximum score). "
            "null with `question`: a comment alone; null without: withdraw the grade given by "
            "hand, so the marks count again."
        ),
    )
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=COMMENT_MAX_LENGTH,
        validators=[NO_NUL],
        help_text="Shown to the learner with their result.",
    )


class OverrideQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    state = serializers.CharField()
    score = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    max_mark = serializers.DecimalField(max_digits=6, decimal_places=2)


class OverrideResultSerializer(serializers.Serializer):
    """The attempt's grade and marks after the change."""

    id = serializers.IntegerField()
    score = serializers.DecimalField(max_digits=8, decimal_places=2)
    max_score = serializers.DecimalField(max_digits=8, decimal_places=2)
    percent = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    graded_by_hand = serializers.BooleanField(
        help_text="Whether a grade given by hand replaces the sum of the marks."
    )
    questions = OverrideQuestionSerializer(many=True)


MARK_EXAMPLE = OpenApiExample(
    "A question's mark",
    value={"question": 42, "mark": "0.50", "comment": "Half right: the year is in the passage."},
    request_only=True,
)
GRADE_EXAMPLE = OpenApiExample(
    "The attempt's grade", value={"mark": "8.00", "comment": "Oral retake"}, request_only=True
)
RESULT_EXAMPLE = OpenApiExample(
    "Marked",
    value={
        "id": 7,
        "score": "1.50",
        "max_score": "2.00",
        "percent": "75.00",
        "graded_by_hand": False,
        "questions": [
            {"id": 41, "position": 1, "state": "correct", "score": "1.00", "max_mark": "1.00"},
            {"id": 42, "position": 2, "state": "partial", "score": "0.50", "max_mark": "1.00"},
        ],
    },
    response_only=True,
)


def _result(attempt: Attempt) -> dict:
    attempt.refresh_from_db(fields=["score"])
    return {
        "id": attempt.pk,
        "score": attempt.score,
        "max_score": attempt.max_score,
        "percent": attempt.percent,
        "graded_by_hand": attempt.grade_overrides.order_by("-created_at", "-pk")
        .values_list("score", flat=True)
        .first()
        is not None,
        "questions": [
            {
                "id": r.question_id,
                "position": r.position,
                "state": r.state,
                "score": r.score,
                "max_mark": r.max_mark,
            }
            for r in attempt.responses.order_by("position")
        ],
    }


class AttemptOverrideView(TeachingView, APIView):
    """Give a submitted attempt of the course a mark or grade by hand."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "writes"

    @extend_schema(
        request=OverrideInputSerializer,
        responses={200: OverrideResultSerializer},
        summary="Give a mark or grade by hand",
        operation_id="course_attempt_override",
        description=(
            "With `question`: that question's mark (a comment alone when `mark` is null), "
            "recorded as a step of its history. Without: the attempt's grade, in place of the "
            "sum of its marks (null withdraws it). The attempt is totalled again and a changed "
            "grade is sent to the course platform. 409 while the attempt is open; an attempt "
            "or question not in the course is 404."
        ),
        examples=[MARK_EXAMPLE, GRADE_EXAMPLE, RESULT_EXAMPLE],
    )
    def post(self, request, course_id: int, attempt_id: int):
        attempt = attempt_for_staff(course=self.get_course(), attempt_id=attempt_id)
        if attempt is None:
            raise NotFound("No such attempt in this course.")
        given = OverrideInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            if "question" in data:
                response_override_mark(
                    attempt_id=attempt.pk,
                    question_id=data["question"],
                    actor=request.user,
                    mark=data["mark"],
                    comment=data.get("comment", ""),
                )
            else:
                attempt_override_grade(
                    attempt_id=attempt.pk,
                    actor=request.user,
                    score=data["mark"],
                    comment=data.get("comment", ""),
                )
        except OverrideNotAllowed as error:
            raise PermissionDenied(error.message) from None
        except AttemptNotFound:
            raise NotFound("No such attempt in this course.") from None
        except OverrideRefused as error:
            if error.code == "unknown_question":  # the API's plain 404, as for the attempt
                raise NotFound(error.message) from None
            field = "mark" if error.code in ("invalid_mark", "nothing_given") else None
            return Response(error_body(error.code, error.message, field), status=error.status)
        return Response(OverrideResultSerializer(_result(attempt)).data)
