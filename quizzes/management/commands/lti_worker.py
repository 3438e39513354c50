"""`manage.py lti_worker`: send queued grades to platforms (the LTI outbox), retrying with backoff.

Run one (or more: they share the work safely) next to the app servers. `--once` sends what is
due now and exits, for cron or tests.
"""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection

from ...lti.outbox import deliver_due


class Command(BaseCommand):
    help = "Send queued LTI grades to their platforms (Ctrl-C or SIGTERM stops it cleanly)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Send what is due, then exit.")
        parser.add_argument(
            "--poll-seconds", type=float, default=2.0, help="Wait between checks when idle."
        )
        parser.add_argument("--batch", type=int, default=50, help="Scores taken per round.")

    def handle(self, *args, **options):
        if options["poll_seconds"] <= 0 or options["batch"] < 1:
            raise CommandError("--poll-seconds must be positive and --batch at least 1.")
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        totals = {"sent": 0, "retrying": 0, "failed": 0}
        if not options["once"]:
            self.stdout.write("LTI worker started; sending queued grades.")
        while not self.stopping:
            if not connection.in_atomic_block:
                # Drop a connection the database closed or that outlived CONN_MAX_AGE, as Django
                # does between requests (inside a caller's transaction there is nothing to drop).
                close_old_connections()
            report = deliver_due(limit=options["batch"])
            for name in totals:
                totals[name] += getattr(report, name)
            for error in report.errors:
                self.stderr.write(error)
            if report.handled:
                self.stdout.write(
                    f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}"
                )
            if options["once"] and report.handled < options["batch"]:
                break
            if not report.handled:
                time.sleep(options["poll_seconds"])
        sent, retrying, failed = totals["sent"], totals["retrying"], totals["failed"]
        self.stdout.write(f"Done: {sent} sent, {retrying} to retry, {failed} failed.")

    def _stop(self, signum, frame):
        self.stopping = True
