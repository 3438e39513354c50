"""Multiple response: several right choices, with partial credit (Canvas-style)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..base import Grade, InvalidResponse, require_dict
from ..choices import ChoiceType


class MultipleResponseGrader(ChoiceType):
    """Pick every right choice.

    Each right choice picked adds 1/(number of right choices); each wrong one picked subtracts
    1/(number of wrong choices); the total never goes below zero. Picking everything scores 0.
    """

    key = "multiple_response"
    label = "Multiple response"
    answer_keys = frozenset({"choices"})

    def normalize_response(self, payload: Mapping[str, Any], raw: Any) -> dict[str, Any]:
        """`{"choices": [key, ...]}`, keys of this version, without repeats; order is irrelevant."""
        picked = require_dict(raw).get("choices")
        if not isinstance(picked, list) or not all(isinstance(k, str) for k in picked):
            raise InvalidResponse("Give the picked choices as a list.")
        known = self.choices_by_key(payload)
        if any(key not in known for key in picked):
            raise InvalidResponse("Choose among the question's choices.")
        order = list(known)
        return {"choices": sorted(set(picked), key=order.index)}

    def is_complete(self, payload: Mapping[str, Any], response: Mapping[str, Any]) -> bool:
        """Complete once at least one choice is picked."""
        return bool(response.get("choices"))

    def grade(self, payload: Mapping[str, Any], response: Mapping[str, Any] | None) -> Grade:
        """Right picks add, wrong picks subtract, never below zero."""
        if not response or not response.get("choices"):
            return Grade.gave_up()
        choices = self.choices_by_key(payload)
        right = sum(1 for c in choices.values() if c["correct"])
        wrong = len(choices) - right
        picked = {key for key in response["choices"] if isinstance(key, str)}
        fraction = Decimal(0)
        feedback = []
        for choice in payload["choices"]:  # authoring order, so feedback reads the same way
            if choice["key"] not in picked:
                continue
            fraction += Decimal(1) / right if choice["correct"] else -Decimal(1) / wrong
            feedback.append(choice["feedback"])
        return Grade.from_fraction(fraction, feedback)

    def summarise_response(self, payload: Mapping[str, Any], response: Mapping[str, Any]) -> str:
        """The picked choices' texts, in authoring order."""
        choices = self.choices_by_key(payload)
        return "; ".join(choices[k]["text"] for k in response.get("choices", []) if k in choices)
