"""The attempt pages on an exam day (issue #14 items 2, 3, 5, 7, 8): navigation that saves,
the timer and its warnings, flags at submit, honest practice feedback, staff at a review."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt
from tests.factories import (
    UserFactory,
    course_with_learner,
    enrol,
    fixed_quiz,
    key_answer,
    live_response,
    make_question,
    wrong_answer,
)
from tests.views.helpers import form_fields

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


@pytest.fixture
def practice_pair(client):
    """A practice attempt at two questions, one per page, started through the pages."""
    course, learner = course_with_learner()
    client.force_login(learner)
    first, second = make_question(), make_question(stem="Then?")
    quiz = fixed_quiz(
        [first, second], article=course.article, mode="practice", layout="one_per_page"
    )
    client.post(reverse("quizzes:quiz_start", args=[course.slug, quiz.pk]))
    return Attempt.objects.get(user=learner, quiz=quiz), first, second


def check(client, attempt, question, answer, **extra):
    fields = {"question": str(question.pk), **form_fields(question.current_version, answer)}
    return client.post(reverse("quizzes:attempt_check", args=[attempt.pk]), fields, **extra)


def check_json(client, attempt, question, answer) -> dict:
    reply = check(client, attempt, question, answer, HTTP_ACCEPT="application/json")
    assert reply.status_code == 200, reply.content
    return reply.json()


def test_the_practice_page_states_the_penalty_rule_before_the_first_try(client, practice_pair):
    attempt, _, _ = practice_pair
    html = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert 'id="practice-rule"' in html
    assert "Each wrong try takes a third of the question&#x27;s mark off" in html
    assert "after three wrong tries a right answer still shows the explanation" in html


def test_a_graded_page_states_no_practice_rule(client, two_questions):
    attempt, _, _ = two_questions
    html = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert 'id="practice-rule"' not in html


def test_a_right_answer_after_two_wrong_tries_says_the_mark_it_earned(client, practice_pair):
    attempt, first, _ = practice_pair
    version = first.current_version
    wrong = check_json(client, attempt, first, wrong_answer(version))
    assert wrong["verdict"] == (
        "Incorrect. Change your answer and check again: a right answer now earns 0.67 of 1 mark."
    )
    assert wrong["tone"] == "danger"
    check_json(client, attempt, first, wrong_answer(version))
    right = check_json(client, attempt, first, key_answer(version))
    assert right["verdict"] == "Correct — 0.33 of 1 mark after two wrong tries."
    assert right["tone"] == "info" and right["score"] == "0.33"
    # The page, reloaded, says the same (the wrong tries are read with the responses).
    html = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert '<div class="alert alert-info mb-0">' in html
    assert "Correct — 0.33 of 1 mark after two wrong tries." in html


def test_a_right_answer_worth_nothing_after_three_wrong_tries_does_not_look_like_success(
    client, practice_pair
):
    attempt, first, _ = practice_pair
    version = first.current_version
    for _ in range(3):
        last = check_json(client, attempt, first, wrong_answer(version))
    assert last["verdict"] == (
        "Incorrect. A right answer now earns no marks, but checking it still shows the explanation."
    )
    right = check_json(client, attempt, first, key_answer(version))
    assert right["verdict"] == "Correct, but no marks: 0 of 1 mark after three wrong tries."
    assert right["tone"] == "warning"
    html = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert "alert-success" not in html
    assert "Correct, but no marks: 0 of 1 mark after three wrong tries." in html


def test_a_right_answer_at_the_first_try_earns_full_marks_in_green(client, practice_pair):
    attempt, first, _ = practice_pair
    right = check_json(client, attempt, first, key_answer(first.current_version))
    assert right["verdict"] == "Correct — 1 of 1 mark." and right["tone"] == "success"


def test_next_past_a_question_answered_right_goes_on_without_a_message(client, practice_pair):
    attempt, first, _ = practice_pair
    version = first.current_version
    check(client, attempt, first, key_answer(version))
    # A stale page (another tab) still sends another answer to the locked question.
    fields = {**form_fields(version, wrong_answer(version)), "page": "1", "goto": "2"}
    reply = client.post(save_url(attempt), fields, follow=True)
    assert reply.redirect_chain[-1][0].endswith("?page=2")
    html = reply.content.decode()
    assert "already answered" not in html and "alert-danger" not in html
    assert live_response(attempt, first).answer == key_answer(version)


def test_the_wrong_tries_cost_the_practice_page_no_query(client, practice_pair):
    attempt, first, second = practice_pair
    url = reverse("quizzes:attempt", args=[attempt.pk])

    def page_queries() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return [q["sql"] for q in captured.captured_queries]

    before = page_queries()
    for question in (first, second):
        check(client, attempt, question, wrong_answer(question.current_version))
    after = page_queries()
    assert len(after) == len(before)
    # One read of the responses, their last steps and wrong tries together.
    assert len([sql for sql in after if 'FROM "quizzes_response" r' in sql]) == 1


def submitted_attempt(client, course, learner) -> Attempt:
    question = make_question()
    quiz = fixed_quiz([question], article=course.article, course=course, is_published=True)
    client.force_login(learner)
    client.post(reverse("quizzes:quiz_start", args=[course.slug, quiz.pk]))
    attempt = Attempt.objects.get(user=learner, quiz=quiz)
    client.post(reverse("quizzes:attempt_submit", args=[attempt.pk]))
    return attempt


def test_an_instructor_opening_a_learners_review_lands_on_the_staff_view(client):
    course, learner = course_with_learner()
    attempt = submitted_attempt(client, course, learner)
    client.force_login(enrol(course, role="instructor"))
    reply = client.get(reverse("quizzes:attempt_review", args=[attempt.pk]))
    assert reply.status_code == 302
    assert reply["Location"] == reverse("teach:attempt", args=[course.slug, attempt.pk])
    assert client.get(reply["Location"]).status_code == 200


def test_a_site_admin_opening_a_learners_review_lands_on_the_staff_view(client):
    course, learner = course_with_learner()
    attempt = submitted_attempt(client, course, learner)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    reply = client.get(reverse("quizzes:attempt_review", args=[attempt.pk]))
    assert reply["Location"] == reverse("teach:attempt", args=[course.slug, attempt.pk])


def test_an_instructor_of_another_course_gets_404_for_a_learners_review(client):
    course, learner = course_with_learner()
    attempt = submitted_attempt(client, course, learner)
    other, _ = course_with_learner()
    client.force_login(enrol(other, role="instructor"))
    assert client.get(reverse("quizzes:attempt_review", args=[attempt.pk])).status_code == 404
    client.force_login(enrol(course))  # a fellow learner of the course
    assert client.get(reverse("quizzes:attempt_review", args=[attempt.pk])).status_code == 404


def test_a_review_of_no_attempt_is_404_for_staff_too(client):
    course, _ = course_with_learner()
    client.force_login(enrol(course, role="instructor"))
    assert client.get(reverse("quizzes:attempt_review", args=[987654])).status_code == 404
