"""The attempt pages on an exam day (issue #14 items 2, 3, 5, 7, 8): navigation that saves,
the timer and its warnings, flags at submit, honest practice feedback, staff at a review."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt
from tests.factories import (
    course_with_learner,
    fixed_quiz,
    key_answer,
    live_response,
    make_question,
    wrong_answer,
)
from tests.pages.test_attempt_pages import form_fields

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


def test_the_review_of_an_attempt_closed_by_its_deadline_says_time_ran_out(client, two_questions):
    attempt, words, _ = two_questions
    client.post(save_url(attempt), {f"q{words.pk}-present": "1", f"q{words.pk}-text": "Bolashak"})
    # Started 40 minutes ago with half an hour to go: the time ran out ten minutes ago.
    started = timezone.now() - timedelta(minutes=40)
    deadline = started + timedelta(minutes=30)
    Attempt.objects.filter(pk=attempt.pk).update(started_at=started, deadline=deadline)
    html = client.get(reverse("quizzes:attempt_review", args=[attempt.pk])).content.decode()
    local = timezone.localtime(deadline).strftime("%H:%M")
    assert f"Time ran out at {local}; your saved answers were submitted." in html
    assert "took" not in html
    assert "1 / 2" in html  # the saved answer counted


def test_a_review_submitted_in_time_says_how_long_it_took(client, two_questions):
    attempt, _, _ = two_questions
    client.post(reverse("quizzes:attempt_submit", args=[attempt.pk]))
    html = client.get(reverse("quizzes:attempt_review", args=[attempt.pk])).content.decode()
    assert "Time ran out" not in html and "took 0" in html


def test_the_submit_page_lists_flagged_and_unanswered_questions_with_links(client, two_questions):
    attempt, words, order = two_questions
    client.post(
        save_url(attempt),
        {
            f"q{words.pk}-present": "1",
            f"q{words.pk}-text": "Bolashak",
            f"q{words.pk}-flag": "1",
            f"q{order.pk}-present": "1",
            f"q{order.pk}-flag": "1",
        },
    )
    html = client.get(reverse("quizzes:attempt_submit", args=[attempt.pk])).content.decode()
    page = reverse("quizzes:attempt", args=[attempt.pk])
    flagged = html[html.index('id="flagged-list"') :]
    assert "You flagged 2 questions for later" in flagged
    assert f'<a class="alert-link" href="{page}?page=1#q{words.pk}">Question 1</a></li>' in flagged
    assert (
        f'<a class="alert-link" href="{page}?page=2#q{order.pk}">Question 2</a> (not answered)</li>'
        in flagged
    )
    unanswered = html[html.index('id="unanswered-list"') : html.index('id="flagged-list"')]
    assert f'href="{page}?page=2#q{order.pk}">question 2</a>' in unanswered
    assert "question 1<" not in unanswered


def test_the_submit_page_lists_no_flags_when_none_is_set(client, two_questions):
    attempt, _, _ = two_questions
    html = client.get(reverse("quizzes:attempt_submit", args=[attempt.pk])).content.decode()
    assert 'id="flagged-list"' not in html and 'id="unanswered-list"' in html


def test_a_practice_check_without_javascript_keeps_a_flag_set_with_it_and_the_pages_answers(
    client,
):
    course, learner = course_with_learner()
    client.force_login(learner)
    year, words = (
        make_question(),
        make_question(qtype="short_answer", data={"accepted": ["Bolashak"]}),
    )
    quiz = fixed_quiz(
        [year, words], article=course.article, mode="practice", layout="all_on_one_page"
    )
    client.post(reverse("quizzes:quiz_start", args=[course.slug, quiz.pk]))
    attempt = Attempt.objects.get(user=learner, quiz=quiz)
    version = year.current_version
    fields = {
        "question": str(year.pk),
        "page": "1",
        **form_fields(version, wrong_answer(version)),
        f"q{year.pk}-flag": "1",
        f"q{words.pk}-present": "1",
        f"q{words.pk}-text": "Bolashak",
    }
    reply = client.post(reverse("quizzes:attempt_check", args=[attempt.pk]), fields)
    assert reply.status_code == 302
    checked = live_response(attempt, year)
    assert checked.state == "wrong" and checked.is_flagged
    assert live_response(attempt, words).answer == {"text": "Bolashak"}
    # A right answer on the next try keeps the flag too.
    fields.update(form_fields(version, key_answer(version)))
    client.post(reverse("quizzes:attempt_check", args=[attempt.pk]), fields)
    checked = live_response(attempt, year)
    assert checked.state == "correct" and checked.is_flagged
