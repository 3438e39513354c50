"""`manage.py validate_content [--article PATH]`: check the content packs, with file and line."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...article_markdown import ArticleFormatError, parse_article
from ...content_pack import check_quotes
from ._packs import add_pack_argument, read_packs


class Command(BaseCommand):
    help = "Validate content packs; with --article, check every source quote against the article."

    def add_arguments(self, parser):
        add_pack_argument(parser)
        parser.add_argument("--article", type=Path, help="The article's Markdown file.")

    def handle(self, *args, packs=None, article=None, **options):
        parsed = None
        if article is not None:
            try:
                parsed = parse_article(article.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ArticleFormatError) as exc:
                raise CommandError(f"{article}: {exc}") from None
        errors = []
        for pack, pack_errors in read_packs(packs):
            errors += pack_errors
            if parsed is not None and not pack_errors:
                errors += check_quotes(pack, parsed)
            if not errors:
                self.stdout.write(
                    f"{pack.directory.name}: {len(pack.sections)} sections, "
                    f"{len(pack.concepts)} concepts, {len(pack.questions)} questions, "
                    f"{len(pack.quizzes)} quizzes"
                    + (", every source quote verbatim in the article." if parsed else ".")
                )
        if errors:
            for error in errors:
                self.stderr.write(error)
            raise CommandError(f"{len(errors)} error(s) in the content pack.")
