"""A half-filled question is "partially answered" at every door: the page's save, its
navigation's state and count, and the API's answer; a full one is "answered"."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from quizzes.models import Attempt, Question
from tests.factories import course_with_learner, fixed_quiz, make_question

pytestmark = pytest.mark.django_db

PAIRS = [{"left": "A", "right": "1"}, {"left": "B", "right": "2"}, {"left": "C", "right": "3"}]


@pytest.fixture
def matching_attempt(client):
    """A learner's open attempt at one matching question of three pairs."""
    course, learner = course_with_learner()
    client.force_login(learner)
    question = make_question(qtype="matching", data={"pairs": PAIRS})
    quiz = fixed_quiz([question], article=course.article)
    client.post(reverse("quizzes:quiz_start", args=[course.slug, quiz.pk]))
    return Attempt.objects.get(user=learner, quiz=quiz), question, learner


def pair_fields(question: Question, matched: int) -> dict[str, str]:
    """The page's fields with the first `matched` items paired right, the rest left open."""
    p = f"q{question.pk}-"
    lefts = question.current_version.payload["lefts"]
    fields = {f"{p}present": "1"}
    for n, left in enumerate(lefts):
        fields[f"{p}pair-{left['key']}"] = left["match"] if n < matched else ""
    return fields


def save(client, attempt: Attempt, fields: dict[str, str]):
    return client.post(
        reverse("quizzes:attempt_save", args=[attempt.pk]), fields, HTTP_ACCEPT="application/json"
    )


def test_a_half_filled_matching_is_partially_answered_on_the_page(client, matching_attempt):
    attempt, question, _ = matching_attempt
    reply = save(client, attempt, pair_fields(question, 1))
    assert reply.json()["states"] == {str(question.pk): "incomplete"}
    page = client.get(reverse("quizzes:attempt", args=[attempt.pk]))
    [view] = page.context["views"]
    assert view.state_label == "partially answered" and not view.is_answered
    assert page.context["answered"] == 0


def test_a_fully_matched_question_is_answered_on_the_page(client, matching_attempt):
    attempt, question, _ = matching_attempt
    reply = save(client, attempt, pair_fields(question, 3))
    assert reply.json()["states"] == {str(question.pk): "answered"}
    page = client.get(reverse("quizzes:attempt", args=[attempt.pk]))
    [view] = page.context["views"]
    assert view.state_label == "answered" and view.is_answered
    assert page.context["answered"] == 1


def test_the_api_says_partially_answered_until_every_pair_is_matched(client, matching_attempt):
    attempt, question, learner = matching_attempt
    api = APIClient()
    api.force_authenticate(learner)
    lefts = question.current_version.payload["lefts"]
    url = f"/api/v1/attempts/{attempt.pk}/answers/{question.pk}/"
    half = {"pairs": {lefts[0]["key"]: lefts[0]["match"]}}
    assert api.put(url, {"answer": half}, format="json").json()["state"] == "incomplete"
    [shown] = api.get(f"/api/v1/attempts/{attempt.pk}/").json()["questions"]
    assert (shown["answer"], shown["answer_state"]) == (half, "incomplete")
    full = {"pairs": {left["key"]: left["match"] for left in lefts}}
    assert api.put(url, {"answer": full}, format="json").json()["state"] == "answered"
    [shown] = api.get(f"/api/v1/attempts/{attempt.pk}/").json()["questions"]
    assert shown["answer_state"] == "answered"
