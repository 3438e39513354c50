"""Short answer: a typed word or phrase compared with accepted answers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from ..base import (
    ONE,
    ZERO,
    Grade,
    InvalidResponse,
    QuestionType,
    clean_text,
    listed_text_errors,
    require_dict,
)

MAX_ANSWER_LENGTH = 500
_APOSTROPHES = re.compile(r"['’‘`´]")


def normalize_answer(text: str) -> str:
    """Fold case, accents, punctuation and spacing so equivalent typings compare equal."""
    # Dotless ı (Kazakh Latin, Turkish) folds to i, as İ does after NFKD.
    text = unicodedata.normalize("NFKD", text.replace("ı", "i"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", text.casefold())
    text = "".join(ch if ch.isalnum() else " " for ch in text)
    return " ".join(text.split())


class ShortAnswerGrader(QuestionType):
    """Type the answer; any accepted variant scores full marks."""

    key = "short_answer"
    label = "Short answer"
    answer_keys = frozenset({"text"})
    authoring_fields = frozenset({"accepted"})

    def validate(self, data: Mapping[str, Any]) -> list[str]:
        """At least one accepted answer, each text with letters or digits in it."""
        errors = self.field_errors(data)
        if not isinstance(data, Mapping):
            return errors
        accepted = data.get("accepted")
        if not isinstance(accepted, list) or not accepted:
            return [*errors, "accepted: give at least one accepted answer."]
        for number, answer in enumerate(accepted, start=1):
            errors += listed_text_errors(
                f"accepted[{number}]:",
                answer,
                "an answer needs letters or digits.",
                filled=normalize_answer,
            )
        return errors

    def build_payload(
        self, data: Mapping[str, Any], previous: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """The accepted answers as written."""
        return {"accepted": [clean_text(a) for a in data["accepted"]]}

    def authoring_data(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """The payload is already in authoring form."""
        return {"accepted": list(payload["accepted"])}

    def normalize_response(self, payload: Mapping[str, Any], raw: Any) -> dict[str, Any]:
        """`{"text": "..."}`, at most 500 characters."""
        text = require_dict(raw).get("text")
        if not isinstance(text, str):
            raise InvalidResponse("Type your answer as text.")
        if len(text) > MAX_ANSWER_LENGTH:
            raise InvalidResponse(f"Keep the answer under {MAX_ANSWER_LENGTH} characters.")
        return {"text": text.strip()}

    def is_complete(self, payload: Mapping[str, Any], response: Mapping[str, Any]) -> bool:
        """Complete once something is typed."""
        return bool(str(response.get("text", "")).strip())

    def grade(self, payload: Mapping[str, Any], response: Mapping[str, Any] | None) -> Grade:
        """1 when the normalised text equals a normalised accepted answer."""
        if not response or not str(response.get("text", "")).strip():
            return Grade.gave_up()
        typed = normalize_answer(response["text"])
        accepted = {normalize_answer(a) for a in payload["accepted"]}
        return Grade.from_fraction(ONE if typed in accepted else ZERO)

    def correct_texts(self, payload: Mapping[str, Any]) -> list[str]:
        """Every accepted answer."""
        return list(payload["accepted"])

    def summarise_response(self, payload: Mapping[str, Any], response: Mapping[str, Any]) -> str:
        """The typed text."""
        return str(response.get("text", ""))
