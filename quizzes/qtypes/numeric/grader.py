"""Numeric: a number, right within a tolerance."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from ..base import ONE, ZERO, Grade, InvalidResponse, QuestionType, clean_text, require_dict

# Answers are years, counts and percentages: bound their size so no input can overflow.
MAX_MAGNITUDE = Decimal("1e15")
MIN_EXPONENT = -9


def to_decimal(value: Any) -> Decimal | None:
    """A finite, reasonably sized Decimal from a number or numeric string, else None.

    Booleans are not numbers; numbers beyond ±10^15 or finer than 10^-9 are refused.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None
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
        """A numeric answer and a tolerance of zero or more."""
        errors = []
        if to_decimal(data.get("answer")) is None:
            errors.append("answer: must be a number.")
        tolerance = to_decimal(data.get("tolerance"))
        if tolerance is None or tolerance < 0:
            errors.append("tolerance: must be a number of zero or more.")
        return errors

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
        answer, tolerance = Decimal(payload["answer"]), Decimal(payload["tolerance"])
        as_number = lambda d: int(d) if d == d.to_integral_value() else float(d)  # noqa: E731
        return {
            "answer": as_number(answer),
            "tolerance": as_number(tolerance),
            "unit": payload["unit"],
        }

    def normalize_response(self, payload: Mapping[str, Any], raw: Any) -> dict[str, Any]:
        """`{"value": number}`; a numeric string from a form is accepted."""
        value = to_decimal(require_dict(raw).get("value"))
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
