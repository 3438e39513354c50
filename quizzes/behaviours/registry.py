"""The behaviours by key, and the one rule saying which behaviour a quiz uses."""

from __future__ import annotations

from ..models import Quiz, QuizMode
from .base import Behaviour
from .deferred import DeferredFeedback
from .immediate import ImmediateFeedback
from .interactive import InteractiveWithTries

# Behaviours hold no state, so one instance of each serves every request.
_BEHAVIOURS: dict[str, Behaviour] = {
    b.key: b for b in (DeferredFeedback(), InteractiveWithTries(), ImmediateFeedback())
}
# A quiz's mode picks its behaviour: the one place that says what "practice" means.
_BY_MODE = {QuizMode.GRADED: "deferred", QuizMode.PRACTICE: "interactive"}


def get(key: str) -> Behaviour:
    """The behaviour registered under `key` (KeyError when there is none)."""
    return _BEHAVIOURS[key]


def keys() -> list[str]:
    """Every behaviour's key."""
    return list(_BEHAVIOURS)


def for_mode(mode: str) -> Behaviour:
    """The behaviour a quiz of this mode uses."""
    return _BEHAVIOURS[_BY_MODE[QuizMode(mode)]]


def for_quiz(quiz: Quiz) -> Behaviour:
    """The behaviour the quiz's questions use: graded → deferred, practice → interactive."""
    return for_mode(quiz.mode)
