"""The one rule for a learner's quiz terms: accommodations only ever give more, and the most
specific one that sets an adjustment wins (a learner's over a group's, a quiz's over the
course's); several groups at one level give the most generous."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from quizzes.models import Accommodation, AccommodationGroup, AccommodationTerms, Quiz
from quizzes.selectors import offered_quizzes
from quizzes.selectors.accommodations import (
    AttemptsUsed,
    QuizTerms,
    describe,
    effective_quiz_terms,
    has_attempt_left,
    quiz_terms,
    still_open_limits,
)
from tests.factories import CourseFactory, QuizFactory, enrol

CLOSES = datetime(2026, 12, 10, 17, 0, tzinfo=UTC)


def quiz(**fields) -> Quiz:
    return Quiz(time_limit_minutes=60, max_attempts=2, closes_at=CLOSES, **fields)


def own(**changes) -> AccommodationTerms:
    return AccommodationTerms(for_group=False, course_wide=False, **changes)


def course_wide(**changes) -> AccommodationTerms:
    return AccommodationTerms(for_group=False, course_wide=True, **changes)


def group(**changes) -> AccommodationTerms:
    return AccommodationTerms(for_group=True, course_wide=False, **changes)


def test_without_accommodations_the_terms_are_the_quizs_own():
    terms = quiz_terms(quiz(), [])
    assert (terms.time_limit_minutes, terms.max_attempts, terms.closes_at) == (60, 2, CLOSES)
    assert not terms.is_accommodated and describe(terms) == []


def test_extra_minutes_and_a_multiplier_lengthen_the_time_limit():
    assert quiz_terms(quiz(), [own(extra_minutes=15)]).time_limit_minutes == 75
    # 45 × 1.25 = 56.25: a started minute is a whole minute.
    terms = quiz_terms(Quiz(time_limit_minutes=45), [own(time_multiplier=Decimal("1.25"))])
    assert terms.time_limit_minutes == 57 and terms.extra_minutes == 12
    assert describe(terms) == ["12 extra minutes"]


def test_extra_attempts_and_a_later_close_date_add_to_the_quizs():
    later = CLOSES + timedelta(days=2)
    terms = quiz_terms(quiz(), [own(extra_attempts=1, closes_at=later)])
    assert terms.max_attempts == 3 and terms.extra_attempts == 1
    assert terms.closes_at == later and terms.closes_later


def test_an_accommodation_never_takes_anything_away():
    earlier = CLOSES - timedelta(days=1)
    assert quiz_terms(quiz(), [own(closes_at=earlier)]).closes_at == CLOSES
    unlimited = Quiz(time_limit_minutes=None, max_attempts=None, closes_at=None)
    terms = quiz_terms(unlimited, [own(extra_minutes=30, extra_attempts=2, closes_at=CLOSES)])
    assert (terms.time_limit_minutes, terms.max_attempts, terms.closes_at) == (None, None, None)
    assert not terms.is_accommodated


def test_the_learners_own_quiz_accommodation_beats_the_course_wide_and_the_groups():
    found = [
        group(extra_minutes=60),
        course_wide(extra_minutes=30, extra_attempts=1),
        own(extra_minutes=10),
    ]
    terms = quiz_terms(quiz(), found)
    # Time from their own for this quiz; attempts from their course-wide one, the only to set it.
    assert terms.time_limit_minutes == 70 and terms.max_attempts == 3


def test_of_several_groups_the_most_generous_wins():
    terms = quiz_terms(quiz(), [group(extra_minutes=10), group(time_multiplier=Decimal("1.5"))])
    assert terms.time_limit_minutes == 90


def test_the_deadline_is_the_earlier_of_the_longer_time_and_the_later_close():
    started = CLOSES - timedelta(minutes=70)
    terms = quiz_terms(quiz(), [own(extra_minutes=30)])
    assert terms.deadline(started) == CLOSES
    later = quiz_terms(quiz(), [own(extra_minutes=30, closes_at=CLOSES + timedelta(hours=1))])
    assert later.deadline(started) == started + timedelta(minutes=90)


@pytest.mark.django_db
def test_effective_terms_read_the_learners_and_their_groups_in_this_course_only(
    django_assert_num_queries,
):
    course, other_course = CourseFactory(), CourseFactory()
    exam = QuizFactory(course=course, time_limit_minutes=60, max_attempts=1)
    learner = enrol(course)
    enrol(other_course, learner)
    extra_time = AccommodationGroup.objects.create(course=course, name="Extra time")
    extra_time.members.add(learner)
    Accommodation.objects.create(course=course, group=extra_time, extra_minutes=20)
    Accommodation.objects.create(course=course, learner=learner, quiz=exam, extra_attempts=1)
    Accommodation.objects.create(course=other_course, learner=learner, extra_minutes=99)
    Accommodation.objects.create(course=course, learner=enrol(course), extra_minutes=45)
    with django_assert_num_queries(1):
        terms = effective_quiz_terms(quiz=exam, learner=learner, course=course)
    assert (terms.time_limit_minutes, terms.max_attempts) == (80, 2)
    assert describe(terms) == ["20 extra minutes", "1 extra attempt"]


@pytest.mark.django_db
def test_the_quiz_list_of_the_api_gives_each_learner_their_own_limits():
    course = CourseFactory()
    exam = QuizFactory(course=course, time_limit_minutes=60, max_attempts=1, closes_at=CLOSES)
    learner, classmate = enrol(course), enrol(course)
    later = CLOSES + timedelta(days=1)
    Accommodation.objects.create(course=course, learner=learner, extra_minutes=15)
    Accommodation.objects.create(
        course=course, learner=learner, quiz=exam, extra_attempts=1, closes_at=later
    )
    api = APIClient()
    api.force_authenticate(learner)
    mine = next(q for q in api.get("/api/v1/quizzes/").json()["results"] if q["id"] == exam.pk)
    assert (mine["time_limit_minutes"], mine["max_attempts"]) == (75, 2)
    assert mine["closes_at"] == later.isoformat().replace("+00:00", "Z")
    theirs = next(q for q in offered_quizzes(classmate) if q["id"] == exam.pk)
    assert (theirs["time_limit_minutes"], theirs["max_attempts"]) == (60, 1)
    assert theirs["closes_at"] == CLOSES


def course_terms(max_attempts: int | None, closes_at: datetime | None = None) -> QuizTerms:
    return QuizTerms(
        time_limit_minutes=None, max_attempts=max_attempts, opens_at=None, closes_at=closes_at
    )


def test_a_course_where_the_quiz_has_closed_for_the_learner_offers_no_attempt():
    now = CLOSES
    limits = still_open_limits(
        {
            1: course_terms(3, closes_at=now),
            2: course_terms(None, closes_at=now),
            3: course_terms(2),
        },
        now,
    )
    assert limits == {3: 2}
    assert still_open_limits({1: course_terms(None, closes_at=now)}, now) == {}


@pytest.mark.parametrize(
    ("limits", "used", "left"),
    [
        ({}, {}, False),
        ({1: None}, {1: AttemptsUsed(total=40)}, True),
        ({1: 2}, {1: AttemptsUsed(total=1)}, True),
        ({1: 2}, {1: AttemptsUsed(total=2)}, False),
        ({1: 2}, {1: AttemptsUsed(total=2, in_progress=1)}, True),
        ({1: 1, 2: 2}, {1: AttemptsUsed(total=1), 2: AttemptsUsed(total=1)}, True),
        ({1: 1, 2: 1}, {1: AttemptsUsed(total=1), 2: AttemptsUsed(total=1)}, False),
    ],
    ids=[
        "closed everywhere",
        "no limit",
        "one left",
        "all used",
        "the last one in progress",
        "one left in another course",
        "all used in every course",
    ],
)
def test_a_learner_has_an_attempt_left_while_some_open_course_still_lets_them_take_the_quiz(
    limits, used, left
):
    assert has_attempt_left(limits, lambda course_id: used.get(course_id, AttemptsUsed())) is left
