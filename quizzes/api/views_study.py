"""API: a learner's flashcards due in a course, rating a card, and progress per section."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from .. import clock
from ..errors import CardNotFound
from ..models import CardKind, Course, ReviewCard
from ..selectors import card_due_count, cards_due, section_progress, study_next
from ..selectors.exam_protection import user_guard
from ..selectors.study import card_faces
from ..services.study import cards_ensure_for_article, review_record
from ..views.common import course_for_member
from . import examples as ex
from .views_content import SectionRefSerializer

# The whole queue: an article has a few hundred concepts and questions at most.
DUE_LIMIT = 1000
# A review left open longer than this says nothing about recall (as on the flashcards page).
MAX_REVIEW_MS = 60 * 60 * 1000


def member_course(user: AbstractBaseUser, course_id: int) -> Course:
    """The course when the user is a member (or a site admin); 404 otherwise."""
    slug = Course.objects.filter(pk=course_id).values_list("slug", flat=True).first()
    if slug is None:
        raise NotFound("No such course.")
    course, _role = course_for_member(user, slug)
    return course


class FlashcardSerializer(serializers.Serializer):
    """A due card: a concept (term → definition) or a reviewed question (stem → right answers)."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=CardKind.choices)
    front = serializers.SerializerMethodField()
    back = serializers.SerializerMethodField()
    aliases = serializers.SerializerMethodField()
    explanation = serializers.SerializerMethodField()
    section = serializers.SerializerMethodField()
    due = serializers.DateTimeField()
    review_count = serializers.IntegerField()

    def get_front(self, card: ReviewCard) -> str:
        """The term, or the reviewed version's stem."""
        return card_faces(card).front

    def get_back(self, card: ReviewCard) -> list[str]:
        """The definition, or the reviewed version's right answers."""
        return card_faces(card).answers

    def get_aliases(self, card: ReviewCard) -> list[str]:
        """Other names of the concept."""
        return card_faces(card).aliases

    def get_explanation(self, card: ReviewCard) -> str:
        """Why the answer is right (question cards only)."""
        return card_faces(card).explanation

    @extend_schema_field(SectionRefSerializer)
    def get_section(self, card: ReviewCard) -> dict:
        """The section the card comes from."""
        return SectionRefSerializer(card_faces(card).section).data


@extend_schema_view(
    get=extend_schema(
        summary="My flashcards due in a course",
        operation_id="flashcards_due_list",
        description="The due queue for the course's article, the longest overdue first. Concept "
        "cards show a term and its definition; question cards (made only for questions whose "
        "review already showed you the right answer) show the version you reviewed: its stem "
        "and right answers. Question cards of a graded quiz you have yet to take are left out "
        "until it is closed to you.",
        examples=[ex.PageExample("Due cards", value=ex.DUE_CARDS_PAGE, response_only=True)],
    )
)
class DueCardsView(ListAPIView):
    """The user's due cards for a course they belong to."""

    serializer_class = FlashcardSerializer

    def get_queryset(self) -> list[ReviewCard]:
        if getattr(self, "swagger_fake_view", False):
            return ReviewCard.objects.none()
        course = member_course(self.request.user, self.kwargs["course_id"])
        if course.article is None:
            return []
        # Concepts added to the article since the last visit get their cards here, as on the page.
        cards_ensure_for_article(user=self.request.user, article=course.article)
        now = clock.now()
        return cards_due(
            user=self.request.user,
            article=course.article,
            now=now,
            limit=DUE_LIMIT,
            guard=user_guard(user=self.request.user, now=now, course=course),
        )


class ReviewInputSerializer(serializers.Serializer):
    """A rating, and optionally how long the card was shown."""

    rating = serializers.IntegerField(
        min_value=1, max_value=4, help_text="1 again · 2 hard · 3 good · 4 easy"
    )
    duration_ms = serializers.IntegerField(
        min_value=0, max_value=MAX_REVIEW_MS, required=False, allow_null=True
    )


class ReviewedCardSerializer(serializers.Serializer):
    """A card after a review: when it is due next."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=CardKind.choices)
    due = serializers.DateTimeField()
    review_count = serializers.IntegerField()
    lapse_count = serializers.IntegerField()


class ReviewView(APIView):
    """Rate one of your cards; FSRS schedules it."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "writes"

    @extend_schema(
        request=ReviewInputSerializer,
        responses=ReviewedCardSerializer,
        summary="Review a flashcard",
        operation_id="flashcard_review",
        examples=[
            OpenApiExample("Good", value={"rating": 3}, request_only=True),
            OpenApiExample("Good, after 8.4 s", value=ex.REVIEW_REQUEST, request_only=True),
            OpenApiExample("Scheduled", value=ex.REVIEWED_CARD, response_only=True),
        ],
    )
    def post(self, request, card_id: int):
        data = ReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            card = review_record(
                user=request.user,
                card_id=card_id,
                rating=data.validated_data["rating"],
                duration_ms=data.validated_data.get("duration_ms"),
            )
        except CardNotFound as error:
            raise NotFound(error.message) from None
        return Response(ReviewedCardSerializer(card).data)


class SectionProgressSerializer(serializers.Serializer):
    """How well the learner knows one section (percentages)."""

    section = SectionRefSerializer()
    mastery = serializers.IntegerField()
    cards_known = serializers.IntegerField()
    cards_total = serializers.IntegerField()
    quiz_accuracy = serializers.IntegerField(allow_null=True)
    due_count = serializers.IntegerField()


class ProgressSerializer(serializers.Serializer):
    """Progress in every section, the section to study next and the cards due now."""

    sections = SectionProgressSerializer(many=True)
    study_next = SectionRefSerializer(allow_null=True)
    due_count = serializers.IntegerField()


class ProgressView(APIView):
    """The learner's progress per section of the course's article."""

    @extend_schema(
        responses=ProgressSerializer,
        summary="My progress in a course",
        operation_id="progress_get",
        description="Mastery per section: the mean of flashcards known and quiz accuracy. "
        "`study_next` is the least mastered section (null when all are mastered).",
        examples=[OpenApiExample("Progress", value=ex.PROGRESS, response_only=True)],
    )
    def get(self, request, course_id: int):
        course = member_course(request.user, course_id)
        body = {"sections": [], "study_next": None, "due_count": 0}
        if course.article is not None:
            now = clock.now()
            guard = user_guard(user=request.user, now=now, course=course)
            mine = {"user": request.user, "article": course.article, "now": now, "guard": guard}
            progress = section_progress(**mine)
            following = study_next(progress)
            body = {
                "sections": progress,
                "study_next": following.section if following else None,
                "due_count": card_due_count(**mine),
            }
        return Response(ProgressSerializer(body).data)
