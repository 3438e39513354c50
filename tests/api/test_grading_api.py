"""POST /api/v1/courses/{id}/attempts/{id}/override/: a mark or grade given by hand, with the
error envelope for every refusal, and nothing changed by a refused call."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from quizzes.models import AttemptGradeOverride, ResponseStep
from quizzes.services.attempts import answers_save, attempt_start, attempt_submit
from quizzes.services.tokens import token_create
from tests.factories import CourseFactory, enrol, fixed_quiz, key_answer, make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    course = CourseFactory()
    learner = enrol(course)
    questions = [make_question(stem="One?"), make_question(stem="Two?")]
    quiz = fixed_quiz(questions, course=course)
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    answers_save(
        attempt_id=attempt.pk,
        user=learner,
        answers={questions[0].pk: key_answer(questions[0].current_version)},
    )
    attempt = attempt_submit(attempt_id=attempt.pk, user=learner)
    api = APIClient()
    api.force_authenticate(enrol(course, role="instructor"))
    url = f"/api/v1/courses/{course.pk}/attempts/{attempt.pk}/override/"
    return api, url, attempt, questions


def test_a_questions_mark_is_given_by_hand(setting):
    api, url, _attempt, questions = setting
    reply = api.post(
        url, {"question": questions[1].pk, "mark": "0.5", "comment": "Nearly"}, format="json"
    )
    assert reply.status_code == 200, reply.content
    body = reply.json()
    assert body["score"] == "1.50" and body["percent"] == "75.00"
    assert body["graded_by_hand"] is False
    assert body["questions"][1] == {
        "id": questions[1].pk,
        "position": 2,
        "state": "partial",
        "score": "0.50",
        "max_mark": "1.00",
    }


def test_a_comment_alone_and_the_attempts_grade_then_withdrawn(setting):
    api, url, _attempt, questions = setting
    reply = api.post(
        url, {"question": questions[0].pk, "mark": None, "comment": "Well done"}, format="json"
    )
    assert reply.status_code == 200 and reply.json()["score"] == "1.00"
    reply = api.post(url, {"mark": "2", "comment": "Oral exam"}, format="json")
    assert reply.json()["score"] == "2.00" and reply.json()["graded_by_hand"] is True
    reply = api.post(url, {"mark": None}, format="json")
    assert reply.json()["score"] == "1.00" and reply.json()["graded_by_hand"] is False
    assert AttemptGradeOverride.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"mark": "2.5"}, 400, "invalid_mark", "mark"),
        ({"question": 0, "mark": "1"}, 400, "invalid", "question"),
        ({"mark": "abc"}, 400, "invalid", "mark"),
        ({"mark": "0.125"}, 400, "invalid", "mark"),
        ({"mark": "-1"}, 400, "invalid", "mark"),
        ({"comment": "no mark"}, 400, "invalid", "mark"),
        ({"mark": "1", "comment": "a\x00b"}, 400, "nul_character", "comment"),
        ({"mark": None}, 400, "nothing_given", "mark"),
        ({"question": 987654, "mark": "1"}, 404, "not_found", None),
    ],
)
def test_a_refused_call_has_the_envelope_and_changes_nothing(setting, body, status, code, field):
    api, url, attempt, _questions = setting
    reply = api.post(url, body, format="json")
    assert reply.status_code == status, reply.content
    error = reply.json()["error"]
    assert (error["code"], error["field"]) == (code, field)
    attempt.refresh_from_db()
    assert attempt.score == 1 and not AttemptGradeOverride.objects.exists()
    assert not ResponseStep.objects.filter(kind__in=["manual_grade", "comment"]).exists()


def test_an_open_attempt_is_a_conflict(setting):
    api, _url, attempt, questions = setting
    course = attempt.course
    open_attempt = attempt_start(
        quiz=fixed_quiz(questions, course=course), user=attempt.user, course=course
    )
    reply = api.post(
        f"/api/v1/courses/{course.pk}/attempts/{open_attempt.pk}/override/",
        {"mark": "1"},
        format="json",
    )
    assert reply.status_code == 409 and reply.json()["error"]["code"] == "attempt_open"


def test_a_read_only_token_cannot_grade(setting):
    _api, url, attempt, _questions = setting
    teacher = enrol(attempt.course, role="instructor")
    _token, secret = token_create(user=teacher, name="reader", scope="read", actor=teacher)
    reader = APIClient()
    reader.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert reader.post(url, {"mark": "2"}, format="json").status_code == 403
    attempt.refresh_from_db()
    assert attempt.score == Decimal(1)
