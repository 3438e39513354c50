"""`manage.py lti_worker`: send the grades due now (`--once`), or, deprecated, run the worker.

Grades leave through Django's tasks framework now (`quizzes/lti/tasks.py`, run by
`manage.py run_worker`). `lti_worker --once` still sweeps the outbox in this process and
exits, for cron or a quick check; `lti_worker` without it starts `run_worker`, the worker
that sends grades and runs every other background task.
"""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from kzstudy.outage import is_database_outage

from ...lti.tasks import deliver_all_due


class Command(BaseCommand):
    help = "Send queued LTI grades now (--once). Without --once: deprecated, starts run_worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Send what is due, then exit.")
        parser.add_argument(
            "--poll-seconds",
            type=float,
            default=2.0,
            help="Without --once: run_worker's --interval (wait between checks when idle).",
        )
        parser.add_argument("--batch", type=int, default=50, help="Scores taken per round.")

    def handle(self, *args: object, **options: object) -> None:
        poll_seconds, batch = float(options["poll_seconds"]), int(options["batch"])  # type: ignore[arg-type]
        if poll_seconds <= 0 or batch < 1:
            raise CommandError("--poll-seconds must be positive and --batch at least 1.")
        if not options["once"]:
            self.stderr.write(
                "lti_worker is deprecated: run `manage.py run_worker` (make worker); starting it."
            )
            call_command("run_worker", interval=poll_seconds, stdout=self.stdout)
            return
        try:
            report = deliver_all_due(batch)
        except DatabaseError as error:
            if not is_database_outage(error):
                raise
            raise CommandError(f"The database is unavailable: {error}") from error
        for error in report.errors:
            self.stderr.write(error)
        self.stdout.write(
            f"Done: {report.sent} sent, {report.retrying} to retry, {report.failed} failed."
        )
