"""Item analysis kept in the cache until a submission, a regrade or a mark by hand changes it;
the worker computes the changed ones again, so teachers find them ready."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache

from quizzes import clock
from quizzes.selectors.analysis_snapshots import (
    item_analysis_snapshot,
    refresh_changed_snapshots,
)
from quizzes.services.attempts import answers_save, attempt_submit
from quizzes.services.grading import response_override_mark
from quizzes.tasks import refresh_item_analyses
from tests.factories import UserFactory, enrol, key_answer, make_attempt
from tests.submitted_attempts import hand_fixture

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def submit_one_more(hand) -> None:
    learner = enrol(hand.course, UserFactory())
    attempt = make_attempt(
        quiz=hand.quiz, user=learner, course=hand.course, questions=hand.questions
    )
    answers = {q.pk: key_answer(q.current_version) for q in hand.questions}
    answers_save(attempt_id=attempt.pk, user=learner, answers=answers)
    attempt_submit(attempt_id=attempt.pk, user=learner)


def test_an_unchanged_quiz_reads_its_kept_analysis_without_reading_the_responses(
    django_assert_max_num_queries,
):
    hand = hand_fixture()
    first = item_analysis_snapshot(course=hand.course, quiz=hand.quiz)

    with django_assert_max_num_queries(3):  # the stamp (two aggregates) and the cache
        again = item_analysis_snapshot(course=hand.course, quiz=hand.quiz)

    assert again.computed_at == first.computed_at
    assert again.analysis == first.analysis
    assert again.analysis.attempt_count == 5


def test_a_new_submission_makes_the_analysis_count_it():
    hand = hand_fixture()
    first = item_analysis_snapshot(course=hand.course, quiz=hand.quiz)

    submit_one_more(hand)
    after = item_analysis_snapshot(course=hand.course, quiz=hand.quiz)

    assert (first.analysis.attempt_count, after.analysis.attempt_count) == (5, 6)


def test_a_mark_given_by_hand_changes_the_kept_analysis():
    hand = hand_fixture()
    before = item_analysis_snapshot(course=hand.course, quiz=hand.quiz)
    q1 = hand.questions[0]
    facility_before = next(i for i in before.analysis.items if i.question_id == q1.pk).facility

    response_override_mark(
        attempt_id=hand.attempts["ayan"].pk,
        question_id=q1.pk,
        actor=hand.instructor,
        mark=Decimal(1),
    )
    after = item_analysis_snapshot(course=hand.course, quiz=hand.quiz)

    facility_after = next(i for i in after.analysis.items if i.question_id == q1.pk).facility
    assert facility_after > facility_before


def test_the_worker_computes_again_only_the_analyses_whose_grades_changed():
    hand = hand_fixture()
    other = hand_fixture()
    for quiz_of in (hand, other):
        item_analysis_snapshot(course=quiz_of.course, quiz=quiz_of.quiz)

    submit_one_more(hand)
    since = clock.now() - timedelta(minutes=10)

    assert refresh_changed_snapshots(since=since) == 1  # only the changed quiz
    assert refresh_changed_snapshots(since=since) == 0  # now ready
    ready = item_analysis_snapshot(course=hand.course, quiz=hand.quiz)
    assert ready.analysis.attempt_count == 6


def test_the_scheduled_task_refreshes_what_changed_in_its_window():
    hand = hand_fixture()

    assert refresh_item_analyses.call() == 1  # the five submissions just graded
    assert refresh_item_analyses.call() == 0
    kept = item_analysis_snapshot(course=hand.course, quiz=hand.quiz)
    assert kept.analysis.attempt_count == 5
