"""The words practice uses for its penalty and its verdicts, read from the rule itself."""

from __future__ import annotations

from decimal import Decimal

import pytest

from quizzes import practice_wording
from quizzes.behaviours import practice_fraction
from quizzes.practice_wording import penalty_rule, tries_to_nothing, verdict

ONE = Decimal("1.00")


def test_the_rule_names_the_penalty_the_grading_applies():
    assert "Each wrong try takes a third of the question's mark off" in penalty_rule()
    assert "after three wrong tries a right answer" in penalty_rule()
    assert practice_fraction(Decimal(1), tries_to_nothing()) == 0
    assert practice_fraction(Decimal(1), tries_to_nothing() - 1) > 0


def test_the_rule_follows_a_changed_penalty(monkeypatch):
    monkeypatch.setattr(practice_wording, "PRACTICE_PENALTY", Decimal("0.25"))
    assert "takes a quarter of the question's mark off" in penalty_rule()
    assert "after four wrong tries" in penalty_rule()
    monkeypatch.setattr(practice_wording, "PRACTICE_PENALTY", Decimal("0.1"))
    assert "takes 10% of the question's mark off" in penalty_rule()


@pytest.mark.parametrize(
    ("state", "score", "tries", "words", "tone"),
    [
        ("correct", ONE, 0, "Correct — 1 of 1 mark.", "success"),
        ("correct", Decimal("0.67"), 1, "Correct — 0.67 of 1 mark after one wrong try.", "info"),
        ("correct", Decimal("0.33"), 2, "Correct — 0.33 of 1 mark after two wrong tries.", "info"),
        (
            "correct",
            Decimal("0.00"),
            3,
            "Correct, but no marks: 0 of 1 mark after three wrong tries.",
            "warning",
        ),
        (
            "wrong",
            Decimal("0.00"),
            1,
            "Incorrect. Change your answer and check again: a right answer now earns 0.67 of "
            "1 mark.",
            "danger",
        ),
        (
            "wrong",
            Decimal("0.00"),
            3,
            "Incorrect. A right answer now earns no marks, but checking it still shows the "
            "explanation.",
            "danger",
        ),
    ],
)
def test_a_verdict_says_the_mark_earned_and_only_full_marks_look_like_success(
    state, score, tries, words, tone
):
    assert verdict(state, score, ONE, tries) == (words, tone)


def test_a_partly_right_answer_on_a_two_mark_question_counts_marks_in_the_plural():
    words, tone = verdict("partial", Decimal("0.50"), Decimal("2.00"), 2)
    assert words == (
        "Partially correct. Change your answer and check again: a right answer now earns "
        "0.67 of 2 marks."
    )
    assert tone == "warning"
