"""`manage.py lti_invite`: a one-time registration link for one platform's administrator."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError

from ...lti import trust


class Command(BaseCommand):
    help = (
        "Create a one-time LTI registration link: the platform that registers through it (Moodle, "
        "Canvas: dynamic registration) is active at once. The link is printed only now."
    )

    def add_arguments(self, parser):
        parser.add_argument("--note", default="", help="Whom the link is for (shown in the admin).")
        parser.add_argument(
            "--days",
            type=int,
            default=trust.DEFAULT_INVITE_DAYS,
            help=f"How long the link works (1 to {trust.MAX_INVITE_DAYS} days; default "
            f"{trust.DEFAULT_INVITE_DAYS}).",
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="kzstudy's address, e.g. https://kzstudy.example.org (without it: the path only).",
        )

    def handle(self, *args, **options):
        days, base_url = options["days"], options["base_url"].rstrip("/")
        if not 1 <= days <= trust.MAX_INVITE_DAYS:
            raise CommandError(f"--days must be from 1 to {trust.MAX_INVITE_DAYS}.")
        parts = urlsplit(base_url)
        if base_url and (parts.scheme not in ("http", "https") or not parts.netloc or parts.query):
            raise CommandError(f"--base-url: {base_url!r} is not an http or https address.")
        created = trust.invite_create(created_by=None, note=options["note"], days=days)
        self.stdout.write(base_url + created.path)
        self.stderr.write(
            f"Works once, until {created.invite.expires_at:%Y-%m-%d %H:%M %Z}. Give it to the "
            "platform's administrator as the tool or registration URL."
        )
