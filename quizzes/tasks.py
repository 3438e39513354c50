"""The quiz core's background work, as tasks of Django's tasks framework (`django.tasks`)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.tasks import task

from . import clock
from .selectors.analysis_snapshots import refresh_changed_snapshots
from .services.study import make_missing_study_cards
from .services.submission import attempts_close_overdue


@task
def close_overdue_attempts() -> int:
    """Submit every open attempt whose deadline has passed, with its saved answers; returns how
    many were closed. Idempotent: an attempt closed once is no longer open."""
    return attempts_close_overdue()


@task
def refresh_item_analyses() -> int:
    """Compute again the item analyses of the quizzes whose grades changed since the sweep
    before last (`selectors.analysis_snapshots`), so the results pages find them ready; returns
    how many were computed. A sweep lost or run twice does no harm: a page computes a stale
    analysis itself."""
    window = timedelta(seconds=2 * settings.TASK_ITEM_ANALYSIS_SWEEP_SECONDS)
    return refresh_changed_snapshots(since=clock.now() - window)


@task
def make_missed_study_cards() -> int:
    """Make the flashcards that submitted attempts should have given and did not, for reviews
    that may have come to show right answers in the last STUDY_CARDS_REPAIR_HOURS (a submission
    whose cards an outage put off; a quiz that closed, for everyone or for one learner; review
    settings changed; a last attempt that freed the key); returns how many were made.
    Idempotent: a card made once is no longer missing."""
    window = timedelta(hours=settings.STUDY_CARDS_REPAIR_HOURS)
    return make_missing_study_cards(since=clock.now() - window)
