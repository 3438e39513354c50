"""The LTI package hears the quiz core's grade signals: a learner's quiz grade is written to the
outbox in the transaction that made it, and nowhere when that transaction rolls back."""

from __future__ import annotations

import pytest
from django.db import transaction

from quizzes.models import GradingMethod, LtiScore, Quiz, QuizGrade, ScoreReason
from quizzes.services.grading import attempt_override_grade
from tests.factories import course_with_learner, enrol

from .test_grades import finish, launched_learner


@pytest.fixture
def exam(db) -> Quiz:
    return Quiz.objects.get(key="final-exam")


class RolledBack(Exception):
    pass


def test_a_submission_writes_the_quiz_grade_to_the_outbox_in_its_transaction(
    client, platform, exam
):
    learner, course, _ = launched_learner(client, platform, exam)

    with transaction.atomic():
        attempt = finish(exam, learner, course, right=9)
        # Still inside the submission's transaction: the row is already there.
        [score] = LtiScore.objects.all()

    grade = QuizGrade.objects.get(quiz=exam, course=course, user=learner)
    assert (score.score_given, score.attempt_id, score.reason) == (
        grade.percent,
        attempt.pk,
        ScoreReason.SUBMIT,
    )


def test_a_rolled_back_submission_leaves_no_grade_and_no_outbox_row(client, platform, exam):
    learner, course, _ = launched_learner(client, platform, exam)

    with pytest.raises(RolledBack), transaction.atomic():
        finish(exam, learner, course)
        assert LtiScore.objects.count() == 1
        raise RolledBack

    assert not LtiScore.objects.exists()
    assert not QuizGrade.objects.exists()


def test_the_outbox_sends_the_grade_of_the_quizs_grading_method(client, platform, exam):
    exam.grading_method = GradingMethod.LAST
    exam.max_attempts = None
    exam.save()
    learner, course, _ = launched_learner(client, platform, exam)
    finish(exam, learner, course)

    finish(exam, learner, course, right=0)

    newest = LtiScore.objects.order_by("-pk").first()
    assert newest.score_given == 0


def test_a_grade_given_by_hand_is_queued_as_an_override(client, platform, exam):
    learner, course, _ = launched_learner(client, platform, exam)
    attempt = finish(exam, learner, course, right=0)
    teacher = enrol(course, role="instructor")

    attempt_override_grade(attempt_id=attempt.pk, actor=teacher, score=attempt.max_score)

    newest = LtiScore.objects.order_by("-pk").first()
    assert (newest.score_given, newest.reason) == (100, ScoreReason.OVERRIDE)


def test_a_course_no_platform_launched_queues_nothing(exam):
    course, learner = course_with_learner()

    finish(exam, learner, course)

    assert QuizGrade.objects.filter(user=learner).exists()
    assert not LtiScore.objects.exists()
