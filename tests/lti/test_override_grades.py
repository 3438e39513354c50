"""A grade given by hand goes to the course platform through the outbox, as a regrade's does
(issue #14 item 9): queued in the same transaction, sent once by the worker."""

from __future__ import annotations

import pytest

from quizzes.models import LtiScore, Quiz
from quizzes.services.grading import attempt_override_grade, response_override_mark
from tests.factories import enrol, fixed_quiz, make_question

from .test_grades import finish, launched_learner, run_worker


@pytest.fixture
def exam() -> Quiz:
    """A graded quiz of two questions, offered in every course (the launch makes the course)."""
    return fixed_quiz([make_question(), make_question()], title="Exam", mode="graded")


def test_a_grade_given_by_hand_is_queued_and_sent_to_the_platform(client, platform, exam):
    learner, course, lineitem = launched_learner(client, platform, exam)
    attempt = finish(exam, learner, course, right=0)
    run_worker()
    assert platform.scores[lineitem][-1]["scoreGiven"] == 0.0
    teacher = enrol(course, role="instructor")

    attempt_override_grade(
        attempt_id=attempt.pk, actor=teacher, score=attempt.max_score / 2, comment="Oral exam"
    )

    queued = LtiScore.objects.order_by("-id").first()
    assert queued.reason == "override" and queued.score_given == 50
    run_worker()
    assert platform.scores[lineitem][-1]["scoreGiven"] == 50.0
    assert len(platform.scores[lineitem]) == 2


def test_a_questions_mark_that_changes_the_grade_is_sent_and_a_comment_is_not(
    client,
    platform,
    exam,
):
    learner, course, lineitem = launched_learner(client, platform, exam)
    attempt = finish(exam, learner, course, right=0)
    run_worker()
    teacher = enrol(course, role="instructor")
    response = attempt.responses.order_by("position").first()
    response_override_mark(
        attempt_id=attempt.pk,
        question_id=response.question_id,
        actor=teacher,
        mark=None,
        comment="See the passage",
    )
    assert LtiScore.objects.count() == 1
    response_override_mark(
        attempt_id=attempt.pk,
        question_id=response.question_id,
        actor=teacher,
        mark=response.max_mark,
    )
    assert LtiScore.objects.count() == 2
    run_worker()
    assert platform.scores[lineitem][-1]["scoreGiven"] > 0
