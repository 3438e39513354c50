"""The registry of question types, keyed by the stable strings the database and API use."""

from __future__ import annotations

from .base import QuestionType

_TYPES: dict[str, QuestionType] = {}


def register(question_type: type[QuestionType]) -> type[QuestionType]:
    """Register a question type under its key (usable as a class decorator)."""
    key = question_type.key
    if key in _TYPES and type(_TYPES[key]) is not question_type:
        raise ValueError(f"Question type {key!r} is already registered.")
    _TYPES[key] = question_type()
    return question_type


def get(key: str) -> QuestionType:
    """The question type registered under key; KeyError when there is none."""
    return _TYPES[key]


def all_keys() -> list[str]:
    """Every registered key, in registration order."""
    return list(_TYPES)


def choices() -> list[tuple[str, str]]:
    """(key, label) pairs for model and form fields."""
    return [(key, qtype.label) for key, qtype in _TYPES.items()]
