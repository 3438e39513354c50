"""Immediate feedback (Moodle's qbehaviour_immediatefeedback): one Check, then locked.

The learner checks an answer once and sees its verdict; the answer is then final. There is no
second try, so there is no penalty either. No quiz mode picks it yet: it is here for a quiz
setting that asks for it.
"""

from __future__ import annotations

from .base import CHECKED, Behaviour


class ImmediateFeedback(Behaviour):
    """One check per question, graded and shown at once, then no change."""

    key = "immediate"
    can_check = True
    shows_feedback_after_check = True

    def refuses_change(self, state: str) -> str | None:
        return "already_checked" if state in CHECKED else None

    def refuses_check(self, state: str) -> str | None:
        return self.refuses_change(state)
