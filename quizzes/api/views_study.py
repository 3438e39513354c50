"""API: a learner's flashcard queue in a course, rating and undoing, the daily limit of new
cards, and progress per section. The rules live in services/study.py and
selectors/study_queue.py, as for the pages."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
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
from ..errors import CardNotFound, NothingToUndo
from ..models import CardKind, CardState, Course, ReviewCard
from ..models.study import NEW_CARDS_PER_DAY_MAX
from ..scheduling import rating_previews
from ..selectors import card_due_count, section_progress, study_next
from ..selectors.exam_protection import user_guard
from ..selectors.membership import course_for_member
from ..selectors.study import CardFaces, card_faces
from ..selectors.study_queue import new_cards_per_day, study_queue
from ..services.study import (
    cards_ensure_for_article,
    review_record,
    review_undo,
    study_preferences_update,
)
from . import examples as ex
from .views_content import SectionRefSerializer

# The whole queue: an article has a few hundred concepts and questions at most.
DUE_LIMIT = 1000


def member_course(user: AbstractBaseUser, course_id: int) -> Course:
    """The course when the user is a member (or a site admin); 404 otherwise."""
    course = course_for_member(user, course_id=course_id)
    if course is None:
        raise NotFound("No such course.")
    return course


class FaceListSerializer(serializers.Serializer):
    """A list a card shows: what a question offers, or its key laid out for its type."""

    label = serializers.CharField()
    items = serializers.ListField(child=serializers.CharField())
    is_ordered = serializers.BooleanField(help_text="The order of the items is the answer.")


class IntervalSerializer(serializers.Serializer):
    """What one rating would do to the card if given now."""

    rating = serializers.IntegerField(help_text="1 again · 2 hard · 3 good · 4 easy")
    name = serializers.CharField()
    due = serializers.DateTimeField(help_text="When the card would be due next.")
    label = serializers.CharField(help_text='The interval as a button shows it: "10 min", "3 d".')
    spoken = serializers.CharField(help_text='The interval in words: "10 minutes", "3 days".')


def card_queue(card: ReviewCard) -> str:
    """Which part of the queue a card is in: new, learning (minute steps) or review."""
    if card.review_count == 0:
        return "new"
    return "review" if card.state == CardState.REVIEW else "learning"


class FlashcardSerializer(serializers.Serializer):
    """A card to study: a concept (term → definition) or a reviewed question (stem and what it
    offers → its key), with each rating's next interval."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=CardKind.choices)
    queue = serializers.SerializerMethodField()
    front = serializers.SerializerMethodField()
    prompts = serializers.SerializerMethodField()
    back = serializers.SerializerMethodField()
    key = serializers.SerializerMethodField()
    aliases = serializers.SerializerMethodField()
    explanation = serializers.SerializerMethodField()
    section = serializers.SerializerMethodField()
    due = serializers.DateTimeField()
    review_count = serializers.IntegerField()
    intervals = serializers.SerializerMethodField()

    def _faces(self, card: ReviewCard) -> CardFaces:
        """The card's faces, worked out once per card for all its fields."""
        cache = self.context.setdefault("faces", {})
        if card.pk not in cache:
            cache[card.pk] = card_faces(card)
        return cache[card.pk]

    @extend_schema_field(serializers.ChoiceField(choices=["new", "learning", "review"]))
    def get_queue(self, card: ReviewCard) -> str:
        """new (never studied), learning (on its minute steps) or review."""
        return card_queue(card)

    def get_front(self, card: ReviewCard) -> str:
        """The term, or the reviewed version's stem."""
        return self._faces(card).front

    @extend_schema_field(FaceListSerializer(many=True))
    def get_prompts(self, card: ReviewCard) -> list[dict]:
        """What the question offers: its choices, the two sides to match, the items to order."""
        return FaceListSerializer(self._faces(card).prompts, many=True).data

    def get_back(self, card: ReviewCard) -> list[str]:
        """The definition, or the reviewed version's right answers."""
        return self._faces(card).answers

    @extend_schema_field(FaceListSerializer(allow_null=True))
    def get_key(self, card: ReviewCard) -> dict | None:
        """A question's key laid out for its type (null for a concept)."""
        key = self._faces(card).key
        return None if key is None else FaceListSerializer(key).data

    def get_aliases(self, card: ReviewCard) -> list[str]:
        """Other names of the concept."""
        return self._faces(card).aliases

    def get_explanation(self, card: ReviewCard) -> str:
        """Why the answer is right (question cards only)."""
        return self._faces(card).explanation

    @extend_schema_field(SectionRefSerializer)
    def get_section(self, card: ReviewCard) -> dict:
        """The section the card comes from."""
        return SectionRefSerializer(self._faces(card).section).data

    @extend_schema_field(IntervalSerializer(many=True))
    def get_intervals(self, card: ReviewCard) -> list[dict]:
        """For each rating, Again to Easy, when the card would be due if rated so now."""
        return IntervalSerializer(rating_previews(card, self.context["now"]), many=True).data


@extend_schema_view(
    get=extend_schema(
        summary="My flashcards to study in a course",
        operation_id="flashcards_due_list",
        description="The queue for the course's article, in the order to study it: learning "
        "cards that are due (minute steps: Again brings a card back in a minute), then review "
        "cards by due date and lowest retrievability, then new cards, no more a day than your "
        "`new_cards_per_day` (see `/api/v1/flashcards/settings/`); with nothing else left, "
        "learning cards due within 20 minutes. Concept cards show a term and its definition; "
        "question cards (made only for questions whose review already showed you the right "
        "answer) show the version you reviewed: its stem, what it offers (`prompts`) and its "
        "key (`back`, and `key` laid out for its type). `intervals` says when each rating would "
        "make the card due next. Question cards of a graded quiz you have yet to take are left "
        "out until it is closed to you.",
        examples=[ex.PageExample("Due cards", value=ex.DUE_CARDS_PAGE, response_only=True)],
    )
)
class DueCardsView(ListAPIView):
    """The user's queue of cards for a course they belong to."""

    serializer_class = FlashcardSerializer

    def get_queryset(self) -> list[ReviewCard]:
        if getattr(self, "swagger_fake_view", False):
            return ReviewCard.objects.none()
        course = member_course(self.request.user, self.kwargs["course_id"])
        if course.article is None:
            return []
        # Concepts added to the article since the last visit get their cards here, as on the page.
        cards_ensure_for_article(user=self.request.user, article=course.article)
        now = self.now
        guard = user_guard(user=self.request.user, now=now, course=course)
        queue = study_queue(user=self.request.user, article=course.article, now=now, guard=guard)
        return queue.cards[:DUE_LIMIT]

    @property
    def now(self):
        """One moment for the queue and every card's intervals."""
        if not hasattr(self, "_now"):
            self._now = clock.now()
        return self._now

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "now": self.now}


class ReviewInputSerializer(serializers.Serializer):
    """A rating, and optionally how long the card was shown."""

    rating = serializers.IntegerField(
        min_value=1, max_value=4, help_text="1 again · 2 hard · 3 good · 4 easy"
    )
    duration_ms = serializers.IntegerField(
        min_value=0,
        required=False,
        allow_null=True,
        help_text="How long the card was shown. Over an hour, the rating counts and the time "
        "is not recorded (it says nothing about recall).",
    )


class ReviewedCardSerializer(serializers.Serializer):
    """A card after a review (or an undo): when it is due next."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=CardKind.choices)
    due = serializers.DateTimeField()
    review_count = serializers.IntegerField()
    lapse_count = serializers.IntegerField()


class ReviewView(APIView):
    """Rate one of your cards; FSRS schedules it. Which cards a learner may rate, and how
    often, is `services/study.review_record`'s rule (`permissions.cards_as_member`, the
    learner's write limit), as on the page."""

    @extend_schema(
        request=ReviewInputSerializer,
        responses={
            200: ReviewedCardSerializer,
            404: OpenApiResponse(
                ex.ERROR_REF,
                description="No such card of yours in a course you are a member of; "
                "nothing was changed",
            ),
        },
        summary="Review a flashcard",
        operation_id="flashcard_review",
        description="Rates one of your cards and schedules it. The card must be yours and "
        "about the article of a course you are a member of (as the queue of "
        "`/api/v1/courses/{course_id}/flashcards/due/` shows it); any other card, one of a "
        "course whose platform was deactivated too, is `404` and its schedule and history "
        "stay as they were.",
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


class UndoneSerializer(serializers.Serializer):
    """The rating taken back and the card as it was before it."""

    undone_rating = serializers.IntegerField(source="rating")
    card = ReviewedCardSerializer()


class UndoView(APIView):
    """Take back your last rating in a course's flashcards."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "writes"

    @extend_schema(
        request=None,
        responses={
            200: UndoneSerializer,
            409: OpenApiResponse(ex.ERROR_REF, description="No rating of this session to undo"),
        },
        summary="Undo the last flashcard rating",
        operation_id="flashcard_undo",
        description="Restores the card you rated last in this course (within the last hour) "
        "exactly as it was before the rating; the rating stays in the history, marked undone. "
        "Call again to undo the rating before it. `409 nothing_to_undo` when there is none.",
        examples=[
            OpenApiExample("Undone", value=ex.UNDONE_REVIEW, response_only=True),
            OpenApiExample(
                "Nothing to undo",
                value={
                    "error": {
                        "code": "nothing_to_undo",
                        "message": "There is no rating to undo.",
                        "field": None,
                        "details": None,
                    }
                },
                response_only=True,
                status_codes=["409"],
            ),
        ],
    )
    def post(self, request, course_id: int):
        course = member_course(request.user, course_id)
        if course.article is None:
            raise NothingToUndo()  # 409 by its status, as review_undo's own refusal
        undone = review_undo(user=request.user, article=course.article)
        return Response(UndoneSerializer(undone).data)


class StudySettingsSerializer(serializers.Serializer):
    """Your flashcard settings."""

    new_cards_per_day = serializers.IntegerField(
        min_value=0,
        max_value=NEW_CARDS_PER_DAY_MAX,
        help_text="New cards each course's flashcards add a day (20 unless you change it).",
    )


class StudySettingsView(APIView):
    """Your flashcard settings: how many new cards a day."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "writes"

    def get_throttles(self):
        # Reading the settings is not a write.
        return super().get_throttles() if self.request.method == "PUT" else []

    @extend_schema(
        responses=StudySettingsSerializer,
        summary="My flashcard settings",
        operation_id="flashcard_settings_get",
        examples=[OpenApiExample("Settings", value=ex.STUDY_SETTINGS, response_only=True)],
    )
    def get(self, request):
        return Response({"new_cards_per_day": new_cards_per_day(request.user)})

    @extend_schema(
        request=StudySettingsSerializer,
        responses=StudySettingsSerializer,
        summary="Change my flashcard settings",
        operation_id="flashcard_settings_update",
        examples=[OpenApiExample("Thirty a day", value=ex.STUDY_SETTINGS)],
    )
    def put(self, request):
        data = StudySettingsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        preferences = study_preferences_update(
            user=request.user, new_cards_per_day=data.validated_data["new_cards_per_day"]
        )
        return Response(StudySettingsSerializer(preferences).data)


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
