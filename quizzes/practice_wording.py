"""What practice says about marks, in words: the penalty rule before the first try, and each
check's verdict with the mark it earned and the tries it took.

The numbers come from the rule itself (`behaviours.PRACTICE_PENALTY`, the interactive
behaviour's), so the page cannot promise one penalty while the grading applies another.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .behaviours import PRACTICE_PENALTY
from .models import ResponseState

SHARES = {
    Fraction(1, 2): gettext_lazy("half"),
    Fraction(1, 3): gettext_lazy("a third"),
    Fraction(1, 4): gettext_lazy("a quarter"),
    Fraction(1, 5): gettext_lazy("a fifth"),
}
COUNTS = ["no", "one", "two", "three", "four", "five"]


def _share(penalty: Decimal) -> str:
    """The penalty as a share of the mark: "a third", or a percentage when it has no name."""
    exact = Fraction(penalty).limit_denominator(100)
    return str(SHARES.get(exact) or f"{float(penalty) * 100:.0f}%")


def tries_to_nothing() -> int:
    """How many wrong tries leave a right answer no marks."""
    return math.ceil(1 / PRACTICE_PENALTY)


def _count(n: int) -> str:
    return COUNTS[n] if n < len(COUNTS) else str(n)


def _number(value: Decimal) -> str:
    """A mark as people write it: 1, 0.5, 0.33 (never 1.00)."""
    return f"{value.quantize(Decimal('0.01')).normalize():f}"


def penalty_rule() -> str:
    """The practice rule, shown before the first try."""
    return _(
        "Check an answer as often as you need. Each wrong try takes %(share)s of the "
        "question's mark off what a right answer earns: after %(tries)s wrong tries a right "
        "answer still shows the explanation, but earns no marks."
    ) % {"share": _share(PRACTICE_PENALTY), "tries": _count(tries_to_nothing())}


def _marks(score: Decimal, max_mark: Decimal) -> str:
    return ngettext(
        "%(score)s of %(max)s mark", "%(score)s of %(max)s marks", 1 if max_mark == 1 else 2
    ) % {"score": _number(score), "max": _number(max_mark)}


def _wrong_tries(n: int) -> str:
    return ngettext("%(n)s wrong try", "%(n)s wrong tries", n) % {"n": _count(n)}


def verdict(
    state: str, score: Decimal | None, max_mark: Decimal, wrong_tries: int
) -> tuple[str, str]:
    """A checked answer's verdict and its tone (a Bootstrap colour): success only for full
    marks, so a right answer that earns little or nothing never looks like a full success.

    `wrong_tries`: the wrong checks so far, this one included when it was wrong.
    """
    if state == ResponseState.CORRECT:
        earned = _marks(score or Decimal(0), max_mark)
        if not wrong_tries:
            return _("Correct — %(marks)s.") % {"marks": earned}, "success"
        tries = _wrong_tries(wrong_tries)
        if not score:
            return _("Correct, but no marks: %(marks)s after %(tries)s.") % {
                "marks": earned,
                "tries": tries,
            }, "warning"
        return _("Correct — %(marks)s after %(tries)s.") % {"marks": earned, "tries": tries}, "info"
    label = ResponseState(state).label.capitalize()
    left = max(Decimal(0), 1 - PRACTICE_PENALTY * wrong_tries) * max_mark
    tone = "warning" if state == ResponseState.PARTIAL else "danger"
    if not left.quantize(Decimal("0.01")):
        return _(
            "%(label)s. A right answer now earns no marks, but checking it still shows the "
            "explanation."
        ) % {"label": label}, tone
    return _(
        "%(label)s. Change your answer and check again: a right answer now earns %(marks)s."
    ) % {
        "label": label,
        "marks": _marks(left, max_mark),
    }, tone
