"""The periodic schedule: which tasks are enqueued every how many seconds, and the small loop
that enqueues them.

Django's tasks framework has no scheduler and neither has django-tasks-db, so `run_worker`
runs this loop in a thread beside the worker (`run_worker --schedule-only` runs it alone, for a
site whose tasks go to another backend's workers). Every task here is a sweep that may run
twice at once or be lost without harm, so several workers may each run a schedule.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.tasks import Task
from django.utils import timezone

from kzstudy.outage import is_database_outage
from kzstudy.user_sessions.backends.cached_db import evict_stale_cached_sessions

from .lti.tasks import deliver_grades
from .tasks import close_overdue_attempts, make_missed_study_cards, refresh_item_analyses

logger = logging.getLogger("kzstudy.tasks")


@dataclass(frozen=True)
class Periodic:
    """Something to do every `every` seconds: usually enqueue a task."""

    name: str
    every: float
    run: Callable[[], object]


def task_entry(task: Task, every: float) -> Periodic:
    """Enqueue `task` every `every` seconds."""
    return Periodic(name=task.name, every=every, run=task.enqueue)


def prune_task_results() -> int:
    """Delete the database backend's finished task results older than TASK_RESULTS_KEEP_DAYS
    (each sweep leaves a row); returns how many went."""
    from django_tasks_db.models import DBTaskResult

    keep = timedelta(days=settings.TASK_RESULTS_KEEP_DAYS)
    deleted, _ = (
        DBTaskResult.objects.finished().filter(finished_at__lt=timezone.now() - keep).delete()
    )
    return deleted


def clear_expired_sessions() -> None:
    """Delete the sessions past their expiry (Django's `clearsessions`, hourly here)."""
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()


def prune_sign_in_logs() -> int:
    """Delete django-axes' records of sign-ins (one per login and LTI launch) and of failed
    sign-ins older than SIGN_IN_LOGS_KEEP_DAYS; lockouts in force are kept (they are
    another table). Returns how many records went."""
    from axes.handlers.proxy import AxesProxyHandler

    days = settings.SIGN_IN_LOGS_KEEP_DAYS
    return AxesProxyHandler.reset_logs(age_days=days) + AxesProxyHandler.reset_failure_logs(
        age_days=days
    )


def default_schedule(*, database_backend: bool) -> list[Periodic]:
    """The site's schedule: grades, overdue attempts, item analyses, missed flashcards, the
    cached copies of sessions changed while the cache was out of reach; expired sessions hourly,
    sign-in logs daily; the database backend's own results hourly too."""
    entries = [
        task_entry(deliver_grades, settings.TASK_GRADE_SWEEP_SECONDS),
        task_entry(close_overdue_attempts, settings.TASK_OVERDUE_SWEEP_SECONDS),
        task_entry(refresh_item_analyses, settings.TASK_ITEM_ANALYSIS_SWEEP_SECONDS),
        task_entry(make_missed_study_cards, settings.TASK_STUDY_CARDS_SWEEP_SECONDS),
        Periodic(name="clear_expired_sessions", every=3600, run=clear_expired_sessions),
        Periodic(
            name="evict_stale_cached_sessions",
            every=settings.TASK_STALE_SESSIONS_SWEEP_SECONDS,
            run=evict_stale_cached_sessions,
        ),
        Periodic(name="prune_sign_in_logs", every=86400, run=prune_sign_in_logs),
    ]
    if database_backend:
        entries.append(Periodic(name="prune_task_results", every=3600, run=prune_task_results))
    return entries


class Scheduler:
    """Runs each entry when due: the first time at once, then every `every` seconds."""

    def __init__(
        self, entries: list[Periodic], monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.entries = entries
        self.monotonic = monotonic
        self.next_at: dict[str, float] = {}

    def run_due(self) -> list[str]:
        """Run the entries that are due; the names of those that ran. One that fails is logged
        and stays due, so it runs again on the next call; the others still run."""
        ran = []
        for entry in self.entries:
            now = self.monotonic()
            if self.next_at.get(entry.name, now) > now:
                continue
            try:
                entry.run()
            except DatabaseError as error:
                if not is_database_outage(error):
                    logger.exception("Task schedule: %s failed", entry.name)
                    continue
                logger.warning("Task schedule: database unavailable (%s); retrying", error)
                if not connection.in_atomic_block:
                    connection.close()
                continue
            except Exception:
                # A bug or a misconfigured backend: loud in the log, but the schedule lives on.
                logger.exception("Task schedule: %s failed", entry.name)
                continue
            self.next_at[entry.name] = now + entry.every
            ran.append(entry.name)
        return ran

    def loop(self, stop: threading.Event, tick: float = 1.0) -> None:
        """Run due entries until `stop` is set."""
        while not stop.is_set():
            # This thread has its own connection: drop it when the database closed it or it
            # outlived CONN_MAX_AGE, as Django does between requests.
            close_old_connections()
            self.run_due()
            stop.wait(tick)
        connection.close()


def start_in_thread(
    scheduler: Scheduler, tick: float = 1.0
) -> tuple[threading.Thread, threading.Event]:
    """Run the schedule in a daemon thread (it dies with the worker), looking every `tick`
    seconds for what is due; returns the thread and the event that stops it."""
    stop = threading.Event()
    thread = threading.Thread(
        target=scheduler.loop, args=(stop, tick), name="kzstudy-schedule", daemon=True
    )
    thread.start()
    return thread, stop
