"""A refusal answers the same status through the page and the API (each domain error names its
own, `quizzes.errors`), and every JSON error of the API, the error pages and the middlewares has
the one envelope {"error": {"code", "message", "field", "details"}}."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from quizzes.errors import DomainError
from quizzes.models import ResponseStep
from quizzes.services.attempts import attempt_start_or_resume, attempt_submit
from tests.factories import (
    course_with_learner,
    fixed_quiz,
    key_answer,
    make_question,
    wrong_answer,
)
from tests.views.helpers import form_fields

pytestmark = pytest.mark.django_db
ENVELOPE_KEYS = {"code", "message", "field", "details"}


@pytest.fixture
def doors():
    """An open practice attempt of three questions, and the page and API clients of its learner."""
    course, learner = course_with_learner()
    questions = [make_question() for _ in range(3)]
    quiz = fixed_quiz(questions, article=course.article, mode="practice")
    attempt = attempt_start_or_resume(quiz_id=quiz.pk, user=learner, course_id=course.pk).attempt
    page, api = Client(), APIClient()
    page.force_login(learner)
    api.force_authenticate(learner)
    return attempt, questions, page, api


def page_save(page: Client, attempt, question):
    version = question.current_version
    return page.post(
        reverse("quizzes:attempt_save", args=[attempt.pk]),
        form_fields(version, key_answer(version)),
        HTTP_ACCEPT="application/json",
    )


def api_save(api: APIClient, attempt, question):
    url = f"/api/v1/attempts/{attempt.pk}/answers/{question.pk}/"
    return api.put(url, {"answer": key_answer(question.current_version)}, format="json")


def test_a_submitted_attempt_refuses_a_save_with_409_through_the_page_and_the_api(doors):
    attempt, questions, page, api = doors
    attempt_submit(attempt_id=attempt.pk, user=attempt.user)

    by_page, by_api = page_save(page, attempt, questions[0]), api_save(api, attempt, questions[0])
    assert by_page.status_code == by_api.status_code == 409
    assert by_page.json()["error"]["code"] == by_api.json()["error"]["code"] == "attempt_closed"
    # One shape for both doors: the page's script reads the API's envelope too.
    assert set(by_api.json()["error"]) == set(by_page.json()["error"]) == ENVELOPE_KEYS


def test_too_many_saves_are_429_with_retry_after_through_the_page_and_the_api(doors, settings):
    settings.ATTEMPT_WRITE_RATE = "1/minute"
    attempt, questions, page, api = doors
    assert page_save(page, attempt, questions[0]).status_code == 200

    by_page, by_api = page_save(page, attempt, questions[1]), api_save(api, attempt, questions[2])
    assert by_page.status_code == by_api.status_code == 429
    assert by_page["Retry-After"] == by_api["Retry-After"] == "60"
    assert by_page.json()["error"]["code"] == by_api.json()["error"]["code"] == "throttled"


def test_an_error_without_a_status_of_its_own_is_a_400():
    assert DomainError("Something was wrong.").status == 400


def test_every_json_error_of_the_api_has_the_one_envelope(doors):
    _, _, _, api = doors
    replies = [
        api.get("/api/v1/no-such-endpoint/"),  # Django's 404 page, under /api/
        api.get("/api/v1/attempts/987654/"),  # DRF's NotFound
        api.put("/api/v1/attempts/987654/answers/1/", {}, format="json"),
        api.post("/api/v1/courses/987654/flashcards/undo/"),
        api.get("/api/v1/attempts/", {"q": "a\x00b"}),  # the NUL guard middleware
    ]
    for reply in replies:
        assert reply.status_code in (400, 404), reply.content
        assert set(reply.json()) == {"error"} and set(reply.json()["error"]) == ENVELOPE_KEYS


def test_an_answer_nested_too_deep_to_parse_is_400_and_saves_nothing(doors):
    attempt, questions, _, api = doors
    url = f"/api/v1/attempts/{attempt.pk}/answers/{questions[0].pk}/"
    body = '{"answer": ' + "[" * 2000 + "]" * 2000 + "}"

    reply = api.put(url, body, content_type="application/json")

    assert reply.status_code == 400
    assert reply.json()["error"]["code"] == "parse_error"
    assert set(reply.json()["error"]) == ENVELOPE_KEYS
    assert not ResponseStep.objects.filter(response__attempt=attempt).exists()


def page_check(page: Client, attempt, question):
    version = question.current_version
    return page.post(
        reverse("quizzes:attempt_check", args=[attempt.pk]),
        {"question": str(question.pk), **form_fields(version, wrong_answer(version))},
        HTTP_ACCEPT="application/json",
    )


def api_check(api: APIClient, attempt, question):
    url = f"/api/v1/attempts/{attempt.pk}/answers/{question.pk}/check/"
    return api.post(url, {"answer": wrong_answer(question.current_version)}, format="json")


def test_too_many_practice_checks_are_429_with_retry_after_and_save_nothing(doors, settings):
    settings.ATTEMPT_WRITE_RATE = "2/minute"
    attempt, questions, page, api = doors
    assert api_check(api, attempt, questions[0]).status_code == 200  # its save and its check
    steps = ResponseStep.objects.filter(response__attempt=attempt)
    before = steps.count()

    by_page, by_api = page_check(page, attempt, questions[1]), api_check(api, attempt, questions[2])

    assert by_page.status_code == by_api.status_code == 429
    assert by_page["Retry-After"] == by_api["Retry-After"] == "60"
    assert by_page.json()["error"]["code"] == by_api.json()["error"]["code"] == "throttled"
    assert steps.count() == before
    assert not steps.filter(response__question__in=questions[1:]).exists()
