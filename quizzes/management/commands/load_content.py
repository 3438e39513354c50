"""`manage.py load_content`: load the content packs (summaries, glossary, bank, quizzes)."""

from django.core.management.base import BaseCommand, CommandError

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
        for pack, _ in results:
            try:
                report = content_pack_load(pack=pack)
            except ContentInvalid as exc:
                raise CommandError("\n".join(exc.errors)) from None
            state = "Loaded" if report.changed else "Unchanged:"
            self.stdout.write(f"{state} {pack.directory.name} ({report}).")
