"""Bodies larger than any page or API call needs are refused before anything reads them
(kzstudy/request_limits.py), so a huge upload costs the server neither disk nor parsing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from quizzes.exchange.common import MAX_UPLOAD_BYTES
from quizzes.models import Question
from tests.factories import CourseFactory, enrol, shipped_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return CourseFactory(article=shipped_article())


@pytest.fixture
def teacher(course):
    client = Client()
    client.force_login(enrol(course, role="instructor"))
    return client


def test_an_oversized_import_upload_is_refused_with_413_and_imports_nothing(course, teacher):
    before = Question.objects.count()
    huge = SimpleUploadedFile("bank.json", b"[" + b" " * (7 * 1024 * 1024) + b"]")
    reply = teacher.post(
        reverse("teach:import", args=[course.slug]), {"file": huge, "format": "json"}
    )
    assert reply.status_code == 413
    assert b"larger than kzstudy accepts" in reply.content
    assert Question.objects.count() == before


def test_a_bank_import_at_the_upload_limit_still_reaches_the_form(course, teacher):
    at_limit = SimpleUploadedFile("bank.json", b"x" * MAX_UPLOAD_BYTES)
    reply = teacher.post(
        reverse("teach:import", args=[course.slug]), {"file": at_limit, "format": "json"}
    )
    assert reply.status_code != 413  # the form judges the file, with its own message


def test_an_oversized_api_body_gets_the_error_envelope(client):
    reply = client.generic(
        "POST",
        "/api/v1/quizzes/1/attempts/",
        b"{}",
        "application/json",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert reply.status_code == 413
    assert reply.json()["error"]["code"] == "too_large"


def test_a_content_length_that_is_not_a_number_is_a_400(client):
    reply = client.generic(
        "POST", "/api/v1/quizzes/1/attempts/", b"{}", "application/json", CONTENT_LENGTH="12abc"
    )
    assert reply.status_code == 400
