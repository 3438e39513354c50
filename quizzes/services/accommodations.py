"""Writes for accommodations: grant, change and remove one; keep a course's accommodation
groups. Only the course's staff may; every write moves the deadlines of the open attempts it
touches, in the same transaction, so extra time reaches an attempt already in progress."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q

from .. import clock
from ..errors import DomainError, NotAllowed
from ..models import (
    Accommodation,
    AccommodationGroup,
    Attempt,
    AttemptState,
    Course,
    Enrolment,
    Quiz,
)
from ..models.accommodations import MAX_TIME_MULTIPLIER
from ..permissions import teaches
from ..selectors.accommodations import applying_to, quiz_terms

MAX_EXTRA_MINUTES = 24 * 60
MAX_EXTRA_ATTEMPTS = 50


class AccommodationNotAllowed(NotAllowed):
    """The user does not teach the course (403, as every refused write)."""

    code = "accommodation_not_allowed"


class AccommodationInvalid(DomainError):
    """The accommodation breaks a rule; `errors` maps each field (or "" for the whole) to why."""

    code = "accommodation_invalid"

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors.values()))


@dataclass(frozen=True)
class Adjustments:
    """What an accommodation changes (None: that rule stays the quiz's)."""

    extra_minutes: int | None = None
    time_multiplier: Decimal | None = None
    extra_attempts: int | None = None
    closes_at: datetime | None = None


def _require_staff(actor: AbstractBaseUser, course: Course) -> None:
    if not teaches(actor, course):
        raise AccommodationNotAllowed("Only the course's staff may give accommodations.")


def _check_adjustments(adjust: Adjustments, quiz: Quiz | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if adjust == Adjustments():
        errors[""] = "Give extra time, extra attempts or a later close date."
    if adjust.extra_minutes is not None and not 1 <= adjust.extra_minutes <= MAX_EXTRA_MINUTES:
        errors["extra_minutes"] = f"Extra minutes are from 1 to {MAX_EXTRA_MINUTES}."
    if adjust.time_multiplier is not None:
        if adjust.extra_minutes is not None:
            errors["time_multiplier"] = "Give extra minutes or a time multiplier, not both."
        elif not 1 < adjust.time_multiplier <= MAX_TIME_MULTIPLIER:
            errors["time_multiplier"] = (
                f"A time multiplier is above 1 and at most {MAX_TIME_MULTIPLIER}, e.g. 1.25."
            )
    if adjust.extra_attempts is not None and not 1 <= adjust.extra_attempts <= MAX_EXTRA_ATTEMPTS:
        errors["extra_attempts"] = f"Extra attempts are from 1 to {MAX_EXTRA_ATTEMPTS}."
    if adjust.closes_at is not None and (problem := _close_date_problem(adjust.closes_at, quiz)):
        errors["closes_at"] = problem
    return errors


def _close_date_problem(closes_at: datetime, quiz: Quiz | None) -> str | None:
    if closes_at <= clock.now():
        return "The close date must be in the future."
    if quiz is None:
        return None
    if quiz.opens_at and closes_at <= quiz.opens_at:
        return "The close date must be after the quiz opens."
    if quiz.closes_at is None:
        return "This quiz has no close date to extend."
    if closes_at <= quiz.closes_at:
        return "The close date must be later than the quiz's own."
    return None


def _check_who(
    course: Course, learner: AbstractBaseUser | None, group: AccommodationGroup | None
) -> dict[str, str]:
    if (learner is None) == (group is None):
        return {"learner": "Choose one learner or one group."}
    if group is not None and group.course_id != course.pk:
        return {"group": "That group belongs to another course."}
    if learner is not None and not Enrolment.objects.filter(course=course, user=learner).exists():
        return {"learner": "That person is not a member of this course."}
    return {}


def _same_scope(course: Course, quiz: Quiz | None, learner, group) -> Q:
    who = Q(learner=learner) if learner is not None else Q(group=group)
    return Q(course=course, quiz=quiz) & who


def accommodation_grant(
    *,
    actor: AbstractBaseUser,
    course: Course,
    adjustments: Adjustments,
    learner: AbstractBaseUser | None = None,
    group: AccommodationGroup | None = None,
    quiz: Quiz | None = None,
    note: str = "",
) -> Accommodation:
    """Give a learner or a group an accommodation on one quiz of the course (or on all of
    them: `quiz` None), and move the deadlines of their open attempts."""
    _require_staff(actor, course)
    errors = _check_who(course, learner, group)
    if quiz is not None and not quiz.is_offered_in(course):
        errors["quiz"] = "This course does not offer that quiz."
    errors |= _check_adjustments(adjustments, quiz)
    if (
        not errors
        and Accommodation.objects.filter(_same_scope(course, quiz, learner, group)).exists()
    ):
        errors[""] = "They already have an accommodation for this; change that one instead."
    if errors:
        raise AccommodationInvalid(errors)
    with transaction.atomic():
        accommodation = Accommodation.objects.create(
            course=course,
            quiz=quiz,
            learner=learner,
            group=group,
            note=note,
            created_by=actor,
            **vars(adjustments),
        )
        _recompute_deadlines(accommodation)
    return accommodation


def accommodation_change(
    *, actor: AbstractBaseUser, accommodation: Accommodation, adjustments: Adjustments, note: str
) -> Accommodation:
    """Change what an accommodation gives (not whom or where: that is another one), and move
    the deadlines of the open attempts it covers."""
    _require_staff(actor, accommodation.course)
    errors = _check_adjustments(adjustments, accommodation.quiz)
    if errors:
        raise AccommodationInvalid(errors)
    with transaction.atomic():
        for name, value in vars(adjustments).items():
            setattr(accommodation, name, value)
        accommodation.note = note
        accommodation.save()
        _recompute_deadlines(accommodation)
    return accommodation


def accommodation_remove(*, actor: AbstractBaseUser, accommodation: Accommodation) -> None:
    """Take an accommodation back; open attempts return to the quiz's own deadline (an attempt
    past it is then closed with its saved answers, as any overdue attempt)."""
    _require_staff(actor, accommodation.course)
    with transaction.atomic():
        learners = _covered_learners(accommodation)
        course, quiz_id = accommodation.course, accommodation.quiz_id
        accommodation.delete()
        _recompute_for(course=course, quiz_id=quiz_id, learner_ids=learners)


def accommodation_group_save(
    *,
    actor: AbstractBaseUser,
    course: Course,
    name: str,
    members: Iterable[AbstractBaseUser],
    group: AccommodationGroup | None = None,
) -> AccommodationGroup:
    """Create a course's accommodation group, or rename it and set its members; the open
    attempts of those who join or leave get their deadlines moved."""
    _require_staff(actor, course)
    if group is not None and group.course_id != course.pk:
        raise AccommodationInvalid({"": "That group belongs to another course."})
    name, member_ids = name.strip(), {m.pk for m in members}
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Give the group a name."
    elif (
        AccommodationGroup.objects.filter(course=course, name=name)
        .exclude(pk=getattr(group, "pk", None))
        .exists()
    ):
        errors["name"] = "This course already has a group of that name."
    enrolled = set(
        Enrolment.objects.filter(course=course, user_id__in=member_ids).values_list(
            "user_id", flat=True
        )
    )
    if member_ids - enrolled:
        errors["members"] = "Only members of this course can be in its groups."
    if errors:
        raise AccommodationInvalid(errors)
    with transaction.atomic():
        before = set(group.members.values_list("pk", flat=True)) if group else set()
        if group is None:
            group = AccommodationGroup.objects.create(course=course, name=name)
        else:
            group.name = name
            group.save(update_fields=["name"])
        group.members.set(member_ids)
        _recompute_for(course=course, quiz_id=None, learner_ids=before ^ member_ids)
    return group


def accommodation_group_delete(*, actor: AbstractBaseUser, group: AccommodationGroup) -> None:
    """Delete a group with its accommodations; its members' open attempts lose them."""
    _require_staff(actor, group.course)
    with transaction.atomic():
        learners = set(group.members.values_list("pk", flat=True))
        course = group.course
        group.delete()
        _recompute_for(course=course, quiz_id=None, learner_ids=learners)


def _covered_learners(accommodation: Accommodation) -> set[int]:
    if accommodation.learner_id is not None:
        return {accommodation.learner_id}
    return set(accommodation.group.members.values_list("pk", flat=True))


def _recompute_deadlines(accommodation: Accommodation) -> None:
    _recompute_for(
        course=accommodation.course,
        quiz_id=accommodation.quiz_id,
        learner_ids=_covered_learners(accommodation),
    )


def _recompute_for(*, course: Course, quiz_id: int | None, learner_ids: set[int]) -> int:
    """Set each open attempt's deadline (of these learners, in the course, at the quiz or at
    any) from its start and the learner's terms now; locks each attempt row, as a submission
    does, so a submission in flight either sees the new deadline or has already closed it."""
    if not learner_ids:
        return 0
    attempts = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("quiz")
        .filter(course=course, user_id__in=learner_ids, state=AttemptState.IN_PROGRESS)
    )
    if quiz_id is not None:
        attempts = attempts.filter(quiz_id=quiz_id)
    moved, now = 0, clock.now()
    for attempt in attempts:
        if attempt.deadline is not None and attempt.deadline <= now:
            continue  # Over already: it is closed with what was saved, never reopened.
        found = Accommodation.objects.filter(
            applying_to(course_id=course.pk, quiz_id=attempt.quiz_id, learner_id=attempt.user_id)
        )
        deadline = quiz_terms(attempt.quiz, (a.terms for a in found)).deadline(attempt.started_at)
        if deadline != attempt.deadline:
            attempt.deadline = deadline
            attempt.save(update_fields=["deadline"])
            moved += 1
    return moved


def adjustments_from(data: dict[str, Any]) -> Adjustments:
    """Adjustments from cleaned form or serializer data (missing or empty: not given)."""
    return Adjustments(**{name: data.get(name) for name in Adjustments.__dataclass_fields__})
