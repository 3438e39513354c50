"""Taking a quiz through the pages: start, save (form and autosave), submit, review, history."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from quizzes.models import Attempt, Quiz
from tests.factories import (
    UserFactory,
    course_with_learner,
    enrol,
    fixed_quiz,
    key_answer,
    live_response,
    make_question,
)
from tests.views.helpers import form_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def exam(client):
    course, learner = course_with_learner()
    client.force_login(learner)
    quiz = Quiz.objects.get(key="final-exam")
    response = client.post(reverse("quizzes:quiz_start", args=[course.slug, quiz.pk]))
    attempt = Attempt.objects.get(user=learner)
    assert response.status_code == 302 and response["Location"] == reverse(
        "quizzes:attempt", args=[attempt.pk]
    )
    return course, learner, quiz, attempt


def test_the_course_home_lists_sections_with_progress_and_the_exam(client):
    course, learner = course_with_learner()
    client.force_login(learner)
    html = client.get(reverse("quizzes:course", args=[course.slug])).content.decode()
    assert html.count('role="progressbar"') == 9
    assert "Final exam" in html and "Practice quiz" in html
    assert client.get("/").status_code == 302


def test_the_quiz_page_states_its_rules(client):
    course, learner = course_with_learner()
    client.force_login(learner)
    quiz = Quiz.objects.get(key="final-exam")
    html = client.get(reverse("quizzes:quiz", args=[course.slug, quiz.pk])).content.decode()
    assert "36 minutes" in html and "2 (2 left)" in html and "60%" in html and "18" in html


def test_one_question_per_page_with_navigation_and_progress(client, exam):
    _, _, _, attempt = exam
    html = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert html.count('class="card mb-3 question"') == 1
    assert html.count('class="btn btn-sm btn-outline-secondary') == 18
    assert "0 of 18 answered" in html
    assert 'role="timer"' in html


def test_saving_through_the_form_keeps_the_answer_on_reload(client, exam):
    _, _, _, attempt = exam
    response = attempt.responses.select_related("question_version").get(position=1)
    answer = key_answer(response.question_version)
    data = {"page": "1", "goto": "2", **form_fields(response.question_version, answer)}
    reply = client.post(reverse("quizzes:attempt_save", args=[attempt.pk]), data)
    assert reply.status_code == 302 and reply["Location"].endswith("?page=2")
    response = live_response(attempt, response.question)
    assert response.answer is not None and response.state == "answered"
    html = client.get(reverse("quizzes:attempt", args=[attempt.pk]) + "?page=1").content.decode()
    assert "1 of 18 answered" in html
    if response.question_version.qtype in ("short_answer", "numeric"):
        typed = answer.get("text", answer.get("value"))
        assert f'value="{typed}"' in html
    else:
        assert re.search(r"(checked|selected)", html)


def test_autosave_answers_with_json_and_reports_errors(client, exam):
    _, _, _, attempt = exam
    response = next(
        r
        for r in attempt.responses.select_related("question_version").order_by("position")
        if r.question_version.qtype != "short_answer"  # free text cannot be malformed
    )
    url = reverse("quizzes:attempt_save", args=[attempt.pk])
    ok = client.post(
        url,
        form_fields(response.question_version, key_answer(response.question_version)),
        HTTP_ACCEPT="application/json",
    )
    assert ok.status_code == 200
    assert ok.json()["saved"] == [response.question_id]
    assert ok.json()["states"] == {str(response.question_id): "answered"}
    bad = client.post(
        url,
        {
            f"q{response.question_id}-present": "1",
            f"q{response.question_id}-choice": "zzz",
            f"q{response.question_id}-choices": "zzz",
            f"q{response.question_id}-value": "not a number",
            f"q{response.question_id}-pos-zzz": "1",
            f"q{response.question_id}-pair-zzz": "y",
        },
        HTTP_ACCEPT="application/json",
    )
    assert bad.status_code == 400 and str(response.question_id) in bad.json()["errors"]
    assert live_response(attempt, response.question).answer == key_answer(response.question_version)


def test_submit_asks_for_confirmation_with_the_unanswered_count(client, exam):
    _, _, _, attempt = exam
    html = client.get(reverse("quizzes:attempt_submit", args=[attempt.pk])).content.decode()
    assert "18 of 18 questions are not answered" in html
    assert Attempt.objects.get(pk=attempt.pk).state == "in_progress"


def test_submitting_twice_grades_once_and_shows_the_review(client, exam):
    _, _, _, attempt = exam
    for response in attempt.responses.select_related("question_version"):
        client.post(
            reverse("quizzes:attempt_save", args=[attempt.pk]),
            form_fields(response.question_version, key_answer(response.question_version)),
        )
    url = reverse("quizzes:attempt_submit", args=[attempt.pk])
    first = client.post(url)
    second = client.post(url)
    assert first.status_code == second.status_code == 302
    attempt.refresh_from_db()
    assert attempt.score == 18 and attempt.percent == 100
    html = client.get(reverse("quizzes:attempt_review", args=[attempt.pk])).content.decode()
    assert "Passed" in html and "18 / 18" in html
    # The Final exam's right answers wait for the learner's last attempt (one is left).
    assert "Right answer</dt>" not in html and "?highlight=" not in html
    assert "appear after your last attempt" in html
    assert client.get(reverse("quizzes:attempt", args=[attempt.pk])).status_code == 302


def test_the_review_link_highlights_the_cited_passage(client, exam, imported_article):
    course, learner, quiz, attempt = exam
    client.post(reverse("quizzes:attempt_submit", args=[attempt.pk]))
    # The Final exam's review shows its passages once both attempts are used.
    client.post(reverse("quizzes:quiz_start", args=[course.slug, quiz.pk]))
    last = Attempt.objects.get(user=learner, number=2)
    client.post(reverse("quizzes:attempt_submit", args=[last.pk]))
    html = client.get(reverse("quizzes:attempt_review", args=[attempt.pk])).content.decode()
    link = re.search(r'href="(/articles/[^"]+\?highlight=[^"]+)#passage"', html).group(1)
    section = client.get(link.replace("&amp;", "&")).content.decode()
    assert 'id="passage" class="highlighted-passage"' in section
    assert "<mark>" in section


def test_another_learner_gets_404_for_every_attempt_url(client, exam):
    course, _, _, attempt = exam
    other = Client()
    other.force_login(enrol(course))
    for name in ("attempt", "attempt_submit", "attempt_review"):
        assert other.get(reverse(f"quizzes:{name}", args=[attempt.pk])).status_code == 404
    for name in ("attempt_save", "attempt_check", "attempt_submit"):
        assert other.post(reverse(f"quizzes:{name}", args=[attempt.pk]), {}).status_code == 404
    attempt.refresh_from_db()
    assert attempt.state == "in_progress"


def test_writes_need_a_csrf_token(exam):
    _, learner, _, attempt = exam
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(learner)
    assert strict.post(reverse("quizzes:attempt_submit", args=[attempt.pk])).status_code == 403
    attempt.refresh_from_db()
    assert attempt.state == "in_progress"


def test_pages_need_login_and_membership(client):
    course, _ = course_with_learner()
    quiz = Quiz.objects.get(key="final-exam")
    assert client.get(reverse("quizzes:quiz", args=[course.slug, quiz.pk])).status_code == 302
    client.force_login(UserFactory())
    assert client.get(reverse("quizzes:quiz", args=[course.slug, quiz.pk])).status_code == 404
    assert (
        client.post(reverse("quizzes:quiz_start", args=[course.slug, quiz.pk])).status_code == 404
    )


def test_my_attempts_lists_score_state_best_and_last(client, exam):
    course, _, _, attempt = exam
    client.post(reverse("quizzes:attempt_submit", args=[attempt.pk]))
    html = client.get(reverse("quizzes:my_attempts", args=[course.slug])).content.decode()
    assert "Final exam" in html and "Submitted" in html and "0 / 18 (0%)" in html
    assert "Best: <strong>0%" in html


@pytest.fixture
def practice(client):
    """A practice attempt, through the pages, at a question no graded quiz protects."""
    course, learner = course_with_learner()
    client.force_login(learner)
    question = make_question()
    quiz = fixed_quiz([question], article=course.article, mode="practice")
    client.post(reverse("quizzes:quiz_start", args=[course.slug, quiz.pk]))
    return Attempt.objects.get(user=learner, quiz=quiz), question


def test_practice_check_through_the_page(client, practice):
    attempt, question = practice
    version = question.current_version
    fields = {"question": str(question.pk), **form_fields(version, key_answer(version))}
    reply = client.post(
        reverse("quizzes:attempt_check", args=[attempt.pk]), fields, HTTP_ACCEPT="application/json"
    )
    assert reply.status_code == 200 and reply.json()["state"] == "correct"
    assert reply.json()["explanation"] == version.explanation
    html = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert version.explanation.replace("'", "&#x27;")[:40] in html and "disabled" in html


def autosave(client, attempt, fields):
    return client.post(
        reverse("quizzes:attempt_save", args=[attempt.pk]), fields, HTTP_ACCEPT="application/json"
    )


def test_flagging_a_question_checked_right_keeps_its_answer(client, practice):
    attempt, question = practice
    version = question.current_version
    fields = {"question": str(question.pk), **form_fields(version, key_answer(version))}
    client.post(reverse("quizzes:attempt_check", args=[attempt.pk]), fields)
    html = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert f'name="q{question.pk}-keep-answer"' in html
    # What the page sends once the answer's inputs are disabled: the markers and the flag.
    reply = autosave(
        client,
        attempt,
        {
            f"q{question.pk}-present": "1",
            f"q{question.pk}-keep-answer": "1",
            f"q{question.pk}-flag": "1",
        },
    )
    assert reply.status_code == 200 and reply.json()["states"] == {str(question.pk): "correct"}
    response = live_response(attempt, question)
    assert response.is_flagged and response.answer == key_answer(version)


def test_a_blank_short_answer_on_the_page_is_not_answered(client):
    course, learner = course_with_learner()
    client.force_login(learner)
    question = make_question(qtype="short_answer", data={"accepted": ["Bolashak"]})
    quiz = fixed_quiz([question], article=course.article)
    client.post(reverse("quizzes:quiz_start", args=[course.slug, quiz.pk]))
    attempt = Attempt.objects.get(user=learner, quiz=quiz)
    p = f"q{question.pk}-"
    assert autosave(client, attempt, {f"{p}present": "1", f"{p}text": "Bolashak"}).json()[
        "states"
    ] == {str(question.pk): "answered"}
    reply = autosave(client, attempt, {f"{p}present": "1", f"{p}text": "   "})
    assert reply.json()["states"] == {str(question.pk): "unanswered"}
    html = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert "0 of 1 answered" in html and live_response(attempt, question).answer is None


def test_a_nul_character_in_a_short_answer_is_refused_by_the_page(client):
    course, learner = course_with_learner()
    client.force_login(learner)
    question = make_question(qtype="short_answer", data={"accepted": ["Bolashak"]})
    quiz = fixed_quiz([question], article=course.article)
    client.post(reverse("quizzes:quiz_start", args=[course.slug, quiz.pk]))
    attempt = Attempt.objects.get(user=learner, quiz=quiz)
    p = f"q{question.pk}-"
    reply = autosave(client, attempt, {f"{p}present": "1", f"{p}text": "Bola\x00shak"})
    assert reply.status_code == 400 and reply.json()["error"]["code"] == "nul_character"
    form = client.post(
        reverse("quizzes:attempt_save", args=[attempt.pk]),
        {f"{p}present": "1", f"{p}text": "\x00", "page": "1"},
    )
    assert form.status_code == 400
    assert live_response(attempt, question).answer is None
    assert not attempt.responses.get().steps.exists()


@pytest.mark.parametrize("name", ["q²-flag", "q١٢-flag", "q" + "9" * 30 + "-flag", "q-flag"])
def test_a_superscript_digit_in_an_answer_field_name_is_ignored_not_a_500(client, practice, name):
    attempt, question = practice
    p = f"q{question.pk}-"
    fields = {name: "1", f"{p}present": "1", f"{p}flag": "1"}
    saved = autosave(client, attempt, fields)
    assert saved.status_code == 200 and saved.json()["saved"] == [question.pk]
    form = client.post(reverse("quizzes:attempt_save", args=[attempt.pk]), {name: "1"})
    assert form.status_code == 302
    checked = client.post(
        reverse("quizzes:attempt_check", args=[attempt.pk]), {name: "1", "question": "0"}
    )
    assert checked.status_code == 302
    response = live_response(attempt, question)
    assert response.is_flagged and response.answer is None


def test_a_malformed_answer_field_name_on_another_learners_attempt_is_a_404_not_a_500(practice):
    attempt, _ = practice
    stranger = Client()
    stranger.force_login(UserFactory())
    reply = stranger.post(reverse("quizzes:attempt_save", args=[attempt.pk]), {"q²-flag": "1"})
    assert reply.status_code == 404


@pytest.mark.parametrize("flag_before", [False, True])
def test_a_refused_answer_on_the_page_does_not_save_its_flag(client, practice, flag_before):
    attempt, question = practice
    p = f"q{question.pk}-"
    save_url = reverse("quizzes:attempt_save", args=[attempt.pk])
    if flag_before:
        client.post(save_url, {f"{p}present": "1", f"{p}flag": "1", "page": "1"})
    # Unchecked, a browser sends no flag field at all: the post asks to clear a set flag. A
    # position that is no number is refused while the page's fields are read, before the save.
    refused = {f"{p}present": "1", f"{p}pos-a": "first", "page": "1"}
    if not flag_before:
        refused[f"{p}flag"] = "1"
    reply = client.post(save_url, refused)
    assert reply.status_code == 302 and reply["Location"].endswith("?page=1")
    response = live_response(attempt, question)
    assert response.is_flagged is flag_before and response.answer is None
    autosaved = autosave(client, attempt, refused)
    assert autosaved.status_code == 400 and str(question.pk) in autosaved.json()["errors"]
    assert live_response(attempt, question).is_flagged is flag_before


def test_a_refused_answer_on_the_practice_check_page_does_not_save_its_flag(client, practice):
    attempt, question = practice
    p = f"q{question.pk}-"
    client.post(
        reverse("quizzes:attempt_check", args=[attempt.pk]),
        {"question": str(question.pk), f"{p}present": "1", f"{p}pos-a": "first", f"{p}flag": "1"},
    )
    response = live_response(attempt, question)
    assert not response.is_flagged and response.answer is None


def test_starting_attempts_too_fast_on_the_page_is_a_429_with_retry_after_not_a_500(
    client, settings
):
    settings.ATTEMPT_WRITE_RATE = "2/minute"
    course, learner = course_with_learner()
    client.force_login(learner)
    quiz = fixed_quiz([make_question()], article=course.article)
    start_url = reverse("quizzes:quiz_start", args=[course.slug, quiz.pk])
    for _ in range(2):
        assert client.post(start_url).status_code == 302
        attempt = Attempt.objects.get(user=learner, state="in_progress")
        client.post(reverse("quizzes:attempt_submit", args=[attempt.pk]))
    refused = client.post(start_url)
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert "Too many changes in a short time" in refused.content.decode()
    assert Attempt.objects.filter(user=learner).count() == 2
    by_script = client.post(start_url, HTTP_ACCEPT="application/json")
    assert by_script.status_code == 429 and by_script["Retry-After"] == "60"
    assert by_script.json()["error"]["code"] == "throttled"


@pytest.mark.parametrize("question_id", ["99999999999999999999", "-99999999999999999999"])
def test_a_check_of_a_question_id_past_64_bits_is_refused_not_a_500(client, practice, question_id):
    attempt, question = practice
    checked = client.post(
        reverse("quizzes:attempt_check", args=[attempt.pk]),
        {"question": question_id},
        HTTP_ACCEPT="application/json",
    )
    assert checked.status_code in (400, 404)
    assert not live_response(attempt, question).steps.exists()
