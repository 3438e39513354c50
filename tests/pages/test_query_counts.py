"""Queries per request stay constant as quizzes grow (5 vs 60 questions)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes.models import Attempt, Question
from tests.factories import course_with_learner, fixed_quiz, key_answer
from tests.pages.test_attempt_pages import form_fields

pytestmark = pytest.mark.django_db
PAGE_QUERIES = 12
SAVE_QUERIES = 14
SUBMIT_QUERIES = 16  # grading, steps, totals and the study cards made after commit


@pytest.fixture(params=[5, 60], ids=["5-questions", "60-questions"])
def started(request, client):
    course, learner = course_with_learner()
    client.force_login(learner)
    questions = list(Question.objects.published().order_by("key")[: request.param])
    quiz = fixed_quiz(
        questions, article=course.article, layout="all_on_one_page", time_limit_minutes=60
    )
    client.post(reverse("quizzes:quiz_start", args=[course.slug, quiz.pk]))
    return client, Attempt.objects.get(user=learner, quiz=quiz)


def test_the_attempt_page_makes_a_fixed_number_of_queries(started, django_assert_max_num_queries):
    client, attempt = started
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get(reverse("quizzes:attempt", args=[attempt.pk])).status_code == 200


def test_an_autosave_makes_a_fixed_number_of_queries(started, django_assert_max_num_queries):
    client, attempt = started
    response = attempt.responses.select_related("question_version").first()
    data = form_fields(response.question_version, key_answer(response.question_version))
    with django_assert_max_num_queries(SAVE_QUERIES):
        reply = client.post(
            reverse("quizzes:attempt_save", args=[attempt.pk]), data, HTTP_ACCEPT="application/json"
        )
    assert reply.status_code == 200


def test_submitting_makes_a_fixed_number_of_queries(
    started, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    client, attempt = started
    with (
        django_assert_max_num_queries(SUBMIT_QUERIES),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(reverse("quizzes:attempt_submit", args=[attempt.pk]))
    attempt.refresh_from_db()
    assert attempt.state == "submitted"


def test_the_review_makes_a_fixed_number_of_queries(started, django_assert_max_num_queries):
    client, attempt = started
    client.post(reverse("quizzes:attempt_submit", args=[attempt.pk]))
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get(reverse("quizzes:attempt_review", args=[attempt.pk])).status_code == 200
