"""True/false: a statement the learner judges."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..base import (
    ONE,
    ZERO,
    Grade,
    InvalidResponse,
    QuestionType,
    clean_text,
    optional_text_error,
    require_dict,
)


class TrueFalseGrader(QuestionType):
    """Judge a statement true or false."""

    key = "true_false"
    label = "True/false"
    answer_keys = frozenset({"value"})
    authoring_fields = frozenset({"answer", "feedback"})

    def validate(self, data: Mapping[str, Any]) -> list[str]:
        """The answer must be true or false; the feedback, if any, text."""
        errors = self.field_errors(data)
        if not isinstance(data, Mapping):
            return errors
        if not isinstance(data.get("answer"), bool):
            errors.append("answer: must be true or false.")
        return errors + optional_text_error("feedback:", data.get("feedback"))

    def build_payload(
        self, data: Mapping[str, Any], previous: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """The answer and the feedback shown to a wrong answer."""
        return {"answer": data["answer"], "feedback": clean_text(data.get("feedback"))}

    def authoring_data(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """The payload is already in authoring form."""
        return {"answer": payload["answer"], "feedback": payload["feedback"]}

    def normalize_response(self, payload: Mapping[str, Any], raw: Any) -> dict[str, Any]:
        """`{"value": true|false}`; the strings "true"/"false" from a form are accepted."""
        value = require_dict(raw).get("value")
        if isinstance(value, str) and value.lower() in {"true", "false"}:
            value = value.lower() == "true"
        if not isinstance(value, bool):
            raise InvalidResponse("Answer true or false.")
        return {"value": value}

    def is_complete(self, payload: Mapping[str, Any], response: Mapping[str, Any]) -> bool:
        """Complete once a value is given."""
        return isinstance(response.get("value"), bool)

    def grade(self, payload: Mapping[str, Any], response: Mapping[str, Any] | None) -> Grade:
        """1 when the value matches the answer."""
        if not response or not isinstance(response.get("value"), bool):
            return Grade.gave_up()
        if response["value"] == payload["answer"]:
            return Grade.from_fraction(ONE)
        return Grade.from_fraction(ZERO, [payload["feedback"]])

    def option_texts(self, payload: Mapping[str, Any]) -> list[str]:
        """The two options."""
        return ["True", "False"]

    def correct_texts(self, payload: Mapping[str, Any]) -> list[str]:
        """ "True" or "False"."""
        return ["True" if payload["answer"] else "False"]

    def summarise_response(self, payload: Mapping[str, Any], response: Mapping[str, Any]) -> str:
        """ "True", "False" or empty."""
        value = response.get("value")
        return "" if value is None else ("True" if value else "False")
