"""Shared parts of the choice types (single choice and multiple response): authoring, the
learner view, the staff's key table and item analysis's option table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext

from .base import (
    FaceList,
    OptionTable,
    Ordered,
    QuestionType,
    clean_text,
    duplicates,
    kind_of,
    listed_names,
    not_text,
    optional_text_error,
    reuse_keys,
    unknown_fields,
)
from .text_limits import too_long

# The fields of one choice object.
CHOICE_FIELDS = frozenset({"text", "correct", "feedback"})


class ChoiceType(QuestionType):
    """A question answered by picking among listed choices."""

    answers_by_letter = True
    offers_choices = True
    authoring_fields = frozenset({"choices"})
    min_correct: int = 1
    max_correct: int | None = None

    def validate(self, data: Mapping[str, Any]) -> list[str]:
        """A choice question needs at least one right and two wrong, distinct choices."""
        errors = self.field_errors(data)
        if not isinstance(data, Mapping):
            return errors
        choices = data.get("choices")
        if not isinstance(choices, list) or not choices:
            return [*errors, "choices: give a list of choices."]
        texts: list[str] = []
        correct = 0
        for number, choice in enumerate(choices, start=1):
            where = f"choices[{number}]"
            if not isinstance(choice, Mapping):
                errors.append(f"{where}: must be an object with a text, not {kind_of(choice)}.")
                continue
            errors += [
                f"{where}: unknown field {name!r} (a choice has {listed_names(CHOICE_FIELDS)})."
                for name in unknown_fields(choice, CHOICE_FIELDS)
            ]
            text = choice.get("text")
            if text is not None and not isinstance(text, str):
                errors.append(not_text(f"{where}: text", text))
            elif not clean_text(text):
                errors.append(f"{where}: the text is empty.")
            errors += too_long(f"{where}: text", text)
            texts.append(clean_text(text))
            errors += optional_text_error(f"{where}: feedback", choice.get("feedback"))
            if not isinstance(choice.get("correct", False), bool):
                errors.append(f"{where}: correct must be true or false.")
            elif choice.get("correct", False):
                correct += 1
        for text in duplicates([text for text in texts if text]):
            errors.append(f"choices: {text!r} appears twice.")
        wrong = len(texts) - correct
        if correct < self.min_correct:
            errors.append("choices: mark at least one choice correct.")
        if self.max_correct is not None and correct > self.max_correct:
            errors.append(f"choices: at most {self.max_correct} choice may be correct.")
        if wrong < 2:
            errors.append("choices: give at least two wrong choices.")
        return errors

    def build_payload(
        self, data: Mapping[str, Any], previous: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """Choices with opaque keys, reusing the previous version's key for unchanged texts."""
        texts = [clean_text(c["text"]) for c in data["choices"]]
        old = {c["text"]: c["key"] for c in (previous or {}).get("choices", [])}
        keys = reuse_keys(texts, old)
        return {
            "choices": [
                {
                    "key": key,
                    "text": text,
                    "correct": bool(choice.get("correct", False)),
                    "feedback": clean_text(choice.get("feedback")),
                }
                for key, text, choice in zip(keys, texts, data["choices"], strict=True)
            ]
        }

    def authoring_data(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """The choices without their keys."""
        return {
            "choices": [
                {"text": c["text"], "correct": c["correct"], "feedback": c["feedback"]}
                for c in payload["choices"]
            ]
        }

    def shuffle_keys(self, payload: Mapping[str, Any]) -> list[str]:
        """Choices may be shown in any order."""
        return [c["key"] for c in payload["choices"]]

    def option_texts(self, payload: Mapping[str, Any]) -> list[str]:
        """Every choice's text, in authoring order."""
        return [c["text"] for c in payload["choices"]]

    def correct_texts(self, payload: Mapping[str, Any]) -> list[str]:
        """The right choices' texts."""
        return [c["text"] for c in payload["choices"] if c["correct"]]

    @staticmethod
    def choices_by_key(payload: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
        """The payload's choices indexed by key."""
        return {c["key"]: c for c in payload["choices"]}

    def learner_fields(self, payload: Mapping[str, Any], ordered: Ordered) -> dict[str, Any]:
        """The choices in the order shown, without their correctness or feedback."""
        return {"choices": ordered(payload["choices"])}

    def study_faces(self, payload: Mapping[str, Any]) -> tuple[list[FaceList], FaceList]:
        """Every choice on the front, the right one(s) behind."""
        choices = [choice["text"] for choice in payload["choices"]]
        label = gettext("Right answer") if self.max_correct == 1 else gettext("Right answers")
        front = FaceList(gettext("Choices"), choices)
        return [front], FaceList(label, self.correct_texts(payload))

    def staff_key_rows(
        self, question: Mapping[str, Any], payload: Mapping[str, Any], answer: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """Each choice as shown, whether the learner picked it and whether it is right."""
        keys = {c["key"] for c in payload["choices"] if c["correct"]}
        return picked_rows(question, self.picked_options(answer), keys)

    def option_table(self, payloads: Sequence[Mapping[str, Any]]) -> OptionTable:
        """Every choice any version had, newest text first (older keys follow)."""
        options: OptionTable = {}
        for payload in reversed(payloads):
            for choice in payload.get("choices", []):
                options.setdefault(choice["key"], (choice["text"], bool(choice["correct"])))
        return options


def letter(index: int) -> str:
    """A, B, … Z for the first 26 options shown, then 27, 28, …"""
    return chr(ord("A") + index) if index < 26 else str(index + 1)


def checked_options(question: Mapping[str, Any], picked: list[str]) -> dict[str, Any]:
    """A choice widget: the options shown, each `checked` when the answer picked it."""
    return {"options": [{**c, "checked": c["id"] in picked} for c in question["choices"]]}


def picked_rows(
    question: Mapping[str, Any], picked: list[str], keys: set[str]
) -> list[dict[str, Any]]:
    """The staff's rows of a choice question: letter, option, picked, key."""
    return [
        {"label": letter(n), **c, "picked": c["id"] in picked, "is_key": c["id"] in keys}
        for n, c in enumerate(question["choices"])
    ]
