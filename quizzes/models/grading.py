"""Grading records: regrades of a quiz's attempts after a key is fixed, and grades given by hand
to a whole attempt."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .attempts import Attempt
from .delivery import Quiz


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
