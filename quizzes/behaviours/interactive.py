"""Interactive with tries (Moodle's qbehaviour_interactive): a practice quiz's behaviour.

The learner checks an answer and sees its verdict at once; a wrong or partly right answer may
be tried again, and each try that was not right takes a share of the mark off the answer that
finally counts. Once a check is right the question is locked.
"""

from __future__ import annotations

from decimal import Decimal

from ..models import ResponseState
from .base import Behaviour

# Moodle's interactive behaviour takes a third of the mark off for each wrong try.
PRACTICE_PENALTY = Decimal(1) / 3
FRACTION = Decimal("0.00001")


def practice_fraction(fraction: Decimal, wrong_tries: int) -> Decimal:
    """A practice grade after its wrong tries: a third off for each, never below zero."""
    if not fraction:
        return fraction
    return max(Decimal(0), fraction - PRACTICE_PENALTY * wrong_tries).quantize(FRACTION)


class InteractiveWithTries(Behaviour):
    """Check as often as needed until right; each wrong try costs PRACTICE_PENALTY."""

    key = "interactive"
    can_check = True
    shows_feedback_after_check = True
    counts_wrong_tries = True

    def refuses_change(self, state: str) -> str | None:
        return "already_correct" if state == ResponseState.CORRECT else None

    def refuses_check(self, state: str) -> str | None:
        return self.refuses_change(state)

    def penalised(self, fraction: Decimal, wrong_tries: int) -> Decimal:
        return practice_fraction(fraction, wrong_tries)
