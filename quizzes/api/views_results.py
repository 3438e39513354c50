"""API for instructors: what learners did in a course: a quiz's results, its item analysis, the
LMS roster beside each member's attempts, and the course's gradebook.

Every view needs a signed-in user who teaches the course in the URL (`TeachingView`).
"""

from __future__ import annotations

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from ..forms.results import SORT_CHOICES, ResultFilterForm
from ..lti.roster import roster_progress
from ..models import AttemptState, Course, Quiz
from ..selectors import attempt_list_for_results
from ..selectors.analysis_snapshots import item_analysis_snapshot
from ..selectors.gradebook import gradebook_learners, gradebook_rows
from ..selectors.results import attempt_row
from . import examples as ex
from . import serializers_teach as s
from .views_teach import TeachingView

NO_NUL_TEXT = {"type": "string", "pattern": s.NO_NUL.regex.pattern, "maxLength": 150}
PERCENT = {"type": "string", "pattern": r"^(100(\.00?)?|[0-9]{1,2}(\.[0-9]{1,2})?)$"}
RESULT_PARAMETERS = [
    OpenApiParameter("state", str, enum=list(AttemptState.values)),
    OpenApiParameter("submitted_from", {"type": "string", "format": "date"}),
    OpenApiParameter("submitted_to", {"type": "string", "format": "date"}),
    OpenApiParameter("percent_min", PERCENT, description="0–100, at most two decimals."),
    OpenApiParameter("percent_max", PERCENT, description="Not below percent_min."),
    OpenApiParameter("learner", NO_NUL_TEXT, description="Words of the username or name."),
    OpenApiParameter("sort", str, enum=[value for value, _label in SORT_CHOICES]),
]


@extend_schema_view(
    get=extend_schema(
        summary="A quiz's results in the course",
        operation_id="course_quiz_results_list",
        parameters=RESULT_PARAMETERS,
        description="The course's attempts at the quiz, filtered and sorted as on the results "
        "page (newest first by default).",
        examples=[ex.PageExample("Results", value=ex.RESULT_PAGE, response_only=True)],
    )
)
class ResultsView(TeachingView, ListAPIView):
    """The course's attempts at a quiz: filters and sorting as on the results page."""

    serializer_class = s.ResultRowSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Quiz.objects.none()
        quiz = self.get_quiz()
        form = ResultFilterForm(self.request.query_params)
        if not form.is_valid():
            raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
        return attempt_list_for_results(course=self.get_course(), quiz=quiz, filters=form.filters())

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        rows = [attempt_row(attempt) for attempt in page]
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


class AnalysisView(TeachingView, APIView):
    """Item analysis of a quiz's submitted attempts in the course."""

    @extend_schema(
        responses=s.QuizAnalysisSerializer,
        summary="A quiz's item analysis in the course",
        operation_id="course_quiz_analysis_get",
        examples=[
            OpenApiExample(
                "Final exam",
                value=ex.QUIZ_ANALYSIS,
                summary="Final exam (abridged: two of its items)",
                response_only=True,
            )
        ],
    )
    def get(self, request, course_id: int, quiz_id: int):
        quiz = self.get_quiz()
        analysis = item_analysis_snapshot(course=self.get_course(), quiz=quiz).analysis
        body = {
            "quiz": quiz,
            **{
                name: getattr(analysis, name)
                for name in ("attempt_count", "alpha", "kr20", "reliability_note", "items")
            },
            "flagged_count": analysis.flagged_count,
        }
        return Response(s.QuizAnalysisSerializer(body).data)


@extend_schema_view(
    get=extend_schema(
        summary="The platform's roster and who has not yet attempted the quiz",
        operation_id="course_quiz_roster_list",
        description="Every member of the LMS course (LTI Names and Role Provisioning, read from "
        "the platform now), learners first and those who have not attempted first among them, "
        "with their standing in the quiz.",
        examples=[ex.PageExample("Roster", value=ex.ROSTER_PAGE, response_only=True)],
    )
)
class RosterView(TeachingView, ListAPIView):
    """The LMS roster beside each member's attempts at the quiz."""

    serializer_class = s.RosterMemberSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return []
        return roster_progress(self.get_course(), self.get_quiz())


@extend_schema_view(
    get=extend_schema(
        summary="The course's gradebook",
        operation_id="course_gradebook_list",
        description="A row per learner (by username) with a cell per quiz of the course: the "
        "best submitted percent (null when none) and the number of attempts.",
        examples=[ex.PageExample("Gradebook", value=ex.GRADEBOOK_PAGE, response_only=True)],
    )
)
class GradebookView(TeachingView, ListAPIView):
    """Learners × quizzes of the course: best percent and attempt count per quiz."""

    serializer_class = s.GradebookRowSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Course.objects.none()
        return gradebook_learners(course=self.get_course())

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        rows = gradebook_rows(course=self.get_course(), learners=page)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)
