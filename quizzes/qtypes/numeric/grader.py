"""Numeric: a number, right within a tolerance."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from ..base import (
    ONE,
    ZERO,
    Grade,
    InvalidResponse,
    QuestionType,
    clean_text,
    kind_of,
    optional_text_error,
    require_dict,
)
from ..text_limits import UNIT_MAX

# Answers are years, counts and percentages: bound their size so no input can overflow.
MAX_MAGNITUDE = Decimal("1e15")
MIN_EXPONENT = -9
LIMITS = ("at most 10^15 either side of zero", "at most 9 decimal places")
# A comma in an authored number groups thousands, nothing else.
GROUPED = re.compile(r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?")


def to_decimal(value: Any) -> Decimal | None:
    """A finite, reasonably sized Decimal from a number or numeric string, else None.

    Booleans are not numbers; numbers beyond ±10^15 or finer than 10^-9 are refused.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None
    if isinstance(value, int) and abs(value) > MAX_MAGNITUDE:
        return None  # str() of an int past 4,300 digits raises; no need to write it out
    text = str(value).strip().replace(",", "")
    if len(text) > 40:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite() or number.copy_abs() > MAX_MAGNITUDE:
        return None
    if (
        number != 0
        and number.as_tuple().exponent < MIN_EXPONENT
        and number != number.quantize(Decimal("1e-9"))
    ):
        return None
    return number


def decimal_comma(value: Any) -> bool:
    """Whether `value` is text with a comma that does not group thousands ("1,5", as Kazakh
    and Russian write one and a half), which `to_decimal` would read as 15: refused, for
    authors and learners alike, rather than read either way."""
    return isinstance(value, str) and "," in value and not GROUPED.fullmatch(value.strip())


def number_error(where: str, value: Any, *, at_least_zero: bool = False) -> str | None:
    """The message for an authored number (`where` names it) that `to_decimal` does not take
    as it is; None when it does.

    A comma may only group thousands ("2,050"), so "1,5" is refused rather than read as 15
    (`decimal_comma`, the learner's answer's rule too).
    """
    rule = f"{where} must be a number" + (" of zero or more" if at_least_zero else "")
    if decimal_comma(value):
        return f"{rule} (a comma may only group thousands, as in 2,050: write 1.5, not 1,5)."
    number = to_decimal(value)
    if number is not None:
        return f"{rule}." if at_least_zero and number < 0 else None
    if value is None:
        return f"{rule}."
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return f"{rule}, not {kind_of(value)}."
    return f"{rule}{_why_refused(value)}."


def _why_refused(value: int | float | str | Decimal) -> str:
    """Why `to_decimal` refused a number or a string ("" when it is no number at all)."""
    if isinstance(value, int):
        return f" ({LIMITS[0]})"  # only a huge int is refused
    text = str(value).strip().replace(",", "")
    if len(text) > 40:
        return " (at most 40 characters)"
    try:
        number = Decimal(text)
    except InvalidOperation:
        return ""
    if not number.is_finite():
        return " (NaN and infinity are not numbers)"
    return f" ({LIMITS[0] if number.copy_abs() > MAX_MAGNITUDE else LIMITS[1]})"


def as_number(stored: str) -> int | float | str:
    """A stored decimal string as authoring data gives it: an int or a float, or the string
    itself when no float holds it exactly (a float would change what is saved again)."""
    number = Decimal(stored)
    if number == number.to_integral_value():
        return int(number)
    as_float = float(number)
    return as_float if Decimal(repr(as_float)) == number else stored


def format_number(value: Decimal) -> str:
    """A number as a learner would type it: no exponent, no trailing zeros."""
    text = format(value.normalize(), "f")
    return text


class NumericGrader(QuestionType):
    """Type a number; full marks within ±tolerance of the answer."""

    key = "numeric"
    label = "Numeric"
    answer_keys = frozenset({"value"})
    authoring_fields = frozenset({"answer", "tolerance", "unit"})

    def validate(self, data: Mapping[str, Any]) -> list[str]:
        """A numeric answer, a tolerance of zero or more and, if any, a unit in text."""
        errors = self.field_errors(data)
        if not isinstance(data, Mapping):
            return errors
        errors += [
            error
            for error in (
                number_error("answer:", data.get("answer")),
                number_error("tolerance:", data.get("tolerance"), at_least_zero=True),
            )
            if error
        ]
        return errors + optional_text_error("unit:", data.get("unit"), UNIT_MAX)

    def build_payload(
        self, data: Mapping[str, Any], previous: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """Answer and tolerance stored as decimal strings, so no float rounding creeps in."""
        return {
            "answer": format_number(to_decimal(data["answer"])),
            "tolerance": format_number(to_decimal(data["tolerance"])),
            "unit": clean_text(data.get("unit")),
        }

    def authoring_data(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Answer and tolerance as numbers."""
        return {
            "answer": as_number(payload["answer"]),
            "tolerance": as_number(payload["tolerance"]),
            "unit": payload["unit"],
        }

    def normalize_response(self, payload: Mapping[str, Any], raw: Any) -> dict[str, Any]:
        """`{"value": number}`; a numeric string from a form is accepted, but not one with a
        decimal comma (`decimal_comma`)."""
        given = require_dict(raw).get("value")
        if decimal_comma(given):
            raise InvalidResponse("Write decimals with a point: 1.5, not 1,5.")
        value = to_decimal(given)
        if value is None:
            raise InvalidResponse("Enter a number.")
        return {"value": format_number(value)}

    def is_complete(self, payload: Mapping[str, Any], response: Mapping[str, Any]) -> bool:
        """Complete once a number is given."""
        return to_decimal(response.get("value")) is not None

    def grade(self, payload: Mapping[str, Any], response: Mapping[str, Any] | None) -> Grade:
        """1 when |value − answer| ≤ tolerance."""
        value = to_decimal((response or {}).get("value"))
        if value is None:
            return Grade.gave_up()
        within = abs(value - Decimal(payload["answer"])) <= Decimal(payload["tolerance"])
        return Grade.from_fraction(ONE if within else ZERO)

    def correct_texts(self, payload: Mapping[str, Any]) -> list[str]:
        """The answer as a number."""
        return [payload["answer"]]

    def summarise_response(self, payload: Mapping[str, Any], response: Mapping[str, Any]) -> str:
        """The typed number."""
        return str(response.get("value", ""))
