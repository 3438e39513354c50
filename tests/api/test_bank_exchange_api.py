"""Importing and exporting a course's question bank through the API: the services of the pages
(tests/exchange/test_pages.py) behind thin doors, with the API's errors, permissions, token
scopes and write throttle."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from quizzes.models import Concept, Question, QuestionVersion, Section
from quizzes.services.tokens import token_create
from tests.api.helpers import client_for
from tests.factories import CourseFactory, enrol, make_question

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ALL_TYPES = (FIXTURES / "gift" / "all_types.txt").read_bytes()
# The keys of the questions in all_types.txt, in file order.
ALL_TYPES_KEYS = [
    "capital-moved",
    "osce-and-un",
    "rally-law",
    "benchmark",
    "target-year",
    "who-does-what",
    "escapes-all-of-them",
    "missing-word",
]
EXPORTS = {
    "json": ("application/json; charset=utf-8", "json"),
    "gift": ("text/plain; charset=utf-8", "gift.txt"),
    "moodle-xml": ("application/xml; charset=utf-8", "xml"),
    "canvas-qti": ("application/zip", "zip"),
}


def import_url(course) -> str:
    return f"/api/v1/courses/{course.pk}/questions/import/"


def export_url(course) -> str:
    return f"/api/v1/courses/{course.pk}/questions/export/"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def import_file(client, course, name: str, content: bytes, **fields):
    body = {"file": upload(name, content), **fields}
    return client.post(import_url(course), body, format="multipart")


def bank_state(*courses) -> tuple[int, int]:
    """How many questions and versions the courses' banks hold."""
    questions = Question.objects.filter(course__in=courses)
    versions = QuestionVersion.objects.filter(question__course__in=courses)
    return questions.count(), versions.count()


def test_a_gift_import_creates_the_questions_and_again_finds_them_unchanged(course, teacher):
    first = import_file(
        teacher, course, "sample.txt", ALL_TYPES, section="introduction", publish="true"
    )

    assert first.status_code == 200, first.content
    summary = first.json()
    assert set(summary) == {"created", "revised", "unchanged", "notes"}
    assert summary["created"] == ALL_TYPES_KEYS
    assert summary["revised"] == summary["unchanged"] == []
    assert any("category line ignored" in note for note in summary["notes"])
    created = Question.objects.filter(course=course)
    assert sorted(created.values_list("key", flat=True)) == sorted(ALL_TYPES_KEYS)
    assert set(created.values_list("status", flat=True)) == {"published"}

    again = import_file(teacher, course, "sample.txt", ALL_TYPES, section="introduction")

    assert again.status_code == 200
    assert again.json()["unchanged"] == ALL_TYPES_KEYS
    assert again.json()["created"] == again.json()["revised"] == []
    assert bank_state(course) == (8, 8)


def test_imported_questions_are_drafts_unless_published_and_the_format_can_be_named(
    course, teacher
):
    moodle = (FIXTURES / "moodle" / "truefalse.xml").read_bytes()
    # Named .txt, read as GIFT it would fail: the format given wins over the name.
    reply = import_file(
        teacher, course, "export.txt", moodle, format="moodle-xml", section="introduction"
    )

    assert reply.status_code == 200, reply.content
    assert reply.json()["created"]
    assert set(Question.objects.filter(course=course).values_list("status", flat=True)) == {"draft"}


def test_an_invalid_file_is_a_400_listing_every_error_and_imports_nothing(course, teacher):
    content = (FIXTURES / "gift" / "errors.txt").read_bytes()

    reply = import_file(teacher, course, "errors.txt", content, section="introduction")

    assert reply.status_code == 400
    error = reply.json()["error"]
    assert error["code"] == "import_invalid" and error["field"] == "file"
    assert error["message"] == "The file has errors; nothing was imported. 6 error(s)."
    assert len(error["details"]) == 6
    assert all(detail.startswith("line ") for detail in error["details"])
    assert "line 9: 'many' is not a number (write 2050 or 2050:1)." in error["details"]
    assert bank_state(course) == (0, 0)


def test_a_good_file_with_an_unknown_default_section_imports_nothing(course, teacher):
    reply = import_file(teacher, course, "a.txt", b"::one::First?{T}\n", section="nowhere")

    assert reply.status_code == 400
    assert reply.json()["error"]["code"] == "import_invalid"
    assert any("'nowhere'" in detail for detail in reply.json()["error"]["details"])
    assert bank_state(course) == (0, 0)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("bank.zip", b"hello", "not a readable zip archive"),
        ("bank.txt", b"\xff\xfe::q::Broken?{T}", "not UTF-8 text"),
        ("big.txt", b"x" * (5 * 1024 * 1024 + 1), "the limit is 5 MB"),
    ],
)
def test_an_unreadable_file_is_a_400_import_file_rejected(course, teacher, name, content, reason):
    reply = import_file(teacher, course, name, content)

    assert reply.status_code == 400
    error = reply.json()["error"]
    assert error["code"] == "import_file_rejected"
    assert len(error["details"]) == 1 and reason in error["details"][0]
    assert bank_state(course) == (0, 0)


def test_bad_import_requests_are_400_or_415_in_the_envelope(course, teacher):
    url = import_url(course)
    missing = teacher.post(url, {"section": "introduction"}, format="multipart")
    unknown = import_file(teacher, course, "a.txt", ALL_TYPES, format="docx")
    not_boolean = import_file(teacher, course, "a.txt", ALL_TYPES, publish="perhaps")
    as_json = teacher.post(url, {"file": "::q::Sneaked in?{T}"}, format="json")

    for reply, field in ((missing, "file"), (unknown, "format"), (not_boolean, "publish")):
        assert reply.status_code == 400, reply.content
        assert reply.json()["error"]["code"] == "invalid"
        assert reply.json()["error"]["field"] == field
    assert as_json.status_code == 415
    assert set(as_json.json()["error"]) == {"code", "message", "field", "details"}
    assert bank_state(course) == (0, 0)


def test_a_canvas_qti_zip_exported_through_the_api_imports_back_through_the_api(course, teacher):
    assert (
        import_file(teacher, course, "a.txt", ALL_TYPES, section="introduction").status_code == 200
    )
    exported = teacher.get(export_url(course), {"format": "canvas-qti"})
    assert exported.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(exported.content)).namelist()[0] == "imsmanifest.xml"

    other = CourseFactory(article=course.article)
    elsewhere = import_file(
        client_for(enrol(other, role="instructor")), other, "export.zip", exported.content
    )
    here = import_file(teacher, course, "export.zip", exported.content)

    assert elsewhere.status_code == 200, elsewhere.content
    assert sorted(elsewhere.json()["created"]) == sorted(ALL_TYPES_KEYS)
    assert here.status_code == 200, here.content
    assert sorted(here.json()["unchanged"]) == sorted(ALL_TYPES_KEYS)
    stems = set(Question.objects.filter(course=course).values_list("current_version__stem"))
    assert set(Question.objects.filter(course=other).values_list("current_version__stem")) == (
        stems
    )


@pytest.mark.parametrize("fmt", sorted(EXPORTS))
def test_each_format_downloads_with_its_content_type_and_the_pages_file_name(course, teacher, fmt):
    make_question(course.article.sections.get(slug="introduction"), course=course, stem="Ours?")
    content_type, extension = EXPORTS[fmt]

    reply = teacher.get(export_url(course), {"format": fmt})

    assert reply.status_code == 200
    assert reply["Content-Type"] == content_type
    assert reply["Content-Disposition"] == (
        f'attachment; filename="{course.slug}-bank.{extension}"'
    )
    assert reply.content


def test_the_default_export_is_the_course_bank_as_json_without_other_courses(course, teacher):
    section = course.article.sections.get(slug="introduction")
    make_question(section, course=course, stem="Ours?")
    make_question(section, course=CourseFactory(article=course.article), stem="Theirs?")

    reply = teacher.get(export_url(course))

    assert reply.status_code == 200
    assert reply["Content-Disposition"] == f'attachment; filename="{course.slug}-bank.json"'
    assert [item["stem"] for item in json.loads(reply.content)] == ["Ours?"]


def test_the_shared_bank_exports_with_the_pages_file_name(course, teacher):
    reply = teacher.get(export_url(course), {"scope": "shared", "format": "moodle-xml"})

    assert reply.status_code == 200
    name = f"{course.article.slug}-shared-bank.xml"
    assert reply["Content-Disposition"] == f'attachment; filename="{name}"'
    published = Question.objects.filter(
        course__isnull=True, section__article=course.article, status="published"
    )
    assert reply.content.decode().count("<question ") == published.count() > 0


def test_bad_export_choices_are_400_in_the_envelope(course, teacher):
    bad_format = teacher.get(export_url(course), {"format": "docx"})
    bad_scope = teacher.get(export_url(course), {"scope": "everything"})
    no_article = CourseFactory(article=None)
    shared_without_article = client_for(enrol(no_article, role="instructor")).get(
        export_url(no_article), {"scope": "shared"}
    )

    for reply, field in (
        (bad_format, "format"),
        (bad_scope, "scope"),
        (shared_without_article, "scope"),
    ):
        assert reply.status_code == 400
        assert reply["Content-Type"] == "application/json"
        assert reply.json()["error"]["code"] == "invalid"
        assert reply.json()["error"]["field"] == field


def test_an_accept_header_for_the_file_does_not_refuse_the_download(course, teacher):
    reply = teacher.get(export_url(course), {"format": "canvas-qti"}, HTTP_ACCEPT="application/zip")
    refused = teacher.get(export_url(course), {"format": "pdf"}, HTTP_ACCEPT="application/zip")

    assert reply.status_code == 200 and reply["Content-Type"] == "application/zip"
    assert refused.status_code == 400 and refused.json()["error"]["field"] == "format"


@pytest.mark.parametrize("who", ["learner", "other_instructor"])
def test_learners_and_other_courses_instructors_are_refused_and_nothing_changes(course, who):
    make_question(course.article.sections.get(slug="introduction"), course=course, stem="Ours?")
    other = CourseFactory(article=course.article)
    user = enrol(course) if who == "learner" else enrol(other, role="instructor")
    client = client_for(user)
    before = bank_state(course, other)

    imported = import_file(client, course, "a.txt", ALL_TYPES, section="introduction")
    exported = client.get(export_url(course), {"format": "json"})

    for reply in (imported, exported):
        assert reply.status_code == 403
        assert set(reply.json()["error"]) == {"code", "message", "field", "details"}
    assert "Ours?" not in exported.content.decode()
    assert bank_state(course, other) == before


def test_an_unknown_course_is_404():
    user = enrol(CourseFactory(), role="instructor")
    client = client_for(user)
    assert client.get("/api/v1/courses/987654/questions/export/").status_code == 404
    reply = client.post(
        "/api/v1/courses/987654/questions/import/",
        {"file": upload("a.txt", ALL_TYPES)},
        format="multipart",
    )
    assert reply.status_code == 404


def bearer(user, scope: str) -> APIClient:
    secret = token_create(user=user, name=f"{scope} script", scope=scope, actor=user)[1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_a_read_token_exports_but_cannot_import(course):
    instructor = enrol(course, role="instructor")
    reader, writer = bearer(instructor, "read"), bearer(instructor, "write")

    exported = reader.get(export_url(course), {"format": "gift"})
    refused = import_file(reader, course, "a.txt", ALL_TYPES, section="introduction")

    assert exported.status_code == 200
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "token_scope"
    assert bank_state(course) == (0, 0)
    written = import_file(writer, course, "a.txt", ALL_TYPES, section="introduction")
    assert written.status_code == 200 and len(written.json()["created"]) == 8


def test_imports_are_write_throttled_and_exports_are_not(course, teacher, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"writes": "2/minute"})
    assert (
        import_file(
            teacher, course, "a.txt", b"::one::First?{T}\n", section="introduction"
        ).status_code
        == 200
    )
    assert (
        import_file(
            teacher, course, "a.txt", b"::two::Second?{T}\n", section="introduction"
        ).status_code
        == 200
    )

    throttled = import_file(
        teacher, course, "a.txt", b"::three::Third?{T}\n", section="introduction"
    )

    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "throttled"
    assert not Question.objects.filter(course=course, key="three").exists()
    for _ in range(3):
        assert teacher.get(export_url(course)).status_code == 200


def add_questions(course, count: int) -> None:
    """Questions of the course's own bank, each with a concept and a tag (prefetched)."""
    section = Section.objects.get(article=course.article, slug="introduction")
    concept = Concept.objects.filter(article=course.article).first()
    for number in range(count):
        make_question(
            section,
            course=course,
            stem=f"Question {number}?",
            concepts=[concept],
            tags=[f"week-{number % 3}"],
        )


@pytest.mark.parametrize("fmt", sorted(EXPORTS))
def test_export_queries_stay_constant_as_the_bank_grows(
    course, teacher, django_assert_max_num_queries, fmt
):
    add_questions(course, 2)
    with django_assert_max_num_queries(12) as small:
        assert teacher.get(export_url(course), {"format": fmt}).status_code == 200
    add_questions(course, 58)

    with django_assert_max_num_queries(len(small.captured_queries)):
        reply = teacher.get(export_url(course), {"format": fmt})

    assert reply.status_code == 200
    if fmt == "json":
        assert len(json.loads(reply.content)) == 60
