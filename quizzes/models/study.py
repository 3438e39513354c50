"""Study: spaced-repetition flashcards per learner, scheduled with FSRS (the `fsrs` package)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .bank import Question, QuestionVersion
from .content import Concept


class CardKind(models.TextChoices):
    """What a card asks about."""

    CONCEPT = "concept", _("glossary concept")
    QUESTION = "question", _("question already reviewed")


class CardState(models.IntegerChoices):
    """FSRS card states (the same numbers as `fsrs.State`)."""

    LEARNING = 1, _("learning")
    REVIEW = 2, _("review")
    RELEARNING = 3, _("relearning")


class ReviewCard(models.Model):
    """One learner's flashcard, with its FSRS memory state in plain columns for querying."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=CardKind)
    concept = models.ForeignKey(
        Concept, on_delete=models.CASCADE, null=True, blank=True, related_name="review_cards"
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, null=True, blank=True, related_name="review_cards"
    )
    # The version whose review showed the learner its answer: the card shows that version, so
    # an instructor's later rewrite (say, for an exam) never reaches the card.
    question_version = models.ForeignKey(
        QuestionVersion,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="review_cards",
    )
    state = models.PositiveSmallIntegerField(
        _("state"), choices=CardState, default=CardState.LEARNING
    )
    step = models.PositiveSmallIntegerField(_("learning step"), null=True, blank=True, default=0)
    stability = models.FloatField(_("stability (days)"), null=True, blank=True)
    difficulty = models.FloatField(_("difficulty"), null=True, blank=True)
    due = models.DateTimeField(_("due"))
    last_review = models.DateTimeField(_("last review"), null=True, blank=True)
    review_count = models.PositiveIntegerField(_("reviews"), default=0)
    lapse_count = models.PositiveIntegerField(_("lapses"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review card")
        verbose_name_plural = _("review cards")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "concept"],
                condition=Q(concept__isnull=False),
                name="unique_concept_card_per_user",
            ),
            models.UniqueConstraint(
                fields=["user", "question"],
                condition=Q(question__isnull=False),
                name="unique_question_card_per_user",
            ),
            models.CheckConstraint(
                condition=Q(kind=CardKind.CONCEPT, concept__isnull=False, question__isnull=True)
                | Q(kind=CardKind.QUESTION, question__isnull=False, concept__isnull=True),
                name="card_has_exactly_its_subject",
            ),
            models.CheckConstraint(
                condition=Q(kind=CardKind.CONCEPT, question_version__isnull=True)
                | Q(kind=CardKind.QUESTION, question_version__isnull=False),
                name="question_card_holds_its_version",
            ),
        ]
        indexes = [models.Index(fields=["user", "due"], name="card_user_due")]

    def __str__(self) -> str:
        return f"{self.user} · {self.concept or self.question}"


class ReviewLog(models.Model):
    """One review of a card: the rating given, when the card became due next, and the card's
    state before it, so the review can be undone exactly.

    Append-only: an undo marks the row undone (`undone_at`) and restores the card from its
    `*_before` columns; the row stays, so the history shows what was rated and taken back.
    Rows written before undo existed have no state before and cannot be undone.
    """

    card = models.ForeignKey(ReviewCard, on_delete=models.CASCADE, related_name="logs")
    rating = models.PositiveSmallIntegerField(_("rating"))
    reviewed_at = models.DateTimeField(_("reviewed at"))
    review_duration_ms = models.PositiveIntegerField(_("time taken (ms)"), null=True, blank=True)
    due_after = models.DateTimeField(_("due after the review"))
    state_before = models.PositiveSmallIntegerField(
        _("state before"), choices=CardState, null=True, blank=True
    )
    step_before = models.PositiveSmallIntegerField(_("learning step before"), null=True, blank=True)
    stability_before = models.FloatField(_("stability before"), null=True, blank=True)
    difficulty_before = models.FloatField(_("difficulty before"), null=True, blank=True)
    due_before = models.DateTimeField(_("due before"), null=True, blank=True)
    last_review_before = models.DateTimeField(_("last review before"), null=True, blank=True)
    is_lapse = models.BooleanField(_("lapse"), default=False)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review log")
        verbose_name_plural = _("review logs")
        ordering = ["-reviewed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=4), name="review_rating_1_to_4"
            ),
            # Only a review whose state before was kept can be undone.
            models.CheckConstraint(
                condition=Q(undone_at__isnull=True) | Q(state_before__isnull=False),
                name="undone_review_kept_its_state_before",
            ),
        ]
        indexes = [models.Index(fields=["card", "reviewed_at"], name="reviewlog_card_time")]

    def __str__(self) -> str:
        return f"{self.card} rated {self.rating}"

    @property
    def was_new(self) -> bool:
        """Whether this review was the card's first (a new card, never reviewed before)."""
        return self.state_before is not None and self.last_review_before is None


NEW_CARDS_PER_DAY_DEFAULT = 20  # Anki's default
NEW_CARDS_PER_DAY_MAX = 9999  # Anki's highest


class StudyPreferences(models.Model):
    """A learner's flashcard settings (one row, made on the first change; defaults until then)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_preferences"
    )
    new_cards_per_day = models.PositiveSmallIntegerField(
        _("new cards per day"),
        default=NEW_CARDS_PER_DAY_DEFAULT,
        help_text=_("Cards never studied that each course's flashcards add a day."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("study preferences")
        verbose_name_plural = _("study preferences")
        constraints = [
            models.CheckConstraint(
                condition=Q(new_cards_per_day__lte=NEW_CARDS_PER_DAY_MAX),
                name="new_cards_per_day_at_most_9999",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.new_cards_per_day} new cards a day"
