"""API for instructors: the course's question bank: its questions with their keys, writes and
versions.

Every view needs a signed-in user who teaches the course in the URL (`TeachingView`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from ..errors import QuestionInvalid, QuestionTypeChange
from ..models import Course, Question, Section, Tag
from ..permissions import can_edit_question
from ..selectors import question_list_for_course, question_versions
from ..services.authoring import question_archive, question_create, question_edit
from . import examples as ex
from . import serializers_teach as s
from .views_teach import TeachingView

QUESTION_EXAMPLE = OpenApiExample("Single choice", value=ex.NEW_QUESTION, request_only=True)


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
                qtype=fields["type"], course=course, actor=request.user, **_authored(fields)
            )
        except QuestionInvalid as error:
            raise ValidationError({"data": error.errors}) from None
        return Response(_detail(question, request.user), status=status.HTTP_201_CREATED)


def _authored(fields: dict[str, Any]) -> dict[str, Any]:
    """A question's fields as the API names them, named as the authoring services take them."""
    return {
        "section": fields["section"],
        "stem": fields["stem"],
        "data": fields["data"],
        "explanation": fields["explanation"],
        "source_quote": fields["source_quote"],
        "difficulty": fields["difficulty"],
        "bloom_level": fields["bloom"],
        "status": fields["status"],
        "concepts": fields.get("concepts", []),
        "tags": fields.get("tags", []),
    }


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
            question_edit(question=question, actor=request.user, **_authored(fields))
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
