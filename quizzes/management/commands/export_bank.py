"""`manage.py export_bank --format json [--output FILE]`: write the published bank."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...selectors import question_list_published
from ...services.exchange import bank_to_json_items


class Command(BaseCommand):
    help = "Export the published question bank."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json"], default="json", dest="fmt")
        parser.add_argument("--output", type=Path, help="File to write (default: standard output).")
        parser.add_argument("--article", help="Only this article's questions (its slug).")

    def handle(self, *args, fmt, output=None, article=None, **options):
        items = bank_to_json_items(question_list_published(article_slug=article))
        text = json.dumps(items, ensure_ascii=False, indent=2) + "\n"
        if output is None:
            sys.stdout.write(text)
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{output}: cannot write ({exc}).") from None
        self.stderr.write(f"Wrote {len(items)} questions to {output}.")
