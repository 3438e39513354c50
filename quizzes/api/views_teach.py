"""API for instructors: the course's questions with their keys, results, analysis, gradebook.

Every view needs a signed-in user who teaches the course in the URL (learners get 403, an
unknown course 404); objects of another course look like ones that do not exist (404).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from ..errors import QuestionInvalid, QuestionTypeChange
from ..forms.results import SORT_CHOICES, ResultFilterForm
from ..lti.roster import roster_progress
from ..models import AttemptState, Course, Question, Quiz, Section, Tag
from ..permissions import can_edit_question
from ..selectors import (
    attempt_list_for_results,
    question_get_for_course,
    question_list_for_course,
    question_versions,
    quiz_get_for_results,
)
from ..selectors.analysis_snapshots import item_analysis_snapshot
from ..selectors.gradebook import gradebook_learners, gradebook_rows
from ..selectors.results import attempt_row
from ..services.authoring import question_archive, question_create, question_edit
from . import examples as ex
from . import serializers_teach as s
from .permissions import TeachesCourse, TokenScopeAllows

QUESTION_EXAMPLE = OpenApiExample("Single choice", value=ex.NEW_QUESTION, request_only=True)


class TeachingView:
    """The course of the URL (loaded once), and the course's objects named in the URL."""

    permission_classes = [IsAuthenticated, TokenScopeAllows, TeachesCourse]
    kwargs: dict[str, Any]

    def get_course(self) -> Course:
        """The URL's course, or 404."""
        if not hasattr(self, "_course"):
            course = (
                Course.objects.select_related("article").filter(pk=self.kwargs["course_id"]).first()
            )
            if course is None:
                raise NotFound("No such course.")
            self._course = course
        return self._course

    def get_question(self) -> Question:
        """The URL's question when the course may use it, or 404."""
        found = question_get_for_course(
            course=self.get_course(), question_id=self.kwargs["question_id"]
        )
        if found is None:
            raise NotFound("No such question in this course's bank.")
        return found

    def get_quiz(self) -> Quiz:
        """The URL's quiz when the course offers it, or 404."""
        quiz = quiz_get_for_results(course=self.get_course(), quiz_id=self.kwargs["quiz_id"])
        if quiz is None:
            raise NotFound("This quiz is not offered in this course.")
        return quiz


def _detail(question: Question, user) -> dict:
    """The question with its key, and whether this user may change it."""
    return s.QuestionDetailSerializer(
        question, context={"can_edit": can_edit_question(user, question)}
    ).data


def _bank_filters(course: Course, params: dict[str, Any]) -> dict[str, Any] | None:
    """The selector's filters from the query's; None when they can match nothing."""
    filters = {"qtype": params.get("type"), "status": params.get("status")}
    filters |= {"q": (params.get("q") or "").strip(), "owner": params.get("owner")}
    if params.get("section"):
        section = Section.objects.filter(
            article_id=course.article_id, slug=params["section"]
        ).first()
        if section is None:
            return None
        filters["section"] = section
    if params.get("tag"):
        tag = Tag.objects.filter(name=params["tag"]).first()
        if tag is None:
            return None
        filters["tag"] = tag
    return filters


@extend_schema_view(
    get=extend_schema(
        summary="The course's questions",
        operation_id="course_questions_list",
        parameters=[s.QuestionFilterSerializer],
        description="The course's own bank and the shared bank of its article, without keys.",
        examples=[ex.PageExample("Questions", value=ex.QUESTION_PAGE, response_only=True)],
    ),
    post=extend_schema(
        request=s.QuestionInputSerializer,
        responses={201: s.QuestionDetailSerializer},
        summary="Create a question in the course's bank",
        operation_id="course_question_create",
        examples=[
            QUESTION_EXAMPLE,
            OpenApiExample(
                "Created", value=ex.CREATED_QUESTION, response_only=True, status_codes=["201"]
            ),
        ],
    ),
)
class QuestionListView(TeachingView, ListAPIView):
    """List the questions the course may use, or write a new one into its bank."""

    serializer_class = s.QuestionSummarySerializer
    throttle_scope = "writes"

    def get_throttles(self):
        return [ScopedRateThrottle()] if self.request.method == "POST" else []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Question.objects.none()
        course = self.get_course()
        params = s.QuestionFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        filters = _bank_filters(course, params.validated_data)
        if filters is None:
            return Question.objects.none()
        questions = question_list_for_course(course=course, filters=filters)
        return questions.order_by(*s.QUESTION_ORDERINGS[params.validated_data["ordering"]])

    def post(self, request, course_id: int):
        course = self.get_course()
        data = s.QuestionInputSerializer(data=request.data, article=course.article)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        try:
            question = question_create(
                section=fields["section"],
                qtype=fields["type"],
                stem=fields["stem"],
                data=fields["data"],
                explanation=fields["explanation"],
                source_quote=fields["source_quote"],
                difficulty=fields["difficulty"],
                bloom_level=fields["bloom"],
                concepts=fields.get("concepts", []),
                status=fields["status"],
                course=course,
                actor=request.user,
                tags=fields.get("tags", []),
            )
        except QuestionInvalid as error:
            raise ValidationError({"data": error.errors}) from None
        return Response(_detail(question, request.user), status=status.HTTP_201_CREATED)


def _current_fields(question: Question) -> dict[str, Any]:
    """What a PUT leaves unchanged when it leaves a field out."""
    version = question.current_version
    return {
        "stem": version.stem,
        "explanation": version.explanation,
        "source_quote": version.source_quote,
        "section": question.section,
        "difficulty": question.difficulty,
        "bloom": question.bloom_level,
        "concepts": list(question.concepts.all()),
        "tags": sorted(tag.name for tag in question.tags.all()),
        "status": question.status,
        "data": version.type.authoring_data(version.payload),
    }


class QuestionDetailView(TeachingView, APIView):
    """A question with its key; PUT saves a new version (shared questions: site admins only)."""

    throttle_scope = "writes"

    def get_throttles(self):
        return [ScopedRateThrottle()] if self.request.method in ("PUT", "PATCH") else []

    @extend_schema(
        responses=s.QuestionDetailSerializer,
        summary="A question with its key",
        operation_id="course_question_get",
        examples=[
            OpenApiExample(
                "Shared matching question",
                value=ex.SHARED_QUESTION,
                response_only=True,
            )
        ],
    )
    def get(self, request, course_id: int, question_id: int):
        return Response(_detail(self.get_question(), request.user))

    @extend_schema(
        request=s.QuestionInputSerializer,
        responses=s.QuestionDetailSerializer,
        summary="Replace a question (a new version)",
        operation_id="course_question_update",
        description="The whole question, as for creating it: fields with defaults that are "
        "left out take their defaults. The type cannot change. A change to the stem, "
        "explanation, quote or data saves version n+1; past attempts keep theirs. Shared "
        "questions are read-only for instructors (403); site admins may edit them. To change "
        "only some fields, use PATCH.",
        examples=[
            OpenApiExample(
                "Publish with a new explanation", value=ex.QUESTION_EDIT, request_only=True
            ),
            OpenApiExample("Version 2", value=ex.EDITED_QUESTION, response_only=True),
        ],
    )
    def put(self, request, course_id: int, question_id: int):
        return self._edit(request, partial=False)

    @extend_schema(
        request=s.QuestionInputSerializer,
        responses=s.QuestionDetailSerializer,
        summary="Change some fields of a question (a new version)",
        operation_id="course_question_partial_update",
        description="Fields left out keep their values; otherwise as PUT.",
        examples=[
            OpenApiExample("Publish", value=ex.QUESTION_PATCH, request_only=True),
            OpenApiExample("Version 2", value=ex.EDITED_QUESTION, response_only=True),
        ],
    )
    def patch(self, request, course_id: int, question_id: int):
        return self._edit(request, partial=True)

    def _edit(self, request, *, partial: bool) -> Response:
        question = self.get_question()
        if not can_edit_question(request.user, question):
            raise PermissionDenied("Shared questions are read-only: copy it into your course.")
        data = s.QuestionInputSerializer(
            data=request.data, article=self.get_course().article, partial=partial
        )
        data.is_valid(raise_exception=True)
        # PATCH fills what was left out from the current version; PUT's serializer already
        # required the rest or gave it its default.
        fields = {**_current_fields(question), **data.validated_data}
        if fields.get("type", question.qtype) != question.qtype:
            raise QuestionTypeChange(f"{question.qtype} cannot become {fields['type']}.")
        try:
            question_edit(
                question=question,
                actor=request.user,
                stem=fields["stem"],
                data=fields["data"],
                explanation=fields["explanation"],
                source_quote=fields["source_quote"],
                section=fields["section"],
                difficulty=fields["difficulty"],
                bloom_level=fields["bloom"],
                status=fields["status"],
                concepts=fields["concepts"],
                tags=fields["tags"],
            )
        except QuestionInvalid as error:
            raise ValidationError({"data": error.errors}) from None
        return Response(_detail(self.get_question(), request.user))


@extend_schema_view(
    get=extend_schema(
        summary="A question's versions",
        operation_id="course_question_versions_list",
        description="Every version with its key, newest first.",
        examples=[ex.PageExample("Versions", value=ex.VERSION_PAGE, response_only=True)],
    )
)
class QuestionVersionsView(TeachingView, ListAPIView):
    """Every version of a question the course may use."""

    serializer_class = s.VersionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Question.objects.none()
        return question_versions(question=self.get_question())


class QuestionArchiveView(TeachingView, APIView):
    """Archive a question: no new attempt draws it; past attempts keep showing it."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "writes"

    @extend_schema(
        request=None,
        responses=s.QuestionDetailSerializer,
        summary="Archive a question",
        operation_id="course_question_archive",
        examples=[OpenApiExample("Archived", value=ex.ARCHIVED_QUESTION, response_only=True)],
    )
    def post(self, request, course_id: int, question_id: int):
        question = self.get_question()
        if not can_edit_question(request.user, question):
            raise PermissionDenied("Only the owners of a question may archive it.")
        question_archive(question=question, actor=request.user)
        return Response(_detail(question, request.user))


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
