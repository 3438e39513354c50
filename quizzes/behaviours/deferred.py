"""Deferred feedback (Moodle's qbehaviour_deferredfeedback): a graded quiz's behaviour.

Answers are saved and changed freely; nothing is graded until the attempt is submitted, and
then the last saved answer is graded once. There is no Check.
"""

from __future__ import annotations

from .base import Behaviour


class DeferredFeedback(Behaviour):
    """Answers saved during the attempt, graded at submit; no Check, no penalty."""

    key = "deferred"
