"""`manage.py export_bank [--format gift|moodle-xml|json|canvas-qti] [--output FILE]
[--article SLUG] [--course SLUG]`: write the shared bank's published questions, or a course's
own bank. Canvas QTI is a zip: written as bytes."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...exchange import FORMATS
from ...models import Article, Course
from ...selectors import question_list_for_export
from ...services.authorization import SYSTEM
from ...services.exchange import bank_export


class Command(BaseCommand):
    help = "Export the published shared question bank (or a course's own bank)."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=FORMATS, default="json", dest="fmt")
        parser.add_argument("--output", type=Path, help="File to write (default: standard output).")
        parser.add_argument("--article", help="Only this article's questions (its slug).")
        parser.add_argument("--course", help="This course's own bank (its slug), drafts included.")

    def handle(self, *args, fmt, output=None, article=None, course=None, **options):
        course_obj = None
        if course:
            course_obj = Course.objects.filter(slug=course).first()
            if course_obj is None:
                raise CommandError(f"--course {course}: no such course.")
        if article is not None and not Article.objects.filter(slug=article).exists():
            # A misspelt slug would export nothing and look like an empty bank.
            raise CommandError(f"--article {article}: no such article.")
        questions = question_list_for_export(course=course_obj, article_slug=article)
        # The operator's command is the site itself: it may export any bank.
        result = bank_export(questions=questions, fmt=fmt, course=course_obj, actor=SYSTEM)
        for reason in result.skipped:
            self.stderr.write(f"Skipped {reason}")
        content = result.text
        if output is None:
            if isinstance(content, bytes):
                sys.stdout.flush()
                sys.stdout.buffer.write(content)
                sys.stdout.buffer.flush()
            else:
                sys.stdout.write(content)
            return
        try:
            if isinstance(content, bytes):
                output.write_bytes(content)
            else:
                output.write_text(content, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{output}: cannot write ({exc}).") from None
        self.stderr.write(f"Wrote {result.count} questions to {output}.")
