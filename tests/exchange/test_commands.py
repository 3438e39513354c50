"""import_bank and export_bank: files in, files out; invalid input exits non-zero, changes nothing."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quizzes.models import Question
from quizzes.services.authoring import question_create
from tests.exchange.samples import MALFORMED_DIFFICULTY_FILES
from tests.factories import CourseFactory, shipped_article, shipped_pack_counts

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def course():
    return CourseFactory(article=shipped_article())


def import_bank(*args: str) -> str:
    out = io.StringIO()
    call_command("import_bank", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_import_bank_imports_a_file_into_the_course_bank(course):
    path = FIXTURES / "gift" / "all_types.txt"
    output = import_bank(str(path), "--course", course.slug, "--section", "introduction")
    assert output == f"Imported {path} into {course.slug}: 8 created, 0 revised, 0 unchanged.\n"
    assert Question.objects.filter(course=course, status="draft").count() == 8
    again = import_bank(str(path), "--course", course.slug, "--section", "introduction")
    assert again.endswith("0 created, 0 revised, 8 unchanged.\n")


def test_import_bank_publishes_on_request_and_reads_moodle_xml(course):
    path = FIXTURES / "moodle" / "ordering.xml"
    import_bank(str(path), "--course", course.slug, "--section", "introduction", "--publish")
    question = Question.objects.get(course=course)
    assert (question.qtype, question.status) == ("ordering", "published")


def test_invalid_input_exits_non_zero_with_one_line_per_error(course):
    # call_command rather than execute_from_command_line: the latter closes the database
    # connections when a command fails, which would end the test's transaction on PostgreSQL.
    # A CommandError is what makes manage.py exit with status 1.
    path = FIXTURES / "gift" / "errors.txt"
    with pytest.raises(CommandError) as error:
        call_command("import_bank", str(path), "--course", course.slug, "--section", "introduction")
    lines = str(error.value).splitlines()
    assert lines[0] == f"{path}: 6 error(s); nothing was imported:"
    assert lines[1:] == [
        "line 3: choices: mark at least one choice correct.",
        "line 5: essay questions (empty {}) cannot be imported.",
        "line 7: no answers in {...}; descriptions cannot be imported.",
        "line 9: 'many' is not a number (write 2050 or 2050:1).",
        "line 11: difficulty must be 1, 2 or 3, not 'hard'.",
        "line 14: no answers in {...}; descriptions cannot be imported.",
    ]
    assert not Question.objects.filter(course=course).exists()


def test_import_bank_refuses_unknown_courses_sections_and_unreadable_files(course, tmp_path):
    good = str(FIXTURES / "gift" / "all_types.txt")
    with pytest.raises(CommandError, match="--course nope: no such course"):
        import_bank(good, "--course", "nope")
    with pytest.raises(CommandError, match="The default section 'nowhere' is not in"):
        import_bank(good, "--course", course.slug, "--section", "nowhere")
    with pytest.raises(CommandError, match="cannot read"):
        import_bank(str(tmp_path / "missing.txt"), "--course", course.slug)
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * (5 * 1024 * 1024 + 1))
    with pytest.raises(CommandError, match="larger than 5 MB"):
        import_bank(str(big), "--course", course.slug)
    assert not Question.objects.filter(course=course).exists()


def test_export_bank_gift_skips_ordering_and_says_so(tmp_path):
    path, err = tmp_path / "bank.txt", io.StringIO()
    call_command("export_bank", "--format", "gift", "--output", str(path), stderr=err)
    lines = err.getvalue().splitlines()
    counts = shipped_pack_counts()
    assert lines[-1] == f"Wrote {counts['all'] - counts['ordering']} questions to {path}."
    skipped = [line for line in lines if line.startswith("Skipped ")]
    assert len(skipped) == counts["ordering"]
    assert skipped[0] == (
        "Skipped introduction-09: GIFT has no ordering type; export it as Moodle XML or JSON."
    )
    assert (
        path.read_text(encoding="utf-8").count("// Skipped ordering question") == counts["ordering"]
    )


def test_export_bank_writes_moodle_xml_for_one_article(tmp_path):
    path = tmp_path / "bank.xml"
    call_command(
        "export_bank",
        "--format",
        "moodle-xml",
        "--article",
        shipped_article().slug,
        "--output",
        str(path),
        stderr=io.StringIO(),
    )
    text = path.read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')
    counts = shipped_pack_counts()
    assert text.count("<question ") == counts["all"]
    assert text.count('type="ordering"') == counts["ordering"]


def test_export_bank_course_exports_only_that_course_bank(course, tmp_path):
    section = shipped_article().sections.get(slug="introduction")
    question_create(
        section=section,
        qtype="true_false",
        stem="Ours?",
        data={"answer": True},
        course=course,
        actor=None,
    )
    other = CourseFactory(article=shipped_article())
    question_create(
        section=section,
        qtype="true_false",
        stem="Theirs?",
        data={"answer": True},
        course=other,
        actor=None,
    )
    path = tmp_path / "course.json"
    call_command(
        "export_bank", "--course", course.slug, "--output", str(path), stderr=io.StringIO()
    )
    assert [item["stem"] for item in json.loads(path.read_text())] == ["Ours?"]
    with pytest.raises(CommandError, match="--course nope: no such course"):
        call_command("export_bank", "--course", "nope")


def test_the_default_export_is_the_shared_bank_without_course_questions(course, tmp_path):
    section = shipped_article().sections.get(slug="introduction")
    question_create(
        section=section,
        qtype="true_false",
        stem="Course only?",
        data={"answer": True},
        course=course,
        status="published",
        actor=None,
    )
    path = tmp_path / "bank.json"
    call_command("export_bank", "--output", str(path), stderr=io.StringIO())
    items = json.loads(path.read_text())
    assert len(items) == shipped_pack_counts()["all"] and "Course only?" not in {
        i["stem"] for i in items
    }


@pytest.mark.parametrize("name, content", MALFORMED_DIFFICULTY_FILES)
def test_a_malformed_difficulty_exits_non_zero_with_its_error_not_a_traceback(
    course, tmp_path, name, content
):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError) as error:
        import_bank(str(path), "--course", course.slug, "--section", "introduction")
    assert "difficulty must be 1, 2 or 3" in str(error.value)
    assert "Nothing was imported." in str(error.value)
    assert not Question.objects.filter(course=course).exists()


def test_import_bank_reads_a_canvas_qti_zip_and_export_bank_writes_one(course, tmp_path):
    path, err = tmp_path / "bank.zip", io.StringIO()
    call_command("export_bank", "--format", "canvas-qti", "--output", str(path), stderr=err)
    counts = shipped_pack_counts()
    lines = err.getvalue().splitlines()
    assert lines[-1] == f"Wrote {counts['all'] - counts['ordering']} questions to {path}."
    assert lines[0] == (
        "Skipped introduction-09: Canvas classic quizzes have no ordering type; export it as "
        "Moodle XML or JSON."
    )
    assert zipfile.ZipFile(path).read("imsmanifest.xml").startswith(b"<?xml")
    output = import_bank(str(path), "--course", course.slug)
    created = counts["all"] - counts["ordering"]
    assert (
        output
        == f"Imported {path} into {course.slug}: {created} created, 0 revised, 0 unchanged.\n"
    )


def test_import_bank_refuses_a_hostile_zip_in_one_line(course, tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", "<manifest/>")
        archive.writestr("big.xml", b"\0" * (21 * 1024 * 1024))
    with pytest.raises(CommandError) as error:
        import_bank(str(path), "--course", course.slug)
    assert str(error.value) == (
        f"{path}: The zip unpacks to 21.0 MB; the limit is 20 MB. Split the bank into smaller "
        "exports. Nothing was imported."
    )
    assert not Question.objects.filter(course=course).exists()
