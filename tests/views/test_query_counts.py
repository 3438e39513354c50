"""The attempt pages' hot path: queries per request, the session and the user included, stay
within the budget of issue #12 whatever the quiz's size (5 vs 60 questions)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes.models import Attempt, Question, Quiz
from tests.factories import course_with_learner, fixed_quiz, key_answer
from tests.views.helpers import form_fields

pytestmark = pytest.mark.django_db
START_QUERIES = 10  # offer, questions, then one transaction: attempt and responses
PAGE_QUERIES = 6
SAVE_QUERIES = 5  # the responses asked for, then one INSERT of the step
SUBMIT_QUERIES = 12  # lock, read, grades, steps, total, grade outbox, study cards: one transaction


@pytest.fixture(params=[5, 60], ids=["5-questions", "60-questions"])
def quiz(request, client):
    course, learner = course_with_learner()
    client.force_login(learner)
    questions = list(Question.objects.published().order_by("key")[: request.param])
    quiz = fixed_quiz(
        questions, article=course.article, layout="all_on_one_page", time_limit_minutes=60
    )
    return client, course, learner, quiz


@pytest.fixture
def started(quiz):
    client, course, learner, quiz = quiz
    client.post(reverse("quizzes:quiz_start", args=[course.slug, quiz.pk]))
    return client, Attempt.objects.get(user=learner, quiz=quiz)


def test_starting_an_attempt_takes_at_most_ten_queries(quiz, django_assert_max_num_queries):
    client, course, learner, quiz = quiz
    with django_assert_max_num_queries(START_QUERIES):
        reply = client.post(reverse("quizzes:quiz_start", args=[course.slug, quiz.pk]))
    attempt = Attempt.objects.get(user=learner, quiz=quiz)
    assert reply["Location"] == reverse("quizzes:attempt", args=[attempt.pk])
    assert attempt.responses.count() == quiz.slots.count()


def test_the_attempt_page_takes_at_most_six_queries(started, django_assert_max_num_queries):
    client, attempt = started
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get(reverse("quizzes:attempt", args=[attempt.pk])).status_code == 200


def test_an_autosave_is_one_insert_within_five_queries(started, django_assert_max_num_queries):
    client, attempt = started
    response = attempt.responses.select_related("question_version").first()
    data = form_fields(response.question_version, key_answer(response.question_version))
    with django_assert_max_num_queries(SAVE_QUERIES) as captured:
        reply = client.post(
            reverse("quizzes:attempt_save", args=[attempt.pk]), data, HTTP_ACCEPT="application/json"
        )
    assert reply.status_code == 200 and reply.json()["states"] == {
        str(response.question_id): "answered"
    }
    writes = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith("SELECT")]
    assert len(writes) == 1 and writes[0].startswith('INSERT INTO "quizzes_responsestep"')


def test_submitting_takes_at_most_twelve_queries(
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


def test_a_review_whose_key_waits_for_the_last_attempt_takes_at_most_three_more_queries(
    started, django_assert_max_num_queries
):
    """With `review_key_after_last_attempt` on, a submitted attempt's review (the page and the
    API document) reads the learner's courses, accommodations and attempts: three queries."""
    client, attempt = started
    Quiz.objects.filter(pk=attempt.quiz_id).update(
        review_key_after_last_attempt=True, max_attempts=2
    )
    client.post(reverse("quizzes:attempt_submit", args=[attempt.pk]))
    with django_assert_max_num_queries(PAGE_QUERIES + 3):
        html = client.get(reverse("quizzes:attempt_review", args=[attempt.pk])).content.decode()
    assert "appear after your last attempt" in html
    with django_assert_max_num_queries(PAGE_QUERIES + 3):
        assert client.get(f"/api/v1/attempts/{attempt.pk}/").status_code == 200
