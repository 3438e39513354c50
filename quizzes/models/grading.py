"""Grading records: regrades of a quiz's attempts after a key is fixed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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
