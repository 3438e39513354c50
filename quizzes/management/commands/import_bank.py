"""`manage.py import_bank FILE --course SLUG [--format ...] [--section SLUG] [--publish]`:
import a GIFT, Moodle XML, JSON or Canvas QTI (.zip) file into a course's bank, all of it or
nothing."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ...errors import NotAllowed
from ...exchange import FORMATS, MAX_UPLOAD_BYTES
from ...models import Course
from ...services.authorization import SYSTEM
from ...services.exchange import ImportInvalid, bank_import


class Command(BaseCommand):
    help = (
        "Import questions into a course's bank. The whole file is checked first: on any error "
        "nothing is imported. Importing the same file again only revises changed questions."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", type=Path, help="The GIFT, Moodle XML, JSON or Canvas QTI (.zip) file."
        )
        parser.add_argument("--course", required=True, help="The importing course (its slug).")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            dest="fmt",
            help="Default: from the file's extension (a zip is Canvas QTI).",
        )
        parser.add_argument(
            "--section", default="", help="Section (slug) for questions the file does not place."
        )
        parser.add_argument(
            "--publish", action="store_true", help="Publish new questions (default: drafts)."
        )
        parser.add_argument(
            "--user",
            help="Import as this user (username), recorded as the author; they must teach the "
            "course. Without it the import is the site's own (no author).",
        )

    def handle(self, *args, file, course, fmt=None, section="", publish=False, user=None, **opts):
        """Import the file; on any error list every one and exit non-zero."""
        course_obj = Course.objects.select_related("article").filter(slug=course).first()
        if course_obj is None:
            raise CommandError(f"--course {course}: no such course.")
        actor = SYSTEM
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"--user {user}: no such user.")
        content = self._read(file)
        try:
            summary = bank_import(
                course=course_obj,
                content=content,
                actor=actor,
                fmt=fmt,
                filename=file.name,
                default_section=section,
                publish=publish,
            )
        except NotAllowed as exc:
            raise CommandError(f"--user {user}: {exc.message}") from None
        except ImportInvalid as exc:
            if exc.count == 1:  # a file-level problem: one line says it all
                raise CommandError(f"{file}: {exc.errors[0]} Nothing was imported.") from None
            raise CommandError(
                f"{file}: {exc.count} error(s); nothing was imported:\n" + "\n".join(exc.errors)
            ) from None
        for note in summary.notes:
            self.stderr.write(note)
        self.stdout.write(
            f"Imported {file} into {course_obj.slug}: {len(summary.created)} created, "
            f"{len(summary.revised)} revised, {len(summary.unchanged)} unchanged."
        )

    @staticmethod
    def _read(file: Path) -> bytes:
        """The file's bytes, refusing oversized files after reading one byte past the limit.

        Reading at most that much (rather than trusting the size on disk) also bounds what a
        pipe or a file still growing can make the command hold in memory.
        """
        try:
            with file.open("rb") as handle:
                content = handle.read(MAX_UPLOAD_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"{file}: cannot read ({exc.strerror}).") from None
        if len(content) > MAX_UPLOAD_BYTES:
            raise CommandError(
                f"{file}: larger than {MAX_UPLOAD_BYTES // 1024 // 1024} MB; split it."
            )
        return content
