"""Grading records: regrades of a quiz's attempts after a key is fixed, grades given by hand
to a whole attempt, and each learner's quiz grade."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .attempts import Attempt
from .delivery import Course, Quiz


class Regrade(models.Model):
    """One applied regrade: who ran it, when, and the score changes it made.

    The responses it changed carry REGRADE steps pointing at it; old steps are never edited.
    """

    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="regrades")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    attempt_count = models.PositiveIntegerField(_("attempts regraded"))
    changed_count = models.PositiveIntegerField(_("attempts whose score changed"))
    changes = models.JSONField(
        _("changes"), default=list, help_text=_("Per attempt: id, learner, old and new score.")
    )

    class Meta:
        verbose_name = _("regrade")
        verbose_name_plural = _("regrades")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Regrade of {self.quiz} at {self.created_at:%Y-%m-%d %H:%M}"


class AttemptGradeOverride(models.Model):
    """An instructor's grade for a whole attempt, in place of the sum of its marks.

    Append-only: the newest row holds. A row without a score withdraws the override, so the
    marks count again. Each row keeps the score it replaced, for the attempt's history.
    (A question's mark given by hand is a MANUAL_GRADE step of its response instead.)
    """

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="grade_overrides")
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2, null=True, blank=True)
    previous_score = models.DecimalField(_("previous score"), max_digits=8, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attempt grade override")
        verbose_name_plural = _("attempt grade overrides")
        ordering = ["attempt", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0),
                name="grade_override_score_nonnegative",
            ),
        ]

    def __str__(self) -> str:
        return f"Grade of {self.attempt} set by hand at {self.created_at:%Y-%m-%d %H:%M}"


class GradeReason(models.TextChoices):
    """What made a quiz grade be computed again (sent with `signals.quiz_grade_changed`)."""

    SUBMIT = "submit", _("attempt submitted")
    REGRADE = "regrade", _("regrade")
    OVERRIDE = "override", _("grade given by hand")
    SETTINGS = "settings", _("the quiz's grading method or pass mark changed")


class QuizGrade(models.Model):
    """A learner's grade on a quiz in a course, from their submitted attempts by the quiz's
    grading method (Moodle's `quiz_grades`). Derived data: `services.quiz_grades` writes it in
    the transaction of whatever changed an attempt's score, and everything that shows or sends
    a quiz grade (gradebook, roster, history, LTI) reads it."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="grades")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="quiz_grades")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_grades"
    )
    percent = models.DecimalField(_("grade (%)"), max_digits=5, decimal_places=2)
    attempt_count = models.PositiveSmallIntegerField(_("submitted attempts"))
    # The attempt the grade is (highest, first, last); empty for an average.
    attempt = models.ForeignKey(
        Attempt, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    passed = models.BooleanField(_("passed"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("quiz grade")
        verbose_name_plural = _("quiz grades")
        ordering = ["quiz", "course", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "course", "user"], name="unique_quiz_grade_per_learner"
            ),
            models.CheckConstraint(
                condition=Q(percent__gte=0, percent__lte=100), name="quiz_grade_percent_0_to_100"
            ),
            models.CheckConstraint(
                condition=Q(attempt_count__gte=1), name="quiz_grade_from_an_attempt"
            ),
        ]
        indexes = [models.Index(fields=["course", "quiz"], name="quiz_grade_course_quiz")]

    def __str__(self) -> str:
        return f"{self.user} · {self.quiz}: {self.percent}%"
