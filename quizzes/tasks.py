"""The quiz core's background work, as tasks of Django's tasks framework (`django.tasks`).

Item analysis is not a task: it is four aggregate queries whatever the number of attempts
(`selectors/item_analysis.py`), so reading it on request is cheaper than storing and
invalidating a precomputed copy.
"""

from __future__ import annotations

from django.tasks import task

from .services.submission import attempts_close_overdue


@task
def close_overdue_attempts() -> int:
    """Submit every open attempt whose deadline has passed, with its saved answers; returns how
    many were closed. Idempotent: an attempt closed once is no longer open."""
    return attempts_close_overdue()
