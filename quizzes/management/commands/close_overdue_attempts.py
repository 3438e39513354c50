"""`manage.py close_overdue_attempts`: submit attempts whose time ran out, now, in this process.

The worker (`run_worker`) enqueues the same task every TASK_OVERDUE_SWEEP_SECONDS; this
command is for a site that schedules it with cron instead, or an operator in a hurry.
"""

from django.core.management.base import BaseCommand

from ...tasks import close_overdue_attempts


class Command(BaseCommand):
    help = "Submit every open attempt whose deadline has passed, with its saved answers."

    def handle(self, *args: object, **options: object) -> None:
        closed = close_overdue_attempts.call()
        self.stdout.write(f"Closed {closed} overdue attempt{'s' if closed != 1 else ''}.")
