"""A NUL character anywhere in a request is a 400 with nothing changed (kzstudy/nul_guard.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from quizzes.models import Attempt, ResponseStep
from tests.factories import course_with_learner, fixed_quiz, make_question

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def short_answer_attempt():
    course, learner = course_with_learner()
    question = make_question(qtype="short_answer", data={"accepted": ["Bolashak"]})
    quiz = fixed_quiz([question], article=course.article)
    api = APIClient()
    api.force_login(learner)
    attempt = api.post(f"{API}/quizzes/{quiz.pk}/attempts/", {}, format="json").json()
    return api, Attempt.objects.get(pk=attempt["id"]), question


def test_a_nul_character_in_a_short_answer_is_400_on_the_api(short_answer_attempt):
    api, attempt, question = short_answer_attempt
    url = f"{API}/attempts/{attempt.pk}/answers/{question.pk}/"
    reply = api.put(url, {"answer": {"text": "Bola\x00shak"}}, format="json")
    assert reply.status_code == 400
    assert reply.json()["error"] == {
        "code": "nul_character",
        "message": "The request contains a NUL character, which no field accepts.",
        "field": "answer",
        "details": None,
    }
    assert not ResponseStep.objects.filter(response__attempt=attempt).exists()


def test_an_escaped_backslash_before_u0000_is_text_not_a_nul(short_answer_attempt):
    api, attempt, question = short_answer_attempt
    url = f"{API}/attempts/{attempt.pk}/answers/{question.pk}/"
    reply = api.put(url, b'{"answer": {"text": "C:\\\\u0000"}}', content_type="application/json")
    assert reply.status_code == 200 and reply.json()["answer"] == {"text": "C:\\u0000"}


@pytest.mark.parametrize(
    ("field", "request_kwargs"),
    [
        ("mode", {"path": f"{API}/quizzes/", "data": {"mode": "practice\x00"}}),
        ("path", {"path": "/articles/abc\x00def/"}),
    ],
)
def test_a_nul_in_the_query_or_path_is_400_naming_the_field(field, request_kwargs):
    _course, learner = course_with_learner()
    api = APIClient()
    api.force_login(learner)
    reply = api.get(**request_kwargs, HTTP_ACCEPT="application/json")
    assert reply.status_code == 400 and reply.json()["error"]["field"] == field


def test_a_nul_in_the_session_cookie_is_400_not_a_database_error(client):
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    reply = client.get(reverse("quizzes:home"))
    assert reply.status_code == 400
    assert b"NUL character" in reply.content


def test_a_nul_in_a_form_field_of_any_page_is_400(client):
    reply = client.post(reverse("login"), {"username": "student\x00", "password": "x"})
    assert reply.status_code == 400


def test_requests_without_nul_pass_through(client):
    assert client.get(reverse("login")).status_code == 200


def test_a_nul_in_json_nested_too_deep_to_parse_is_400_before_sign_in(client):
    body = "[" * 2000 + '"\\u0000"' + "]" * 2000
    reply = client.post("/api/v1/me/", body, content_type="application/json")
    assert reply.status_code == 400
    assert reply.json()["error"]["code"] == "nul_character"
    assert not reply.cookies  # refused before a session or CSRF cookie was made


def test_a_lone_surrogate_in_an_answer_is_400_and_breaks_no_page_later(short_answer_attempt):
    """JSON can write half a surrogate pair (\\ud800), which no page or database can encode:
    stored, it made every document and page showing the answer a 500."""
    api, attempt, question = short_answer_attempt
    url = f"{API}/attempts/{attempt.pk}/answers/{question.pk}/"
    for body in ('{"answer": {"text": "ab\\ud800cd"}}', '{"\\udfff": 1}'):
        reply = api.put(url, body, content_type="application/json")
        assert reply.status_code == 400, body
        assert reply.json()["error"]["code"] == "lone_surrogate"
    assert not ResponseStep.objects.filter(response__attempt=attempt).exists()
    assert api.get(f"{API}/attempts/{attempt.pk}/").status_code == 200


def test_a_whole_surrogate_pair_is_a_character_and_is_saved(short_answer_attempt):
    api, attempt, question = short_answer_attempt
    url = f"{API}/attempts/{attempt.pk}/answers/{question.pk}/"
    reply = api.put(
        url, '{"answer": {"text": "Bolashak \\ud83d\\ude00"}}', content_type="application/json"
    )
    assert reply.status_code == 200
    document = api.get(f"{API}/attempts/{attempt.pk}/").json()
    assert document["questions"][0]["answer"] == {"text": "Bolashak \U0001f600"}
