"""`manage.py load_content`: load the content packs (summaries, glossary, bank, quizzes).

A pack may come from outside (`--pack DIR`): it is validated first (content_pack.read_pack, the
validator `validate_content` runs too), and an invalid pack is a CommandError listing every
error, with nothing loaded. Every pack loads in one transaction, so a pack the database still
refuses (a conflict with rows already loaded) is a CommandError that leaves it unchanged too.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import DataError, IntegrityError, transaction

from ...errors import ContentInvalid
from ...services.content import content_pack_load
from ._packs import add_pack_argument, read_packs


class Command(BaseCommand):
    help = "Load content packs into the database. Loading again changes nothing."

    def add_arguments(self, parser):
        add_pack_argument(parser)

    def handle(self, *args, packs=None, **options):
        results = read_packs(packs)
        errors = [error for _, pack_errors in results for error in pack_errors]
        if errors:
            raise CommandError(
                "the content pack has errors; nothing was loaded:\n" + "\n".join(errors)
            )
        try:
            with transaction.atomic():
                reports = [(pack, content_pack_load(pack=pack)) for pack, _ in results]
        except ContentInvalid as exc:
            raise CommandError("\n".join(exc.errors)) from None
        except (IntegrityError, DataError) as exc:
            # The validator holds every value to its column; what is left is the pack against
            # the rows already loaded, which only the database sees.
            raise CommandError(
                f"the database refused the content pack; nothing was loaded: {exc}"
            ) from None
        for pack, report in reports:
            state = "Loaded" if report.changed else "Unchanged:"
            self.stdout.write(f"{state} {pack.directory.name} ({report}).")
