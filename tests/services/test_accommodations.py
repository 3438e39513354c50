"""Accommodations granted, changed and removed by a course's staff: every door that starts an
attempt applies them, and an attempt already in progress gets its new deadline at once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from quizzes import clock
from quizzes.errors import QuizUnavailable
from quizzes.models import Accommodation, AccommodationGroup, Attempt
from quizzes.services.accommodations import (
    AccommodationInvalid,
    AccommodationNotAllowed,
    Adjustments,
    accommodation_change,
    accommodation_grant,
    accommodation_group_save,
    accommodation_remove,
)
from quizzes.services.attempts import (
    answers_save,
    attempt_start,
    attempt_submit,
    attempts_close_overdue,
)
from tests.factories import (
    CourseFactory,
    SectionFactory,
    UserFactory,
    course_with_learner,
    enrol,
    fixed_quiz,
    key_answer,
    make_question,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def exam():
    """A course, its timed one-attempt exam, a learner and an instructor."""
    section = SectionFactory()
    course, learner = course_with_learner(article=section.article)
    question = make_question(section)
    quiz = fixed_quiz([question], course=course, time_limit_minutes=30, max_attempts=1)
    return course, quiz, learner, enrol(course, role="instructor"), question


def grant(course, teacher, **kwargs):
    fields = {k: kwargs.pop(k) for k in list(kwargs) if k in Adjustments.__dataclass_fields__}
    return accommodation_grant(
        actor=teacher, course=course, adjustments=Adjustments(**fields), **kwargs
    )


def test_a_learner_with_extra_minutes_starts_with_the_longer_deadline(exam):
    course, quiz, learner, teacher, _ = exam
    grant(course, teacher, learner=learner, quiz=quiz, extra_minutes=15)
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    assert attempt.deadline == attempt.started_at + timedelta(minutes=45)
    classmate = enrol(course)
    other = attempt_start(quiz=quiz, user=classmate, course=course)
    assert other.deadline == other.started_at + timedelta(minutes=30)


def test_starting_with_accommodations_takes_no_more_queries(exam, django_assert_max_num_queries):
    course, quiz, learner, teacher, _ = exam
    grant(course, teacher, learner=learner, extra_minutes=10)
    group = accommodation_group_save(actor=teacher, course=course, name="G", members=[learner])
    grant(course, teacher, group=group, quiz=quiz, extra_attempts=1)
    with django_assert_max_num_queries(8):
        attempt = attempt_start(quiz=quiz, user=learner, course=course)
    assert attempt.deadline == attempt.started_at + timedelta(minutes=40)


def test_extra_attempts_let_a_learner_start_again(exam):
    course, quiz, learner, teacher, _ = exam
    first = attempt_start(quiz=quiz, user=learner, course=course)
    attempt_submit(attempt_id=first.pk, user=learner)
    with pytest.raises(QuizUnavailable, match="used all your attempts"):
        attempt_start(quiz=quiz, user=learner, course=course)
    grant(course, teacher, learner=learner, extra_attempts=1)
    assert attempt_start(quiz=quiz, user=learner, course=course).number == 2


def test_a_later_close_date_lets_the_learner_start_after_the_quiz_closed(exam, monkeypatch):
    course, quiz, learner, teacher, _ = exam
    quiz.closes_at = clock.now() + timedelta(hours=1)
    quiz.save()
    later = quiz.closes_at + timedelta(days=1)
    grant(course, teacher, learner=learner, quiz=quiz, closes_at=later)
    monkeypatch.setattr(clock, "now", lambda: quiz.closes_at + timedelta(hours=2))
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    assert attempt.deadline == clock.now() + timedelta(minutes=30)
    with pytest.raises(QuizUnavailable, match="closed"):
        attempt_start(quiz=quiz, user=enrol(course), course=course)


def test_a_course_wide_accommodation_covers_quizzes_added_later(exam):
    course, _quiz, learner, teacher, question = exam
    grant(course, teacher, learner=learner, time_multiplier=Decimal("1.5"))
    added_later = fixed_quiz([question], course=course, time_limit_minutes=20)
    attempt = attempt_start(quiz=added_later, user=learner, course=course)
    assert attempt.deadline == attempt.started_at + timedelta(minutes=30)


def test_extra_time_granted_during_an_attempt_moves_its_deadline_and_it_stays_open(
    exam, monkeypatch
):
    course, quiz, learner, teacher, question = exam
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    old_deadline = attempt.deadline
    grant(course, teacher, learner=learner, quiz=quiz, extra_minutes=15)
    attempt.refresh_from_db()
    assert attempt.deadline == old_deadline + timedelta(minutes=15)
    # Past the old deadline: the scheduler leaves it open and answers are still saved.
    monkeypatch.setattr(clock, "now", lambda: old_deadline + timedelta(minutes=5))
    assert attempts_close_overdue() == 0
    answers_save(
        attempt_id=attempt.pk,
        user=learner,
        answers={question.pk: key_answer(question.current_version)},
    )
    submitted = attempt_submit(attempt_id=attempt.pk, user=learner)
    assert submitted.state == "submitted" and submitted.score == 1


def test_changing_and_removing_an_accommodation_moves_open_deadlines_back(exam):
    course, quiz, learner, teacher, _ = exam
    granted = grant(course, teacher, learner=learner, extra_minutes=15)
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    started = attempt.started_at
    accommodation_change(
        actor=teacher, accommodation=granted, adjustments=Adjustments(extra_minutes=25), note=""
    )
    attempt.refresh_from_db()
    assert attempt.deadline == started + timedelta(minutes=55)
    accommodation_remove(actor=teacher, accommodation=granted)
    attempt.refresh_from_db()
    assert attempt.deadline == started + timedelta(minutes=30)
    assert not Accommodation.objects.exists()


def test_joining_a_group_gives_an_open_attempt_the_groups_extra_time(exam):
    course, quiz, learner, teacher, _ = exam
    group = accommodation_group_save(actor=teacher, course=course, name="Readers", members=[])
    grant(course, teacher, group=group, extra_minutes=10)
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    accommodation_group_save(
        actor=teacher, course=course, group=group, name="Readers", members=[learner]
    )
    attempt.refresh_from_db()
    assert attempt.deadline == attempt.started_at + timedelta(minutes=40)


def test_an_attempt_already_past_its_deadline_is_not_reopened(exam, monkeypatch):
    course, quiz, learner, teacher, _ = exam
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    monkeypatch.setattr(clock, "now", lambda: attempt.deadline + timedelta(minutes=1))
    grant(course, teacher, learner=learner, extra_minutes=30)
    assert Attempt.objects.get(pk=attempt.pk).deadline == attempt.deadline


def test_only_the_courses_staff_may_give_accommodations(exam):
    course, _quiz, learner, _teacher, _ = exam
    with pytest.raises(AccommodationNotAllowed):
        grant(course, learner, learner=learner, extra_minutes=60)
    outsider = enrol(CourseFactory(), role="instructor")
    with pytest.raises(AccommodationNotAllowed):
        grant(course, outsider, learner=learner, extra_minutes=60)
    assert not Accommodation.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"extra_minutes": -5}, "extra_minutes"),
        ({"extra_minutes": 0}, "extra_minutes"),
        ({"time_multiplier": Decimal("0.5")}, "time_multiplier"),
        ({"extra_minutes": 5, "time_multiplier": Decimal("1.5")}, "time_multiplier"),
        ({"extra_attempts": 0}, "extra_attempts"),
        ({}, ""),
    ],
)
def test_bad_adjustments_are_refused_by_field_and_change_nothing(exam, changes, field):
    course, quiz, learner, teacher, _ = exam
    with pytest.raises(AccommodationInvalid) as error:
        grant(course, teacher, learner=learner, quiz=quiz, **changes)
    assert field in error.value.errors
    assert not Accommodation.objects.exists()


def test_a_close_date_before_the_quiz_opens_or_closes_is_refused(exam):
    course, quiz, learner, teacher, _ = exam
    now = clock.now()
    quiz.opens_at, quiz.closes_at = now + timedelta(days=2), now + timedelta(days=3)
    quiz.save()
    for closes in (now + timedelta(days=1), now + timedelta(days=2, hours=12), now):
        with pytest.raises(AccommodationInvalid) as error:
            grant(course, teacher, learner=learner, quiz=quiz, closes_at=closes)
        assert "closes_at" in error.value.errors
    assert not Accommodation.objects.exists()


def test_a_non_member_another_courses_quiz_or_group_is_refused(exam):
    course, _quiz, learner, teacher, question = exam
    with pytest.raises(AccommodationInvalid) as error:
        grant(course, teacher, learner=UserFactory(), extra_minutes=5)
    assert "learner" in error.value.errors
    elsewhere = CourseFactory()
    foreign_quiz = fixed_quiz([question], course=elsewhere)
    with pytest.raises(AccommodationInvalid) as error:
        grant(course, teacher, learner=learner, quiz=foreign_quiz, extra_minutes=5)
    assert "quiz" in error.value.errors
    foreign_group = AccommodationGroup.objects.create(course=elsewhere, name="G")
    with pytest.raises(AccommodationInvalid) as error:
        grant(course, teacher, group=foreign_group, extra_minutes=5)
    assert "group" in error.value.errors
    with pytest.raises(AccommodationInvalid) as error:
        accommodation_group_save(actor=teacher, course=course, name="X", members=[UserFactory()])
    assert "members" in error.value.errors
    assert not Accommodation.objects.exists()
    assert not AccommodationGroup.objects.filter(course=course).exists()


def test_a_second_grant_for_the_same_learner_and_scope_is_refused(exam):
    course, quiz, learner, teacher, _ = exam
    grant(course, teacher, learner=learner, quiz=quiz, extra_minutes=5)
    with pytest.raises(AccommodationInvalid):
        grant(course, teacher, learner=learner, quiz=quiz, extra_attempts=2)
    # Another scope is another accommodation.
    grant(course, teacher, learner=learner, extra_attempts=2)
    assert Accommodation.objects.count() == 2
