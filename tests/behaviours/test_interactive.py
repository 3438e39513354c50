"""The interactive behaviour (practice quizzes): Check with tries, a third off per wrong try."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings

from quizzes import behaviours
from quizzes.models import ResponseState
from tests.factories import course_with_learner

from .live import ACTIONS, play, practice_setting, replayed
from .steps import by_hand, check, pick, save, submit, version, with_key

INTERACTIVE = behaviours.get("interactive")


def test_a_practice_quiz_is_interactive_and_a_graded_one_deferred():
    assert behaviours.for_mode("practice") is INTERACTIVE
    assert behaviours.for_mode("graded") is behaviours.get("deferred")


@pytest.mark.parametrize(
    ("wrong_tries", "fraction"),
    [(0, "1"), (1, "0.66667"), (2, "0.33333"), (3, "0")],
)
def test_each_wrong_try_before_the_right_one_costs_a_third(wrong_tries, fraction):
    ver = version()
    steps = [check(pick(ver, "Narva"))] * wrong_tries + [check(pick(ver, "Tallinn", "Tartu"))]
    result = INTERACTIVE.replay([*steps, submit()], ver)
    assert result.mark.state == ResponseState.CORRECT
    assert result.mark.fraction == Decimal(fraction)
    assert result.wrong_tries == wrong_tries


def test_a_partly_right_try_counts_as_wrong_and_its_own_mark_is_penalised():
    ver = version()
    steps = [check(pick(ver, "Tallinn")), check(pick(ver, "Tartu")), submit()]
    result = INTERACTIVE.replay(steps, ver)
    # Half right after one try that was not right: 0.5 - 1/3.
    assert (result.mark.state, result.mark.fraction) == (ResponseState.PARTIAL, Decimal("0.16667"))


def test_the_penalty_never_takes_a_mark_below_zero():
    assert behaviours.practice_fraction(Decimal("0.5"), 3) == 0
    assert behaviours.practice_fraction(Decimal(0), 5) == 0


def test_check_and_a_new_answer_are_refused_once_a_check_is_right():
    assert INTERACTIVE.refuses_check(ResponseState.CORRECT) == "already_correct"
    assert INTERACTIVE.refuses_change(ResponseState.CORRECT) == "already_correct"


@pytest.mark.parametrize("state", ["unanswered", "answered", "partial", "wrong"])
def test_a_question_not_yet_right_may_be_answered_and_checked_again(state):
    assert INTERACTIVE.refuses_check(state) is None
    assert INTERACTIVE.refuses_change(state) is None


def test_feedback_is_shown_right_after_a_check():
    assert INTERACTIVE.can_check and INTERACTIVE.shows_feedback_after_check
    assert INTERACTIVE.gives_feedback_during_attempt


def test_submit_keeps_a_checked_verdict_and_grades_an_unchecked_answer_with_the_tries_cost():
    ver = version()
    checked = [check(pick(ver, "Narva")), check(pick(ver, "Tallinn")), submit()]
    assert INTERACTIVE.replay(checked, ver).mark.fraction == Decimal("0.16667")
    # The right answer saved, not checked, after two wrong tries: the tries still cost.
    wrong_twice = [check(pick(ver, "Narva")), check(pick(ver, "Riga"))]
    saved = [*wrong_twice, save(pick(ver, "Tallinn", "Tartu")), submit()]
    mark = INTERACTIVE.replay(saved, ver).mark
    assert (mark.state, mark.fraction) == (ResponseState.CORRECT, Decimal("0.33333"))


def test_a_replay_drops_the_tries_after_one_that_is_right_under_the_new_key():
    ver = version()
    steps = [
        check(pick(ver, "Narva")),
        save(pick(ver, "Riga")),
        check(pick(ver, "Tallinn", "Tartu")),
        submit(),
    ]
    result = INTERACTIVE.replay(steps, with_key(ver, "Narva"))
    assert (result.mark.state, result.mark.fraction) == (ResponseState.CORRECT, Decimal(1))
    assert result.wrong_tries == 0


def test_a_mark_given_by_hand_wins_over_the_replay():
    ver = version()
    steps = [check(pick(ver, "Tallinn", "Tartu")), submit(), by_hand("0.25", "partial")]
    result = INTERACTIVE.replay(steps, ver)
    assert result.is_by_hand and result.mark.fraction == Decimal("0.25")
    assert result.automatic.fraction == Decimal(1)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions=ACTIONS)
def test_replaying_a_practice_attempts_steps_gives_the_mark_live_grading_gave(actions):
    course, _ = course_with_learner()
    quiz, question = practice_setting(course, "practice")
    response = play(course, quiz, question, actions)
    mark = replayed(quiz, response).mark
    assert (mark.state, mark.fraction) == (response.state, response.fraction)
