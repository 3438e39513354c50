"""`manage.py restore_database PATH --yes`: replace the database's contents with a backup made
by `backup_database`. Stop the app servers and workers first (docs/operations.md). A file that
is not a usable kzstudy backup (empty, damaged, another database, from a newer release) is
refused before anything changes; after a backup from an older release, run `migrate`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ._database_copy import listed, restore


class Command(BaseCommand):
    help = "Replace the database's contents with a backup (asks for --yes)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="A file written by backup_database.")
        parser.add_argument(
            "--yes", action="store_true", help="Confirm: everything now in the database goes."
        )

    def handle(self, *args, path, yes, **options):
        if not yes:
            raise CommandError("Restoring replaces everything in the database: add --yes.")
        pending = restore(Path(path))
        self.stdout.write(f"Restored from {path}")
        if pending:
            self.stdout.write(
                f"The backup predates {len(pending)} migration(s) of this code "
                f"({listed(pending)}): run `python manage.py migrate` before starting the servers."
            )
