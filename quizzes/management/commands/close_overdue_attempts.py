"""`manage.py close_overdue_attempts`: submit attempts whose time ran out (run from a scheduler)."""

from django.core.management.base import BaseCommand

from ...services.attempts import attempts_close_overdue


class Command(BaseCommand):
    help = "Submit every open attempt whose deadline has passed, with its saved answers."

    def handle(self, *args, **options):
        closed = attempts_close_overdue()
        self.stdout.write(f"Closed {closed} overdue attempt{'s' if closed != 1 else ''}.")
