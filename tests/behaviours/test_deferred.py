"""The deferred behaviour (graded quizzes): answers saved, graded once at submit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings

from quizzes import behaviours
from quizzes.models import ResponseState, StepKind
from tests.factories import course_with_learner

from .live import ACTIONS, play, practice_setting, replayed
from .steps import by_hand, check, pick, save, step, submit, version

DEFERRED = behaviours.get("deferred")


def test_a_graded_quiz_offers_no_check_and_no_feedback_before_submission():
    assert not DEFERRED.can_check and not DEFERRED.gives_feedback_during_attempt
    assert DEFERRED.refuses_check(ResponseState.ANSWERED) == "practice_only"


@pytest.mark.parametrize("state", ["unanswered", "answered"])
def test_an_answer_may_change_until_submission(state):
    assert DEFERRED.refuses_change(state) is None


def test_the_last_saved_answer_is_graded_at_submit_without_penalty():
    ver = version()
    steps = [save(pick(ver, "Narva")), save(pick(ver, "Riga")), save(pick(ver, "Tallinn", "Tartu"))]
    result = DEFERRED.replay([*steps, submit()], ver)
    assert (result.mark.state, result.mark.fraction) == (ResponseState.CORRECT, Decimal(1))
    assert result.wrong_tries == 0


def test_nothing_is_graded_before_submission():
    ver = version()
    mark = DEFERRED.replay([save(pick(ver, "Tallinn", "Tartu"))], ver).mark
    assert (mark.state, mark.fraction) == (ResponseState.ANSWERED, None)


def test_a_check_step_in_a_graded_quiz_is_only_a_save():
    ver = version()
    result = DEFERRED.replay([check(pick(ver, "Narva")), submit()], ver)
    assert (result.mark.state, result.mark.fraction) == (ResponseState.WRONG, Decimal(0))
    assert result.wrong_tries == 0


def test_an_unanswered_question_gives_up_at_submit():
    mark = DEFERRED.replay([submit()], version()).mark
    assert (mark.state, mark.fraction) == (ResponseState.GAVE_UP, Decimal(0))


def test_regrade_and_comment_steps_are_outcomes_not_actions():
    ver = version()
    steps = [
        save(pick(ver, "Tallinn")),
        submit(),
        step(StepKind.REGRADE, state="correct", fraction=Decimal(1)),
        step(StepKind.COMMENT),
    ]
    assert DEFERRED.replay(steps, ver).mark.fraction == Decimal("0.5")


def test_a_mark_given_by_hand_stands_whatever_the_key_says():
    ver = version()
    steps = [save(pick(ver, "Narva")), submit(), by_hand("1", "correct")]
    result = DEFERRED.replay(steps, ver)
    assert result.is_by_hand and result.mark.fraction == Decimal(1)
    assert result.automatic.fraction == Decimal(0)


@pytest.mark.django_db
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions=ACTIONS)
def test_replaying_a_graded_attempts_steps_gives_the_mark_live_grading_gave(actions):
    course, _ = course_with_learner()
    quiz, question = practice_setting(course, "graded")
    response = play(course, quiz, question, actions)
    mark = replayed(quiz, response).mark
    assert (mark.state, mark.fraction) == (response.state, response.fraction)
