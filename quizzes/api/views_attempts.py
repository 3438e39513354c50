"""API: the signed-in user, the quizzes they can take, and the attempt contract."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import clock
from ..errors import QuizUnavailable
from ..models import Attempt
from ..permissions import is_site_admin
from ..presenters import attempt_document, attempt_result, practice_feedback
from ..selectors import attempt_get_for_user, attempt_responses, member_courses, offered_quizzes
from ..services.attempts import (
    answer_check,
    answers_save,
    attempt_finalize_if_overdue,
    attempt_start_or_resume,
    attempt_submit,
)
from ..session_keys import SESSION_COURSE_KEY
from . import examples as ex
from . import serializers as s
from .output import render

ERROR_EXAMPLE = OpenApiExample(
    "Error", value=ex.ATTEMPT_CLOSED, response_only=True, status_codes=["409"]
)
ANSWER_EXAMPLES = [
    OpenApiExample(name, value={"answer": answer}, request_only=True)
    for name, answer in ex.ANSWERS.items()
] + [
    OpenApiExample(
        "Clear and flag",
        value={"answer": None, "flagged": True},
        description="`null` clears a saved answer; the flag is saved with it.",
        request_only=True,
    ),
    OpenApiExample(
        "Flag only",
        value={"flagged": True},
        description="Without `answer` the saved answer stays as it is.",
        request_only=True,
    ),
]


class MeView(APIView):
    """The signed-in user, their roles per course and their current course."""

    @extend_schema(
        responses=s.MeSerializer,
        summary="Who am I",
        operation_id="me",
        examples=[OpenApiExample("Learner", value=ex.ME, response_only=True)],
    )
    def get(self, request):
        user = request.user
        courses = member_courses(user)
        current_id = (
            request.session.get(SESSION_COURSE_KEY) if hasattr(request, "session") else None
        )
        current = next(
            (c for c in courses if c.pk == current_id), courses[0] if len(courses) == 1 else None
        )
        data = {
            "id": user.pk,
            "username": user.get_username(),
            "name": user.get_full_name(),
            "is_site_admin": is_site_admin(user),
            "courses": [
                {
                    "id": c.pk,
                    "slug": c.slug,
                    "title": c.title,
                    "role": c.role,
                }
                for c in courses
            ],
            "current_course": {"id": current.pk, "slug": current.slug, "title": current.title}
            if current
            else None,
        }
        return Response(s.MeSerializer(data).data)


@extend_schema_view(
    get=extend_schema(
        summary="Quizzes I can take",
        operation_id="quizzes_list",
        parameters=[s.QuizFilterSerializer],
        examples=[ex.PageExample("Quizzes of a course", value=ex.QUIZ_PAGE, response_only=True)],
    )
)
class QuizListView(ListAPIView):
    """Quizzes the user can take, one entry per course that offers them."""

    serializer_class = s.QuizSerializer

    def get_queryset(self):
        filters = s.QuizFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        quizzes = [
            q
            for q in offered_quizzes(self.request.user)
            if wanted.get("course") in (None, q["course"]["id"])
            and wanted.get("mode") in (None, q["mode"])
        ]
        if "ordering" in wanted:
            quizzes.sort(
                key=lambda q: q["title"].casefold(), reverse=wanted["ordering"] == "-title"
            )
        return quizzes


class AttemptStartView(APIView):
    """Start an attempt (or get the one already open).

    A learner's starts count against their write limit inside the start itself (see
    `attempt_start_or_resume`), so these views carry no cache throttle.
    """

    @extend_schema(
        request=s.StartInputSerializer,
        responses={
            201: s.AttemptSerializer,
            200: s.AttemptSerializer,
            400: OpenApiResponse(description="Invalid input"),
            403: OpenApiResponse(
                ex.ERROR_REF,
                description="Not allowed: closed, no attempts left, not a member",
                examples=[OpenApiExample("No attempts left", value=ex.NO_ATTEMPTS_LEFT)],
            ),
            404: OpenApiResponse(description="No such quiz for you"),
        },
        summary="Start an attempt",
        operation_id="attempt_start",
        examples=[
            OpenApiExample(
                "Course of the quiz",
                value=ex.START_REQUEST,
                description="Needed only when several of your courses offer the quiz.",
                request_only=True,
            ),
            OpenApiExample(
                "Started",
                value=ex.OPEN_ATTEMPT,
                summary="Started (abridged: 7 of its 10 questions, one of each type)",
                response_only=True,
                status_codes=["201"],
            ),
            OpenApiExample(
                "Already open",
                value=ex.OPEN_ATTEMPT,
                summary="The attempt already open (abridged: 7 of its 10 questions)",
                response_only=True,
                status_codes=["200"],
            ),
        ],
    )
    def post(self, request, quiz_id: int):
        data = s.StartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        wanted = data.validated_data.get("course")
        try:
            started = attempt_start_or_resume(quiz_id=quiz_id, user=request.user, course_id=wanted)
        except QuizUnavailable as error:
            if error.code == "course_needed":
                raise ValidationError({"course": [error.message]}) from None
            if error.code not in ("quiz_unavailable", "not_enrolled"):
                raise
            if wanted is None:
                raise NotFound("No such quiz in your courses.") from None
            elsewhere = {"course": ["This quiz is not offered in that course."]}
            raise ValidationError(elsewhere) from None
        attempt = started.attempt
        responses = started.responses or attempt_responses(attempt=attempt)
        document = attempt_document(attempt, responses, clock.now())
        return Response(
            render(s.AttemptSerializer, document),
            status=status.HTTP_201_CREATED if started.created else status.HTTP_200_OK,
        )


def _own_attempt(request, attempt_id: int) -> Attempt:
    attempt = attempt_get_for_user(attempt_id=attempt_id, user=request.user)
    if attempt is None:
        raise NotFound("No such attempt.")
    return attempt


@extend_schema_view(
    get=extend_schema(
        summary="My attempts",
        operation_id="attempts_list",
        parameters=[s.AttemptFilterSerializer],
        examples=[ex.PageExample("My attempts", value=ex.ATTEMPT_PAGE, response_only=True)],
    )
)
class AttemptListView(ListAPIView):
    """The user's attempts, newest first unless another order is asked for."""

    serializer_class = s.AttemptSummarySerializer

    def get_queryset(self):
        filters = s.AttemptFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        attempts = Attempt.objects.filter(user=self.request.user).select_related("quiz")
        for field in ("quiz", "course", "state"):
            if field in wanted:
                attempts = attempts.filter(**{field: wanted[field]})
        return attempts.order_by(wanted.get("ordering", "-started_at"), "-pk")


class AttemptDetailView(APIView):
    """An attempt; after submission, with the review the quiz's policy allows."""

    @extend_schema(
        responses={200: s.AttemptSerializer, 404: OpenApiResponse(description="No such attempt")},
        summary="An attempt",
        operation_id="attempt_get",
        examples=[
            OpenApiExample(
                "Submitted, with review",
                value=ex.SUBMITTED_ATTEMPT,
                summary="Submitted, with review (abridged: 2 of its 18 questions)",
                response_only=True,
            ),
            OpenApiExample(
                "Open",
                value=ex.OPEN_ATTEMPT,
                summary="Open (abridged: 7 of its 10 questions, one of each type)",
                response_only=True,
            ),
        ],
    )
    def get(self, request, attempt_id: int):
        attempt = _own_attempt(request, attempt_id)
        attempt_finalize_if_overdue(attempt=attempt)
        document = attempt_document(attempt, attempt_responses(attempt=attempt), clock.now())
        return Response(render(s.AttemptSerializer, document))


class AnswerView(APIView):
    """Save the answer to one question of an open attempt (one read and one INSERT; on
    PostgreSQL a question's first answer is the INSERT alone)."""

    @extend_schema(
        request=s.AnswerInputSerializer,
        responses={
            200: s.SavedAnswerSerializer,
            400: OpenApiResponse(description="Malformed answer or unknown question"),
            404: OpenApiResponse(description="No such attempt"),
            409: OpenApiResponse(ex.ERROR_REF, description="Submitted or overdue attempt"),
            429: OpenApiResponse(ex.ERROR_REF, description="Too many writes: try again later"),
        },
        examples=[
            *ANSWER_EXAMPLES,
            OpenApiExample("Saved", value=ex.SAVED_ANSWER, response_only=True),
            ERROR_EXAMPLE,
        ],
        summary="Answer a question",
        operation_id="answer_put",
    )
    def put(self, request, attempt_id: int, question_id: int):
        data = s.AnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        wanted = data.validated_data
        result = answers_save(
            attempt_id=attempt_id,
            user=request.user,
            answers={question_id: wanted["answer"]} if "answer" in wanted else {},
            flags={question_id: wanted["flagged"]} if "flagged" in wanted else {},
        )
        if question_id in result.errors:
            raise result.errors[question_id]
        response = result.saved[0]
        # The SavedAnswerSerializer shape, built directly: this is an exam's hottest request.
        return Response(
            {
                "question": question_id,
                "state": response.state,
                "answer": response.answer,
                "flagged": response.is_flagged,
                "saved_at": clock.now(),
            }
        )


class CheckView(APIView):
    """Practice quizzes: check one answer now (feedback, and another try when it is wrong)."""

    @extend_schema(
        request=s.CheckInputSerializer,
        responses={200: s.PracticeFeedbackSerializer},
        summary="Check a practice answer",
        operation_id="answer_check",
        examples=[
            *ANSWER_EXAMPLES[:-2],
            OpenApiExample("Wrong", value=ex.FEEDBACK_WRONG, response_only=True),
            OpenApiExample("Right", value=ex.FEEDBACK_CORRECT, response_only=True),
        ],
    )
    def post(self, request, attempt_id: int, question_id: int):
        data = s.CheckInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = answer_check(
            attempt_id=attempt_id,
            user=request.user,
            question_id=question_id,
            raw=data.validated_data["answer"],
        )
        # The page's feedback, so both show the explanation by one rule (once right).
        feedback = practice_feedback(result.response) or {"messages": [], "explanation": ""}
        shown = {
            "state": result.response.state,
            "messages": feedback["messages"],
            "explanation": feedback["explanation"],
        }
        return Response(s.PracticeFeedbackSerializer(shown).data)


class SubmitView(APIView):
    """Submit an attempt; submitting again returns the same result and grades nothing twice.

    Not throttled: a submission writes once per attempt, and again only reads.
    """

    @extend_schema(
        request=None,
        responses={200: s.ResultSerializer, 404: OpenApiResponse(description="No such attempt")},
        summary="Submit an attempt",
        operation_id="attempt_submit",
        examples=[OpenApiExample("Passed", value=ex.RESULT, response_only=True)],
    )
    def post(self, request, attempt_id: int):
        attempt = attempt_submit(attempt_id=attempt_id, user=request.user)
        return Response(render(s.ResultSerializer, attempt_result(attempt)))
