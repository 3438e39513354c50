"""The immediate behaviour: one Check, its verdict shown, then the answer is final."""

from __future__ import annotations

from decimal import Decimal

import pytest

from quizzes import behaviours
from quizzes.errors import MESSAGES
from quizzes.models import ResponseState

from .steps import check, pick, save, submit, version

IMMEDIATE = behaviours.get("immediate")


def test_one_check_shows_its_verdict_at_once():
    assert IMMEDIATE.can_check and IMMEDIATE.gives_feedback_during_attempt
    assert IMMEDIATE.refuses_check(ResponseState.ANSWERED) is None


@pytest.mark.parametrize("state", ["correct", "partial", "wrong"])
def test_after_a_check_the_answer_is_final_whatever_its_verdict(state):
    assert IMMEDIATE.refuses_check(state) == "already_checked"
    assert IMMEDIATE.refuses_change(state) == "already_checked"
    assert str(MESSAGES["already_checked"])


def test_a_checked_answer_keeps_its_whole_mark_and_later_tries_are_dropped():
    ver = version()
    steps = [check(pick(ver, "Tallinn")), check(pick(ver, "Tallinn", "Tartu")), submit()]
    result = IMMEDIATE.replay(steps, ver)
    assert (result.mark.state, result.mark.fraction) == (ResponseState.PARTIAL, Decimal("0.5"))


def test_an_answer_never_checked_is_graded_at_submit_without_penalty():
    ver = version()
    mark = IMMEDIATE.replay([save(pick(ver, "Tallinn", "Tartu")), submit()], ver).mark
    assert (mark.state, mark.fraction) == (ResponseState.CORRECT, Decimal(1))
