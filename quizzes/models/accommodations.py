"""Accommodations: extra time, extra attempts or a later close date for one learner or a named
group of learners, on one quiz or on every quiz of a course (Moodle's user and group overrides,
Canvas's "moderate quiz"; the course-wide scope goes beyond both).

The rules that combine them with a quiz's own live in `selectors.accommodations`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .delivery import Course, Quiz

MAX_TIME_MULTIPLIER = Decimal("5")


class AccommodationGroup(models.Model):
    """A named list of a course's learners who share accommodations (kzstudy has no other
    groups: LMS groups do not reach it)."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="accommodation_groups"
    )
    name = models.CharField(_("name"), max_length=120)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="accommodation_groups", blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("accommodation group")
        verbose_name_plural = _("accommodation groups")
        ordering = ["course", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "name"], name="unique_accommodation_group_name_per_course"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.course})"


@dataclass(frozen=True)
class AccommodationTerms:
    """What one accommodation changes, and how specific it is (a learner's own beats a
    group's; one quiz's beats the whole course's)."""

    for_group: bool
    course_wide: bool
    extra_minutes: int | None = None
    time_multiplier: Decimal | None = None
    extra_attempts: int | None = None
    closes_at: datetime | None = None


class Accommodation(models.Model):
    """Extra time (minutes or a multiplier), extra attempts and/or a later close date for one
    learner or one group, on one quiz of a course or on all of them, present and future."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="accommodations")
    quiz = models.ForeignKey(
        Quiz,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="accommodations",
        help_text=_("Empty: every quiz of the course, including quizzes added later."),
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="accommodations",
    )
    group = models.ForeignKey(
        AccommodationGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="accommodations",
    )
    extra_minutes = models.PositiveSmallIntegerField(_("extra minutes"), null=True, blank=True)
    time_multiplier = models.DecimalField(
        _("time multiplier"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For example 1.25 for a quarter more time; instead of extra minutes."),
    )
    extra_attempts = models.PositiveSmallIntegerField(_("extra attempts"), null=True, blank=True)
    closes_at = models.DateTimeField(
        _("closes at (for them)"),
        null=True,
        blank=True,
        help_text=_("Only ever later than the quiz's own close date."),
    )
    note = models.CharField(_("note (staff only)"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("accommodation")
        verbose_name_plural = _("accommodations")
        ordering = ["course", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(learner__isnull=False, group__isnull=True)
                | Q(learner__isnull=True, group__isnull=False),
                name="accommodation_for_a_learner_or_a_group",
            ),
            models.CheckConstraint(
                condition=Q(extra_minutes__isnull=False)
                | Q(time_multiplier__isnull=False)
                | Q(extra_attempts__isnull=False)
                | Q(closes_at__isnull=False),
                name="accommodation_adjusts_something",
            ),
            models.CheckConstraint(
                condition=Q(extra_minutes__isnull=True) | Q(time_multiplier__isnull=True),
                name="accommodation_extra_time_one_way",
            ),
            models.CheckConstraint(
                condition=Q(extra_minutes__isnull=True) | Q(extra_minutes__gte=1),
                name="accommodation_extra_minutes_positive",
            ),
            models.CheckConstraint(
                condition=Q(time_multiplier__isnull=True)
                | Q(time_multiplier__gt=1, time_multiplier__lte=MAX_TIME_MULTIPLIER),
                name="accommodation_time_multiplier_above_one",
            ),
            models.CheckConstraint(
                condition=Q(extra_attempts__isnull=True) | Q(extra_attempts__gte=1),
                name="accommodation_extra_attempts_positive",
            ),
            # One accommodation per learner (or group) and scope: a second grant edits it.
            models.UniqueConstraint(
                fields=["course", "quiz", "learner"],
                condition=Q(quiz__isnull=False, learner__isnull=False),
                name="unique_quiz_accommodation_per_learner",
            ),
            models.UniqueConstraint(
                fields=["course", "learner"],
                condition=Q(quiz__isnull=True, learner__isnull=False),
                name="unique_course_accommodation_per_learner",
            ),
            models.UniqueConstraint(
                fields=["course", "quiz", "group"],
                condition=Q(quiz__isnull=False, group__isnull=False),
                name="unique_quiz_accommodation_per_group",
            ),
            models.UniqueConstraint(
                fields=["course", "group"],
                condition=Q(quiz__isnull=True, group__isnull=False),
                name="unique_course_accommodation_per_group",
            ),
        ]

    def __str__(self) -> str:
        who = self.group.name if self.group_id else str(self.learner)
        scope = self.quiz.title if self.quiz_id else _("every quiz")
        return f"{who} · {scope} ({self.course})"

    @property
    def terms(self) -> AccommodationTerms:
        """What it changes, for `selectors.accommodations.quiz_terms`."""
        return AccommodationTerms(
            for_group=self.group_id is not None,
            course_wide=self.quiz_id is None,
            extra_minutes=self.extra_minutes,
            time_multiplier=self.time_multiplier,
            extra_attempts=self.extra_attempts,
            closes_at=self.closes_at,
        )
