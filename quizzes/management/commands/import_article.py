"""`manage.py import_article PATH`: import the article's full text from its Markdown file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...article_markdown import ArticleFormatError
from ...errors import DomainError
from ...services.articles import article_import


class Command(BaseCommand):
    help = "Import an article's full text (sections, paragraphs, footnotes) from Markdown."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The article's Markdown file.")

    def handle(self, *args, path: Path, **options):
        try:
            source = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file.") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: cannot read the file ({exc}).") from None
        try:
            result = article_import(source=source)
        except (ArticleFormatError, DomainError) as exc:
            raise CommandError(f"{path.name}: {exc}") from None
        verb = "Imported" if result.changed else "Unchanged:"
        self.stdout.write(
            f"{verb} {result.article.title!r}: {result.section_count} sections, "
            f"{result.paragraph_count} paragraphs, {result.footnote_count} footnotes."
        )
