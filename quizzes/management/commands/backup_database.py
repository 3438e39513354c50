"""`manage.py backup_database [PATH]`: a consistent copy of the database, taken while the site
runs (SQLite: its backup API; PostgreSQL: pg_dump), as one file written whole or not at all.
Without PATH: var/backups/<time> (var/backups is made if missing); a PATH must name a new file
in a directory that exists."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from ._database_copy import backup, default_suffix


class Command(BaseCommand):
    help = "Back up the database to a new file (SQLite copy or pg_dump custom format)."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", help="Where to write it (a new file in an existing directory)."
        )

    def handle(self, *args, path=None, **options):
        if path:
            target = Path(path)
        else:
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            target = Path(settings.BASE_DIR) / "var" / "backups" / f"kzstudy-{stamp}"
            target = target.with_suffix(default_suffix())
        # The default location is the command's own: `make backup` relies on it being made.
        backup(target, create_directory=not path)
        self.stdout.write(f"Backed up to {target}")
