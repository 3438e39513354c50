"""The import and export pages: instructors only; errors listed; downloads as attachments."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes.models import Question
from quizzes.services.authoring import question_create
from tests.exchange.samples import MALFORMED_DIFFICULTY_FILES
from tests.factories import CourseFactory, enrol, shipped_article, shipped_pack_counts

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def course():
    return CourseFactory(article=shipped_article())


@pytest.fixture
def teacher(course):
    client = Client()
    client.force_login(enrol(course, role="instructor"))
    return client


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def add_question(course, stem: str) -> Question:
    return question_create(
        section=shipped_article().sections.get(slug="introduction"),
        qtype="true_false",
        stem=stem,
        data={"answer": True},
        course=course,
        actor=None,
    )


def test_the_import_page_offers_the_file_format_section_and_publish_fields(course, teacher):
    response = teacher.get(reverse("teach:import", args=[course.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    for name in ('name="file"', 'name="fmt"', 'name="section"', 'name="publish"'):
        assert name in html
    assert 'enctype="multipart/form-data"' in html
    assert '<option value="introduction">Introduction</option>' in html
    assert "a Canvas QTI export (.zip); at most 5 MB and 1,000 questions." in html
    assert 'accept=".txt,.gift,.xml,.json,.zip"' in html


def test_a_valid_file_is_imported_and_summarised(course, teacher):
    content = (FIXTURES / "gift" / "all_types.txt").read_bytes()
    response = teacher.post(
        reverse("teach:import", args=[course.slug]),
        {"file": upload("sample.txt", content), "section": "introduction", "publish": "on"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "sample.txt: 8 created, 0 revised, 0 unchanged." in html
    assert "category line ignored" in html
    assert Question.objects.filter(course=course, status="published").count() == 8


def test_an_invalid_file_lists_every_error_and_imports_nothing(course, teacher):
    content = (FIXTURES / "gift" / "errors.txt").read_bytes()
    response = teacher.post(
        reverse("teach:import", args=[course.slug]),
        {"file": upload("errors.txt", content), "section": "introduction"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "errors.txt: 6 problems; nothing was imported." in html
    assert html.count("<li>line ") == 6
    assert "line 9: &#x27;many&#x27; is not a number" in html
    assert not Question.objects.filter(course=course).exists()


def test_unsafe_xml_is_refused_on_the_page(course, teacher):
    xml = b'<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "b">]><quiz>&a;</quiz>'
    response = teacher.post(
        reverse("teach:import", args=[course.slug]), {"file": upload("evil.xml", xml)}
    )
    assert response.status_code == 400
    assert "refused for safety" in response.content.decode()


def test_oversized_and_missing_files_are_form_errors(course, teacher):
    url = reverse("teach:import", args=[course.slug])
    big = upload("big.txt", b"x" * (5 * 1024 * 1024 + 1))
    response = teacher.post(url, {"file": big})
    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()
    assert teacher.post(url, {}).status_code == 400
    assert not Question.objects.filter(course=course).exists()


def test_the_export_page_offers_both_banks_and_every_format(course, teacher):
    response = teacher.get(reverse("teach:export", args=[course.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    for value in ('value="course"', 'value="shared"', 'value="gift"', 'value="moodle-xml"'):
        assert value in html
    assert "GIFT</strong> has no ordering type" in html


def test_the_course_bank_downloads_as_an_attachment_without_other_courses(course, teacher):
    add_question(course, "Ours?")
    add_question(CourseFactory(article=shipped_article()), "Theirs?")
    url = reverse("teach:export", args=[course.slug])
    response = teacher.get(url, {"scope": "course", "fmt": "json"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{course.slug}-bank.json"'
    assert [item["stem"] for item in json.loads(response.content)] == ["Ours?"]


def test_the_shared_bank_downloads_as_gift_and_moodle_xml(course, teacher):
    url = reverse("teach:export", args=[course.slug])
    counts = shipped_pack_counts()
    gift = teacher.get(url, {"scope": "shared", "fmt": "gift"})
    slug = shipped_article().slug
    assert gift["Content-Disposition"] == f'attachment; filename="{slug}-shared-bank.gift.txt"'
    assert gift.content.decode().count("// Skipped ordering question") == counts["ordering"]
    xml = teacher.get(url, {"scope": "shared", "fmt": "moodle-xml"})
    assert xml["Content-Type"] == "application/xml; charset=utf-8"
    assert xml.content.decode().count("<question ") == counts["all"]


def test_a_bad_export_choice_is_a_400_with_the_form(course, teacher):
    response = teacher.get(reverse("teach:export", args=[course.slug]), {"fmt": "docx"})
    assert response.status_code == 400
    assert "Choose a bank and a format below." in response.content.decode()


def test_a_course_without_an_article_offers_only_its_own_bank():
    course = CourseFactory(article=None)
    client = Client()
    client.force_login(enrol(course, role="instructor"))
    url = reverse("teach:export", args=[course.slug])
    assert 'value="shared"' not in client.get(url).content.decode()
    assert client.get(url, {"scope": "shared", "fmt": "json"}).status_code == 400


def test_learners_get_403_on_import_and_export(course):
    client = Client()
    client.force_login(enrol(course))
    for name in ("teach:import", "teach:export"):
        url = reverse(name, args=[course.slug])
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403
    assert (
        client.get(
            reverse("teach:export", args=[course.slug]), {"scope": "course", "fmt": "json"}
        ).status_code
        == 403
    )


def test_an_instructor_of_another_course_cannot_import_here(course):
    other = CourseFactory(article=shipped_article())
    client = Client()
    client.force_login(enrol(other, role="instructor"))
    content = (FIXTURES / "gift" / "all_types.txt").read_bytes()
    response = client.post(
        reverse("teach:import", args=[course.slug]), {"file": upload("a.txt", content)}
    )
    assert response.status_code == 403
    assert not Question.objects.filter(course__in=[course, other]).exists()


@pytest.mark.parametrize("fmt", ["json", "gift", "moodle-xml"])
def test_export_queries_stay_constant_as_the_bank_grows(
    course, teacher, django_assert_max_num_queries, fmt
):
    url = reverse("teach:export", args=[course.slug])
    add_question(course, "One?")
    with django_assert_max_num_queries(12) as small:
        teacher.get(url, {"scope": "course", "fmt": fmt})
    for number in range(30):
        add_question(course, f"More {number}?")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = teacher.get(url, {"scope": "course", "fmt": fmt})
    assert response.status_code == 200


def test_import_queries_do_not_grow_with_the_bank(course, teacher, django_assert_num_queries):
    url = reverse("teach:import", args=[course.slug])
    text = b"::one::First?{T}\n\n::two::Second?{F}\n"
    add_question(course, "Already here?")
    teacher.post(url, {"file": upload("a.txt", text), "section": "introduction"})
    with CaptureQueriesContext(connection) as small:
        teacher.post(url, {"file": upload("a.txt", text), "section": "introduction"})
    for number in range(30):
        add_question(course, f"More {number}?")
    with django_assert_num_queries(len(small.captured_queries)):
        response = teacher.post(url, {"file": upload("a.txt", text), "section": "introduction"})
    assert "0 created, 0 revised, 2 unchanged." in response.content.decode()


@pytest.mark.parametrize("name, content", MALFORMED_DIFFICULTY_FILES)
def test_a_malformed_difficulty_is_an_import_error_on_the_page_not_a_500(
    course, teacher, name, content
):
    response = teacher.post(
        reverse("teach:import", args=[course.slug]),
        {"file": upload(name, content), "section": "introduction"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "nothing was imported" in html and "difficulty must be 1, 2 or 3" in html
    assert not Question.objects.filter(course=course).exists()


def test_the_shared_bank_downloads_as_a_canvas_qti_zip_that_imports_on_the_page(course, teacher):
    url = reverse("teach:export", args=[course.slug])
    response = teacher.get(url, {"scope": "shared", "fmt": "canvas-qti"})
    slug = shipped_article().slug
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="{slug}-shared-bank.zip"'
    assert zipfile.ZipFile(io.BytesIO(response.content)).namelist()[0] == "imsmanifest.xml"
    other = CourseFactory(article=shipped_article())
    client = Client()
    client.force_login(enrol(other, role="instructor"))
    imported = client.post(
        reverse("teach:import", args=[other.slug]),
        {"file": upload("canvas-export.zip", response.content)},
    )
    counts = shipped_pack_counts()
    created = counts["all"] - counts["ordering"]
    assert imported.status_code == 200
    assert f"canvas-export.zip: {created} created, 0 revised, 0 unchanged." in (
        imported.content.decode()
    )


def test_a_file_named_zip_that_is_not_one_is_an_error_on_the_page(course, teacher):
    response = teacher.post(
        reverse("teach:import", args=[course.slug]), {"file": upload("bank.zip", b"hello")}
    )
    assert response.status_code == 400
    assert "The file is not a readable zip archive" in response.content.decode()
    assert not Question.objects.filter(course=course).exists()
