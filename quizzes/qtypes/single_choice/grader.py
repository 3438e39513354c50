"""Single choice: exactly one right answer among the choices (Moodle multichoice, single)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..base import ONE, ZERO, Grade, InvalidResponse, require_dict
from ..choices import ChoiceType


class SingleChoiceGrader(ChoiceType):
    """Pick one choice; full marks for the right one, none otherwise."""

    key = "single_choice"
    label = "Single choice"
    answer_keys = frozenset({"choice"})
    max_correct = 1
    one_right_choice = True

    def normalize_response(self, payload: Mapping[str, Any], raw: Any) -> dict[str, Any]:
        """`{"choice": key}` with a key of this version."""
        choice = require_dict(raw).get("choice")
        if not isinstance(choice, str) or choice not in self.choices_by_key(payload):
            raise InvalidResponse("Choose one of the question's choices.")
        return {"choice": choice}

    def is_complete(self, payload: Mapping[str, Any], response: Mapping[str, Any]) -> bool:
        """Complete once a choice is picked."""
        return bool(response.get("choice"))

    def grade(self, payload: Mapping[str, Any], response: Mapping[str, Any] | None) -> Grade:
        """1 for the right choice, 0 for any other; the picked choice's feedback."""
        if not response or not response.get("choice"):
            return Grade.gave_up()
        choice = self.choices_by_key(payload).get(response["choice"])
        if choice is None:
            return Grade.from_fraction(ZERO)
        return Grade.from_fraction(ONE if choice["correct"] else ZERO, [choice["feedback"]])

    def summarise_response(self, payload: Mapping[str, Any], response: Mapping[str, Any]) -> str:
        """The picked choice's text."""
        choice = self.choices_by_key(payload).get(response.get("choice", ""))
        return choice["text"] if choice else ""
