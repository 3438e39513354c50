"""`manage.py lti_rotate_keys`: start signing with a new key; the old one stays published for an
overlap so platforms holding tokens or cached keys keep working, then retires."""

from __future__ import annotations

import math
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from ...lti import keys

# A year: an old key published longer is no overlap but a second key.
MAX_OVERLAP_HOURS = 24 * 366


class Command(BaseCommand):
    help = "Add a new LTI signing key; current keys stay in the JWKS for --overlap-hours."

    def add_arguments(self, parser):
        parser.add_argument(
            "--overlap-hours",
            type=float,
            default=72,
            help="How long the old key stays published (default 72 hours; 0 retires it now).",
        )

    def handle(self, *args, **options):
        hours = options["overlap_hours"]
        # float() takes "nan" and "inf", and a year past 9999 is no date: refused with a
        # message, not a traceback.
        if not math.isfinite(hours) or not 0 <= hours <= MAX_OVERLAP_HOURS:
            raise CommandError(
                f"--overlap-hours must be a number of hours from 0 to {MAX_OVERLAP_HOURS:,}."
            )
        new_key, retiring = keys.rotate(overlap=timedelta(hours=hours))
        self.stdout.write(f"New signing key {new_key.kid}.")
        for key in retiring:
            self.stdout.write(
                f"Key {key.kid} is published until {key.retires_at:%Y-%m-%d %H:%M %Z}."
            )
