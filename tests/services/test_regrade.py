"""Regrade after a key is fixed: dry run, apply, who and when, history intact."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from quizzes.models import Regrade, ResponseStep
from quizzes.services.attempts import answers_save, attempt_start, attempt_submit
from quizzes.services.authoring import question_create, question_revise
from quizzes.services.grading import quiz_regrade, regrade_plan
from tests.factories import SectionFactory, course_with_learner, enrol, fixed_quiz

pytestmark = pytest.mark.django_db

WRONG_KEY = {
    "choices": [
        {"text": "2017", "correct": True},  # the mistake: the article says 2009
        {"text": "2009"},
        {"text": "2020"},
    ]
}
FIXED_KEY = {"choices": [{"text": "2017"}, {"text": "2009", "correct": True}, {"text": "2020"}]}


@pytest.fixture
def submitted():
    section = SectionFactory()
    course, learner = course_with_learner(article=section.article)
    question = question_create(
        section=section,
        qtype="single_choice",
        stem="Which year?",
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
    return course, quiz, question, attempt


def test_the_dry_run_lists_score_changes_and_writes_nothing(submitted):
    course, quiz, question, attempt = submitted
    question_revise(question=question, stem="Which year?", data=FIXED_KEY, actor=None)
    steps = ResponseStep.objects.count()
    (change,) = regrade_plan(quiz=quiz, course=course)
    assert (change.old_score, change.new_score) == (Decimal(0), Decimal(1))
    attempt.refresh_from_db()
    assert (
        attempt.score == 0
        and ResponseStep.objects.count() == steps
        and not Regrade.objects.exists()
    )


def test_applying_the_regrade_records_who_when_and_keeps_the_history(submitted):
    course, quiz, question, attempt = submitted
    teacher = enrol(course, role="instructor")
    old_version = question.current_version
    new_version = question_revise(question=question, stem="Which year?", data=FIXED_KEY, actor=None)
    regrade = quiz_regrade(quiz=quiz, course=course, actor=teacher)
    assert (regrade.created_by, regrade.attempt_count, regrade.changed_count) == (teacher, 1, 1)
    assert regrade.changes == [
        {
            "attempt": attempt.pk,
            "learner": attempt.user.username,
            "old_score": "0.00",
            "new_score": "1.00",
        }
    ]
    attempt.refresh_from_db()
    response = attempt.responses.get()
    assert (
        attempt.score == 1
        and response.state == "correct"
        and response.question_version == new_version
    )
    steps = list(response.steps.values_list("kind", "fraction", "data"))
    assert [s[0] for s in steps] == ["save", "submit", "regrade"]
    assert steps[1][1] == Decimal(0) and steps[2][1] == Decimal(1)
    assert steps[2][2]["from_version"] == old_version.pk
    again = quiz_regrade(quiz=quiz, course=course, actor=teacher)
    assert again.changed_count == 0 and response.steps.count() == 3


def test_an_answer_that_no_longer_fits_keeps_its_version(submitted):
    course, quiz, question, _ = submitted
    question_revise(
        question=question,
        stem="Which year?",
        data={
            "choices": [
                {"text": "2017"},
                {"text": "two thousand nine", "correct": True},
                {"text": "2020"},
            ]
        },
        actor=None,
    )
    (change,) = regrade_plan(quiz=quiz, course=course)
    assert not change.changed


def test_the_regrade_page_shows_the_dry_run_then_applies(client, submitted):
    course, quiz, question, attempt = submitted
    client.force_login(enrol(course, role="instructor"))
    question_revise(question=question, stem="Which year?", data=FIXED_KEY, actor=None)
    url = reverse("teach:regrade", args=[course.slug, quiz.pk])
    html = client.get(url).content.decode()
    assert "1 of 1 attempt would change" in html
    attempt.refresh_from_db()
    assert attempt.score == 0
    client.post(url)
    attempt.refresh_from_db()
    assert attempt.score == 1
    assert "0 of 1 attempt would change" in client.get(url).content.decode()
