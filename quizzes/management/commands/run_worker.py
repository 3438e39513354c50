"""`manage.py run_worker`: the background worker (`make worker`).

It runs django-tasks-db's worker (`db_worker`) on the tasks Django's tasks framework queued,
with the periodic schedule (`quizzes/periodic.py`: grade sweeps, overdue attempts, pruning old
task results) in a thread beside it. Run one or more next to the app servers: they share the
queue safely, and each may run the schedule (its tasks are sweeps that may overlap).

A site whose TASKS backend is another one (Celery, RQ…) runs that backend's workers and
`run_worker --schedule-only` (or its own scheduler enqueueing the same tasks).
"""

from __future__ import annotations

import logging
import signal
import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, close_old_connections, connection
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend

from kzstudy.outage import is_database_outage

from ...periodic import Scheduler, default_schedule, start_in_thread

logger = logging.getLogger("kzstudy.tasks")


class Command(BaseCommand):
    help = (
        "Run background tasks (django-tasks-db's worker) and the periodic schedule "
        "(Ctrl-C or SIGTERM stops it cleanly)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait between checks when no task is waiting (default 1).",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Enqueue the periodic tasks once, run every waiting task, then exit.",
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--schedule-only",
            action="store_true",
            help="Only enqueue the periodic tasks (for another TASKS backend's workers).",
        )
        mode.add_argument(
            "--no-schedule",
            action="store_true",
            help="Only run tasks (when another process runs the schedule).",
        )

    def handle(self, *args: object, **options: object) -> None:
        interval = float(options["interval"])  # type: ignore[arg-type]
        if not interval > 0:
            raise CommandError("--interval must be a positive number of seconds.")
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        database_backend = isinstance(backend, DatabaseBackend)
        if not database_backend and not options["schedule_only"]:
            raise CommandError(
                f"The default TASKS backend is {type(backend).__name__}, not django-tasks-db's "
                "DatabaseBackend: run that backend's workers, and this with --schedule-only."
            )
        scheduler = None
        if not options["no_schedule"]:
            scheduler = Scheduler(default_schedule(database_backend=database_backend))
        if options["batch"]:
            if scheduler:
                scheduler.run_due()
            if not options["schedule_only"]:
                self._run_tasks(batch=True, interval=interval, verbosity=options["verbosity"])
            return
        if options["schedule_only"]:
            self._run_schedule(scheduler, interval)
            return
        if scheduler:
            start_in_thread(scheduler, tick=interval)
        self.stdout.write("Task worker started.")
        self._run_tasks(batch=False, interval=interval, verbosity=options["verbosity"])

    def _run_tasks(self, *, batch: bool, interval: float, verbosity: object) -> None:
        """django-tasks-db's worker, started again after a database outage instead of dying
        (a task it was running stays marked running; its sweep runs again on schedule)."""
        while True:
            try:
                call_command(
                    "db_worker",
                    batch=batch,
                    interval=interval,
                    reload=False,
                    startup_delay=not batch,
                    verbosity=verbosity,
                    stdout=self.stdout,
                    stderr=self.stderr,
                )
                return
            except DatabaseError as error:
                if not is_database_outage(error) or connection.in_atomic_block:
                    raise
                if batch:
                    raise CommandError(f"The database is unavailable: {error}") from error
                logger.warning("Task worker: database unavailable (%s); retrying", error)
                connection.close()
                time.sleep(interval)
                close_old_connections()

    def _run_schedule(self, scheduler: Scheduler | None, interval: float) -> None:
        assert scheduler is not None  # --schedule-only excludes --no-schedule
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        self.stdout.write("Task schedule started (enqueueing only).")
        scheduler.loop(stop, tick=interval)
        self.stdout.write("Task schedule stopped.")
