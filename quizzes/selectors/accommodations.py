"""The one home of a learner's effective quiz rules: the quiz's time limit, attempts and close
date as changed by the accommodations that apply to them.

`quiz_terms` is the pure rule; `effective_quiz_terms` reads the accommodations and applies it.
Starting an attempt reads them in its own offer query (`offer_rows.quiz_offer_row_sent`) and
applies the same `quiz_terms`, so every door (pages, API, LTI) and every deadline agree.

How several accommodations combine (Moodle's rule for overrides, extended to the course):
for each adjustment (time, attempts, close date) the most specific accommodation that sets it
wins: the learner's own for this quiz, then theirs for the whole course, then a group's for
this quiz, then a group's for the whole course; several groups at one level give the most
generous. An accommodation only ever gives more: a quiz without a time limit, an attempt
limit or a close date stays without one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from ..models import (
    Accommodation,
    AccommodationGroup,
    AccommodationTerms,
    Attempt,
    AttemptState,
    Course,
    Quiz,
)


@dataclass(frozen=True)
class QuizTerms:
    """A quiz's rules for one learner: its own, with their accommodations applied."""

    time_limit_minutes: int | None
    max_attempts: int | None
    opens_at: datetime | None
    closes_at: datetime | None
    # What the accommodations add (0 / False: nothing), for "You have 15 extra minutes".
    extra_minutes: int = 0
    extra_attempts: int = 0
    closes_later: bool = False

    @property
    def is_accommodated(self) -> bool:
        """Whether an accommodation changes anything for this learner."""
        return bool(self.extra_minutes or self.extra_attempts or self.closes_later)

    def deadline(self, started_at: datetime) -> datetime | None:
        """When an attempt begun at `started_at` must end: the earlier of its time limit and
        the close date (None: never)."""
        ends = []
        if self.time_limit_minutes:
            ends.append(started_at + timedelta(minutes=self.time_limit_minutes))
        if self.closes_at:
            ends.append(self.closes_at)
        return min(ends) if ends else None


def _level(terms: AccommodationTerms) -> int:
    return 2 * terms.for_group + terms.course_wide


def _most_specific[T](
    found: list[AccommodationTerms], value: Callable[[AccommodationTerms], T | None]
) -> T | None:
    """The most generous value at the most specific level that sets one."""
    for level in range(4):
        values = [v for t in found if _level(t) == level and (v := value(t)) is not None]
        if values:
            return max(values)  # type: ignore[type-var]
    return None


def quiz_terms(quiz: Quiz, accommodations: Iterable[AccommodationTerms]) -> QuizTerms:
    """The quiz's rules with the accommodations applied (a pure function)."""
    found = list(accommodations)
    base_time, base_attempts = quiz.time_limit_minutes, quiz.max_attempts
    base_close = quiz.closes_at

    def minutes(terms: AccommodationTerms) -> int | None:
        if not base_time:
            return None
        if terms.extra_minutes:
            return base_time + terms.extra_minutes
        if terms.time_multiplier:
            return math.ceil(base_time * terms.time_multiplier)
        return None

    time_limit = _most_specific(found, minutes) or base_time
    extra_attempts = _most_specific(found, lambda t: t.extra_attempts) or 0
    attempts = None if base_attempts is None else base_attempts + extra_attempts
    later = _most_specific(found, lambda t: t.closes_at)
    closes_at = base_close if base_close is None or later is None else max(base_close, later)
    return QuizTerms(
        time_limit_minutes=time_limit,
        max_attempts=attempts,
        opens_at=quiz.opens_at,
        closes_at=closes_at,
        extra_minutes=(time_limit or 0) - (base_time or 0),
        extra_attempts=0 if base_attempts is None else extra_attempts,
        closes_later=closes_at != base_close,
    )


def applying_to(*, course_id: int, quiz_id: int | None, learner_id: int) -> Q:
    """The filter of the accommodations that apply to a learner on a quiz in a course (on
    any quiz of it: `quiz_id` None)."""
    scope = Q(course_id=course_id)
    if quiz_id is not None:
        scope &= Q(quiz__isnull=True) | Q(quiz_id=quiz_id)
    groups = AccommodationGroup.objects.filter(course_id=course_id, members=learner_id)
    return scope & (Q(learner_id=learner_id) | Q(group__in=groups.values("pk")))


def effective_quiz_terms(*, quiz: Quiz, learner: AbstractBaseUser, course: Course) -> QuizTerms:
    """The quiz's rules for this learner in this course (one query)."""
    rows = Accommodation.objects.filter(
        applying_to(course_id=course.pk, quiz_id=quiz.pk, learner_id=learner.pk)
    )
    return quiz_terms(quiz, (row.terms for row in rows))


def learner_closes_at(attempt: Attempt) -> datetime | None:
    """When the attempt's quiz closes for its learner (their later close date, if any), or None
    when it never closes; one query, only when the quiz has a close date."""
    if attempt.quiz.closes_at is None:
        return None
    rows = Accommodation.objects.filter(
        applying_to(
            course_id=attempt.course_id, quiz_id=attempt.quiz_id, learner_id=attempt.user_id
        )
    )
    return quiz_terms(attempt.quiz, (row.terms for row in rows)).closes_at


def learner_terms_by_course(
    *, quiz: Quiz, learner_id: int, course_ids: Iterable[int]
) -> dict[int, QuizTerms]:
    """The quiz's rules for a learner in each of these courses, by id (one query; no user or
    course loaded): where they could take it, for a review that waits for their last attempt."""
    found: dict[int, list[AccommodationTerms]] = {course_id: [] for course_id in course_ids}
    rule = Q()
    for course_id in found:
        rule |= applying_to(course_id=course_id, quiz_id=quiz.pk, learner_id=learner_id)
    for row in Accommodation.objects.filter(rule) if found else []:
        found[row.course_id].append(row.terms)
    return {course_id: quiz_terms(quiz, terms) for course_id, terms in found.items()}


def learner_terms_in(
    *, learner_id: int, courses: Iterable[Course]
) -> Callable[[Quiz, Course], QuizTerms]:
    """The learner's terms for any quiz of these courses, from one query: for lists."""
    by_course: dict[int, list[Accommodation]] = {}
    rule = Q()
    for course in courses:
        rule |= applying_to(course_id=course.pk, quiz_id=None, learner_id=learner_id)
    for found in Accommodation.objects.filter(rule) if rule else []:
        by_course.setdefault(found.course_id, []).append(found)

    def terms(quiz: Quiz, course: Course) -> QuizTerms:
        mine = by_course.get(course.pk, [])
        return quiz_terms(quiz, (a.terms for a in mine if a.quiz_id in (None, quiz.pk)))

    return terms


@dataclass(frozen=True)
class AttemptsUsed:
    """A learner's attempts at one quiz in one course."""

    total: int = 0
    in_progress: int = 0


NONE_USED = AttemptsUsed()


def attempts_used(
    *, learner_id: int, quiz_ids: Iterable[int], course_ids: Iterable[int]
) -> dict[tuple[int, int], AttemptsUsed]:
    """The learner's attempts at these quizzes in these courses, by (quiz id, course id); one
    query."""
    rows = (
        Attempt.objects.filter(
            user_id=learner_id, quiz_id__in=list(quiz_ids), course_id__in=list(course_ids)
        )
        .values("quiz_id", "course_id")
        .annotate(
            total=Count("pk"), in_progress=Count("pk", filter=Q(state=AttemptState.IN_PROGRESS))
        )
        .order_by()
    )
    return {
        (row["quiz_id"], row["course_id"]): AttemptsUsed(row["total"], row["in_progress"])
        for row in rows
    }


def still_open_limits(
    terms_by_course: Mapping[int, QuizTerms], now: datetime
) -> dict[int, int | None]:
    """The courses where the quiz has not closed for the learner, with the attempts they are
    allowed there (None: no limit). A pure function; with `has_attempt_left`, the one rule of
    whether a learner is done with a quiz (the review that waits for the last attempt, and the
    exam protection that ends with it)."""
    return {
        course_id: terms.max_attempts
        for course_id, terms in terms_by_course.items()
        if terms.closes_at is None or now < terms.closes_at
    }


def attempts_decide(limits: Mapping[int, int | None]) -> bool:
    """Whether `has_attempt_left` needs the learner's attempts to answer for these limits: some
    course is still open and each open one limits the attempts (else the answer is known
    without counting: no course open, or one without a limit)."""
    return bool(limits) and None not in limits.values()


def has_attempt_left(limits: Mapping[int, int | None], used: Callable[[int], AttemptsUsed]) -> bool:
    """Whether the learner may still take the quiz in one of the courses `still_open_limits`
    left: it has no attempt limit there, or they have an attempt in progress or one left.
    `used(course_id)` is their attempts there. A pure function."""
    for course_id, limit in limits.items():
        if limit is None:
            return True
        mine = used(course_id)
        if mine.in_progress or mine.total < limit:
            return True
    return False


def attempt_terms(attempt: Attempt) -> QuizTerms:
    """The rules of the attempt's quiz for its learner in its course (one query)."""
    return effective_quiz_terms(quiz=attempt.quiz, learner=attempt.user, course=attempt.course)


def course_accommodations(*, course: Course) -> QuerySet[Accommodation]:
    """A course's accommodations with their learner, group and quiz, learners first."""
    return (
        Accommodation.objects.filter(course=course)
        .select_related("learner", "group", "quiz")
        .order_by("group__name", "learner__username", "quiz__title")
    )


def course_accommodation_groups(*, course: Course) -> QuerySet[AccommodationGroup]:
    """A course's accommodation groups with their members."""
    return AccommodationGroup.objects.filter(course=course).prefetch_related("members")


def describe(terms: QuizTerms) -> list[str]:
    """What the accommodations give, in words for the learner and staff."""
    said: list[str] = []
    if terms.extra_minutes:
        said.append(f"{terms.extra_minutes} extra minute{'s' if terms.extra_minutes != 1 else ''}")
    if terms.extra_attempts:
        n = terms.extra_attempts
        said.append(f"{n} extra attempt{'s' if n != 1 else ''}")
    if terms.closes_later and terms.closes_at:
        said.append(f"until {timezone.localtime(terms.closes_at):%Y-%m-%d %H:%M} to finish")
    return said


def as_dict(terms: QuizTerms) -> dict[str, Any]:
    """The terms as plain values (templates, the API)."""
    return {
        "time_limit_minutes": terms.time_limit_minutes,
        "max_attempts": terms.max_attempts,
        "closes_at": terms.closes_at,
        "extra_minutes": terms.extra_minutes,
        "extra_attempts": terms.extra_attempts,
        "closes_later": terms.closes_later,
    }
