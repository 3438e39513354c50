"""Attempts: a learner's attempt at a quiz, one response per question, and their steps."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..qtypes import registry
from .bank import Question, QuestionVersion
from .delivery import Course, Quiz


class AttemptState(models.TextChoices):
    """An attempt is open until it is submitted (by the learner or when time runs out)."""

    IN_PROGRESS = "in_progress", _("in progress")
    SUBMITTED = "submitted", _("submitted")


class Attempt(models.Model):
    """A learner's attempt at a quiz in a course; its questions are fixed when it starts."""

    # No index of their own on quiz and user: the indexes that begin with them (below) serve
    # every lookup by either, and each index is one more write on every start and submission.
    quiz = models.ForeignKey(
        Quiz, on_delete=models.PROTECT, related_name="attempts", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="quiz_attempts",
        db_index=False,
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="attempts")
    number = models.PositiveSmallIntegerField(_("attempt number"))
    state = models.CharField(
        _("state"), max_length=12, choices=AttemptState, default=AttemptState.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(_("maximum score"), max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "user", "course", "number"],
                name="unique_attempt_number_per_user_quiz",
            ),
            models.UniqueConstraint(
                fields=["quiz", "user", "course"],
                condition=Q(state=AttemptState.IN_PROGRESS),
                name="one_open_attempt_per_user_quiz",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="attempt_number_positive"),
            models.CheckConstraint(
                condition=Q(
                    state=AttemptState.IN_PROGRESS, submitted_at__isnull=True, score__isnull=True
                )
                | Q(state=AttemptState.SUBMITTED, submitted_at__isnull=False, score__isnull=False),
                name="attempt_submitted_iff_scored",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=F("max_score")),
                name="attempt_score_within_max",
            ),
            models.CheckConstraint(
                condition=Q(max_score__gte=0), name="attempt_max_score_nonnegative"
            ),
            models.CheckConstraint(
                condition=Q(deadline__isnull=True) | Q(deadline__gt=F("started_at")),
                name="attempt_deadline_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "quiz"], name="attempt_user_quiz"),
            models.Index(fields=["quiz", "state"], name="attempt_quiz_state"),
            models.Index(fields=["state", "deadline"], name="attempt_state_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.quiz} · #{self.number}"

    @property
    def percent(self) -> Decimal | None:
        """The score as a percentage of the maximum, once scored."""
        if self.score is None or not self.max_score:
            return None
        return (self.score * 100 / self.max_score).quantize(Decimal("0.01"))


class ResponseState(models.TextChoices):
    """The state of one question in an attempt (after Moodle's question states)."""

    UNANSWERED = "unanswered", _("not yet answered")
    # Saved but not complete for its type (a matching with pairs left open): kept and graded
    # as it stands, but not counted as answered.
    INCOMPLETE = "incomplete", _("partially answered")
    ANSWERED = "answered", _("answered")
    CORRECT = "correct", _("correct")
    PARTIAL = "partial", _("partially correct")
    WRONG = "wrong", _("incorrect")
    GAVE_UP = "gave_up", _("not answered")
    NEEDS_GRADING = "needs_grading", _("needs grading")

    @classmethod
    def of_saved_answer(cls, version: QuestionVersion, answer: Any) -> ResponseState:
        """The state a saved (ungraded) answer puts its question in: answered only when the
        answer is complete for its type (`QuestionType.is_complete`), partially answered when
        something is given but not all (a matching with pairs left open), else unanswered."""
        if answer is None:
            return cls.UNANSWERED
        if not registry.get(version.qtype).is_complete(version.payload, answer):
            return cls.INCOMPLETE
        return cls.ANSWERED


# The states a save gives: the question carries no mark in them.
SAVED_STATES = frozenset(
    {ResponseState.UNANSWERED, ResponseState.INCOMPLETE, ResponseState.ANSWERED}
)


class Response(models.Model):
    """One question of an attempt: the exact version shown, its choice order and the answer."""

    # Indexed by the unique (attempt, position) that begins with it: no index of its own.
    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="responses", db_index=False
    )
    position = models.PositiveSmallIntegerField(_("position"))
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="responses")
    question_version = models.ForeignKey(
        QuestionVersion, on_delete=models.PROTECT, related_name="responses"
    )
    max_mark = models.DecimalField(_("maximum mark"), max_digits=6, decimal_places=2)
    choice_order = models.JSONField(
        _("choice order"),
        default=list,
        blank=True,
        help_text=_("Keys of the choices or items in the order shown."),
    )
    answer = models.JSONField(_("answer"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=14, choices=ResponseState, default=ResponseState.UNANSWERED
    )
    fraction = models.DecimalField(
        _("fraction"), max_digits=6, decimal_places=5, null=True, blank=True
    )
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2, null=True, blank=True)
    is_flagged = models.BooleanField(_("flagged"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="unique_response_position_per_attempt"
            ),
            models.UniqueConstraint(
                fields=["attempt", "question"], name="unique_response_question_per_attempt"
            ),
            # 0: a question practice asks unmarked (an exam's, see quiz_assembly).
            models.CheckConstraint(
                condition=Q(max_mark__gte=0), name="response_max_mark_nonnegative"
            ),
            models.CheckConstraint(
                condition=Q(fraction__isnull=True) | Q(fraction__gte=0, fraction__lte=1),
                name="response_fraction_0_to_1",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=F("max_mark")),
                name="response_score_within_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt} · Q{self.position}"


class StepKind(models.TextChoices):
    """What produced a response step."""

    SAVE = "save", _("answer saved")
    CHECK = "check", _("answer checked (practice)")
    SUBMIT = "submit", _("attempt submitted")
    REGRADE = "regrade", _("regraded")
    MANUAL_GRADE = "manual_grade", _("graded by hand")
    COMMENT = "comment", _("comment")


class ResponseStep(models.Model):
    """An append-only history of a response: the current state is the last step (Moodle)."""

    # Indexed by the unique (response, seq) that begins with it; every saved answer inserts a
    # step, so each index less is one write less on the exam's hottest path.
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="steps", db_index=False
    )
    seq = models.PositiveIntegerField(_("sequence"))
    kind = models.CharField(_("kind"), max_length=12, choices=StepKind)
    data = models.JSONField(_("data"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=14, choices=ResponseState)
    fraction = models.DecimalField(
        _("fraction"), max_digits=6, decimal_places=5, null=True, blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # indexed where set (Meta.indexes): a learner's own steps have none
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("response step")
        verbose_name_plural = _("response steps")
        ordering = ["response", "seq"]
        indexes = [
            models.Index(
                fields=["actor"], name="step_actor_when_set", condition=Q(actor__isnull=False)
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "seq"], name="unique_step_seq_per_response"
            ),
            models.CheckConstraint(
                condition=Q(fraction__isnull=True) | Q(fraction__gte=0, fraction__lte=1),
                name="step_fraction_0_to_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response} step {self.seq} ({self.kind})"
