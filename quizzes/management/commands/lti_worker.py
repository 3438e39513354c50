"""`manage.py lti_worker`: send queued grades to platforms (the LTI outbox), retrying with backoff.

Run one (or more: they share the work safely) next to the app servers. `--once` sends what is
due now and exits, for cron or tests.
"""

from __future__ import annotations

import logging
import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections, connection

from kzstudy.health import HEARTBEAT_EVERY, record_heartbeat
from kzstudy.outage import is_database_outage

from ...lti.outbox import deliver_due

logger = logging.getLogger("kzstudy.lti")


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
        last_beat = None
        while not self.stopping:
            if not connection.in_atomic_block:
                # Drop a connection the database closed or that outlived CONN_MAX_AGE, as Django
                # does between requests (inside a caller's transaction there is nothing to drop).
                close_old_connections()
            try:
                report = deliver_due(limit=options["batch"])
                if last_beat is None or time.monotonic() - last_beat >= HEARTBEAT_EVERY.seconds:
                    record_heartbeat("lti_worker")  # for /readyz
                    last_beat = time.monotonic()
            except DatabaseError as error:
                if not is_database_outage(error) or connection.in_atomic_block:
                    raise
                if options["once"]:
                    raise CommandError(f"The database is unavailable: {error}") from error
                # The database is restarting or unreachable: wait and try again, as the app
                # servers do; a grade claimed before this is taken again when its lease ends.
                logger.warning("LTI worker: database unavailable (%s); retrying", error)
                connection.close()
                time.sleep(options["poll_seconds"])
                continue
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
