"""Behaviours: how a learner interacts with a question (deferred, interactive, immediate).

`for_quiz(quiz)` is the one rule picking a quiz's behaviour; the services ask it what a
check, a save and a submission do, and a regrade replays steps through it (`Behaviour.replay`).
"""

from .base import CHECKED, Behaviour, Mark, Replayed
from .interactive import PRACTICE_PENALTY, practice_fraction
from .registry import for_mode, for_quiz, get, keys

__all__ = [
    "CHECKED",
    "PRACTICE_PENALTY",
    "Behaviour",
    "Mark",
    "Replayed",
    "for_mode",
    "for_quiz",
    "get",
    "keys",
    "practice_fraction",
]
