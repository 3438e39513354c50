"""Regrade that respects history (issue #14 item 4): the review shows the wording the learner
answered with a note of what changed and when, the dry run names each question with its marks
before and after, learners are told their grade changed, and marks given by hand stand."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from quizzes.services.attempts import answers_save, attempt_start, attempt_submit
from quizzes.services.authoring import question_create, question_revise
from quizzes.services.grading import (
    attempt_override_grade,
    quiz_regrade,
    regrade_plan,
    response_override_mark,
)
from tests.factories import SectionFactory, course_with_learner, enrol, fixed_quiz

pytestmark = pytest.mark.django_db

OLD_STEM = "Which year did the article give for the law?"
NEW_STEM = "In which year was the law on domestic violence passed?"
WRONG_KEY = {"choices": [{"text": "2017", "correct": True}, {"text": "2009"}, {"text": "2020"}]}
FIXED_KEY = {"choices": [{"text": "2017"}, {"text": "2009", "correct": True}, {"text": "2020"}]}


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def answered():
    """A learner answered 2009 (right by the article) to a question keyed 2017 by mistake."""
    section = SectionFactory()
    course, learner = course_with_learner(article=section.article)
    question = question_create(
        section=section,
        qtype="single_choice",
        stem=OLD_STEM,
        data=WRONG_KEY,
        status="published",
        course=course,
        actor=None,
    )
    quiz = fixed_quiz([question], article=course.article, course=course)
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    key_2009 = next(
        c["key"] for c in question.current_version.payload["choices"] if c["text"] == "2009"
    )
    answers_save(attempt_id=attempt.pk, user=learner, answers={question.pk: {"choice": key_2009}})
    attempt = attempt_submit(attempt_id=attempt.pk, user=learner)
    assert attempt.score == 0
    return course, quiz, question, attempt, enrol(course, role="instructor")


def corrected(answered) -> None:
    course, quiz, question, _attempt, teacher = answered
    question_revise(question=question, stem=NEW_STEM, data=FIXED_KEY, actor=None)
    quiz_regrade(quiz=quiz, course=course, actor=teacher)


def test_the_learners_review_shows_the_wording_they_answered_and_what_changed(client, answered):
    corrected(answered)
    attempt = answered[3]
    client.force_login(attempt.user)
    text = text_of(
        client.get(reverse("quizzes:attempt_review", args=[attempt.pk])).content.decode()
    )
    question_html = text[text.index("Question 1") :]
    assert OLD_STEM in question_html.split("Your answer")[0]
    assert "Your answer 2009" in question_html and "Right answer 2009" in question_html
    assert "the wording, the right answer changed" in question_html
    assert f"it now reads: “{NEW_STEM}”" in question_html
    assert "Regraded on" in text and "your mark changed from 0 to 1" in text
    assert "1 / 1" in text


def test_the_api_review_shows_the_wording_the_learner_answered(answered):
    corrected(answered)
    attempt = answered[3]
    api = APIClient()
    api.force_authenticate(attempt.user)
    document = api.get(f"/api/v1/attempts/{attempt.pk}/").json()
    (question,) = document["questions"]
    assert question["stem"] == OLD_STEM
    assert question["review"]["correct"] == ["2009"] and document["score"] == "1.00"


def test_an_attempt_never_regraded_shows_no_notice(client, answered):
    attempt = answered[3]
    client.force_login(attempt.user)
    html = client.get(reverse("quizzes:attempt_review", args=[attempt.pk])).content.decode()
    assert "grade-notices" not in html and "Corrected on" not in html


def test_the_dry_run_names_each_question_with_its_mark_before_and_after(client, answered):
    course, quiz, question, attempt, teacher = answered
    question_revise(question=question, stem=NEW_STEM, data=FIXED_KEY, actor=None)
    (change,) = regrade_plan(quiz=quiz, course=course)
    (response_change,) = change.responses
    assert (response_change.response.position, response_change.old_mark) == (1, Decimal(0))
    assert response_change.new_mark == Decimal(1) and response_change.moves_version
    client.force_login(teacher)
    html = client.get(reverse("teach:regrade", args=[course.slug, quiz.pk])).content.decode()
    assert f"Q1 “{OLD_STEM}” (version 1 → 2): 0 → <strong>1</strong>" in html
    assert reverse("teach:attempt", args=[course.slug, attempt.pk]) in html


def test_a_mark_given_by_hand_stands_through_a_regrade(answered):
    course, quiz, question, attempt, teacher = answered
    response_override_mark(
        attempt_id=attempt.pk, question_id=question.pk, actor=teacher, mark="0.5", comment="Half"
    )
    question_revise(question=question, stem=NEW_STEM, data=FIXED_KEY, actor=None)
    (change,) = regrade_plan(quiz=quiz, course=course)
    assert not change.responses and [r.question_id for r in change.kept] == [question.pk]
    quiz_regrade(quiz=quiz, course=course, actor=teacher)
    attempt.refresh_from_db()
    response = attempt.responses.get()
    assert attempt.score == Decimal("0.5") and response.score == Decimal("0.5")
    assert response.steps.filter(kind="regrade").count() == 0


def test_a_grade_given_by_hand_stands_through_a_regrade(answered):
    course, quiz, question, attempt, teacher = answered
    attempt_override_grade(attempt_id=attempt.pk, actor=teacher, score="0", comment="Copied")
    question_revise(question=question, stem=NEW_STEM, data=FIXED_KEY, actor=None)
    (change,) = regrade_plan(quiz=quiz, course=course)
    assert change.grade_kept and change.new_score == 0 and len(change.responses) == 1
    quiz_regrade(quiz=quiz, course=course, actor=teacher)
    attempt.refresh_from_db()
    assert attempt.score == 0 and attempt.responses.get().score == 1


def test_the_staff_page_shows_the_answered_wording_and_the_correction(client, answered):
    corrected(answered)
    course, _quiz, _question, attempt, teacher = answered
    client.force_login(teacher)
    html = client.get(reverse("teach:attempt", args=[course.slug, attempt.pk])).content.decode()
    text = text_of(html)
    assert OLD_STEM in text and f"it now reads: “{NEW_STEM}”" in text
    assert "Regraded" in text and "the mark changed from 0 to 1" in text
    assert text.count("version 1") >= 1


def test_a_learner_whose_quiz_shows_no_review_is_still_told_the_grade_changed(client, answered):
    _course, quiz, _question, attempt, _teacher = answered
    quiz.review_timing = "never"
    quiz.save(update_fields=["review_timing"])
    corrected(answered)
    client.force_login(attempt.user)
    text = text_of(
        client.get(reverse("quizzes:attempt_review", args=[attempt.pk])).content.decode()
    )
    assert "your mark changed from 0 to 1" in text
    assert OLD_STEM not in text and NEW_STEM not in text
