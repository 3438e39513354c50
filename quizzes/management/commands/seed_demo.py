"""`manage.py seed_demo`: demo accounts in a demo course (development only)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ...services.demo import DEMO_ACCOUNTS, demo_seed


class Command(BaseCommand):
    help = "Create the demo accounts and course. Refuses to run unless DEBUG is on."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts with known passwords: run it only with DEBUG=1."
            )
        course = demo_seed()
        self.stdout.write(f"Demo course: {course.title}")
        self.stdout.write("Demo accounts (username / password, role):")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.username:<11} / {account.username:<11} {account.label}")
