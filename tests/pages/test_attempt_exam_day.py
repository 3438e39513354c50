"""The attempt pages on an exam day (issue #14 items 2, 3, 5, 7, 8): navigation that saves,
the timer and its warnings, flags at submit, honest practice feedback, staff at a review."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes.models import Attempt
from tests.factories import (
    course_with_learner,
    fixed_quiz,
    live_response,
    make_question,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_questions(client):
    """A graded attempt at two questions, one per page, started through the pages."""
    course, learner = course_with_learner()
    client.force_login(learner)
    words = make_question(qtype="short_answer", data={"accepted": ["Bolashak"]}, stem="Name it.")
    order = make_question(
        qtype="ordering",
        data={"items": ["First", "Second", "Third"]},
        stem="Put in order.",
    )
    quiz = fixed_quiz([words, order], article=course.article, layout="one_per_page")
    client.post(reverse("quizzes:quiz_start", args=[course.slug, quiz.pk]))
    return Attempt.objects.get(user=learner, quiz=quiz), words, order


def save_url(attempt: Attempt) -> str:
    return reverse("quizzes:attempt_save", args=[attempt.pk])


def test_question_numbers_and_finish_are_submit_buttons_of_the_attempt_form(client, two_questions):
    attempt, _, _ = two_questions
    html = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert 'form="attempt-form" name="goto" value="2" role="link"' in html
    assert 'form="attempt-form" name="goto" value="submit" role="link"' in html


def test_a_question_number_saves_the_answer_then_goes_to_that_question(client, two_questions):
    attempt, words, _ = two_questions
    reply = client.post(
        save_url(attempt),
        {f"q{words.pk}-present": "1", f"q{words.pk}-text": "Bolashak", "page": "1", "goto": "2"},
    )
    assert reply["Location"].endswith("?page=2")
    assert live_response(attempt, words).answer == {"text": "Bolashak"}


def test_a_navigation_with_an_answer_that_cannot_be_saved_stays_with_it_and_says_why(
    client, two_questions
):
    attempt, _, order = two_questions
    keys = [item["key"] for item in order.current_version.payload["items"]]
    fields = {f"q{order.pk}-present": "1", "page": "2", "goto": "submit"}
    fields.update({f"q{order.pk}-pos-{key}": "1" for key in keys})
    reply = client.post(save_url(attempt), fields, follow=True)
    assert reply.redirect_chain[-1][0].endswith("?page=2")
    html = reply.content.decode()
    assert "Give each item a different position." in html
    assert 'class="alert alert-danger' in html
