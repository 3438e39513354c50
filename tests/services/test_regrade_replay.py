"""Regrade replays each response's steps through its quiz's behaviour with the new key:
practice tries are graded again (and so is what they cost), graded attempts get their last
saved answer graded again, marks given by hand stand, and history is only added to."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from quizzes.models import QuizGrade, ResponseStep, StepKind
from quizzes.qtypes import registry
from quizzes.services.attempts import answer_check, answers_save, attempt_start, attempt_submit
from quizzes.services.authoring import question_create, question_revise
from quizzes.services.grading import quiz_regrade, regrade_plan, response_override_mark
from tests.factories import SectionFactory, course_with_learner, enrol, fixed_quiz

pytestmark = pytest.mark.django_db

STEM = "In which year did the penitentiary move?"
YEARS = ["1995", "2002", "2019"]


def keyed(right: str) -> dict:
    return {"choices": [{"text": year, "correct": year == right} for year in YEARS]}


def choice(question, text: str) -> dict:
    payload = question.current_version.payload
    return {"choice": next(c["key"] for c in payload["choices"] if c["text"] == text)}


def setting(mode: str):
    """A course, its learner, its teacher and a quiz of `mode` on one question keyed 1995,
    in a section of its own (no graded quiz protects it)."""
    section = SectionFactory()
    course, learner = course_with_learner(article=section.article)
    question = question_create(
        section=section,
        qtype="single_choice",
        stem=STEM,
        data=keyed("1995"),
        status="published",
        course=course,
        actor=None,
    )
    quiz = fixed_quiz([question], article=course.article, course=course, mode=mode)
    return course, learner, enrol(course, role="instructor"), quiz, question


@pytest.fixture
def practised():
    """A practice attempt tried 2002, then 2019 (both wrong), then 1995 (right): 0.33."""
    course, learner, teacher, quiz, question = setting("practice")
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    for year in ("2002", "2019", "1995"):
        answer_check(
            attempt_id=attempt.pk,
            user=learner,
            question_id=question.pk,
            raw=choice(question, year),
        )
    attempt = attempt_submit(attempt_id=attempt.pk, user=learner)
    assert attempt.score == Decimal("0.33")
    return course, teacher, quiz, question, attempt


def history(attempt) -> list[tuple]:
    return list(
        ResponseStep.objects.filter(response__attempt=attempt).values_list(
            "seq", "kind", "state", "fraction", "data"
        )
    )


def test_a_practice_try_right_under_the_new_key_earns_the_full_mark(practised):
    course, teacher, quiz, question, attempt = practised
    before = history(attempt)
    question_revise(question=question, stem=STEM, data=keyed("2002"), actor=None)

    regrade = quiz_regrade(quiz=quiz, course=course, actor=teacher)

    attempt.refresh_from_db()
    response = attempt.responses.get()
    assert (regrade.changed_count, attempt.score) == (1, Decimal(1))
    assert (response.state, response.fraction) == ("correct", Decimal(1))
    # The old steps are as they were; one REGRADE step says what the replay found.
    after = history(attempt)
    assert after[:-1] == before
    _, kind, state, fraction, data = after[-1]
    assert (kind, state, fraction) == (StepKind.REGRADE, "correct", Decimal(1))
    assert (data["behaviour"], data["wrong_tries"]) == ("interactive", 0)


def test_a_try_right_under_the_new_key_keeps_the_cost_of_the_wrong_tries_before_it(practised):
    course, teacher, quiz, question, attempt = practised
    question_revise(question=question, stem=STEM, data=keyed("2019"), actor=None)

    quiz_regrade(quiz=quiz, course=course, actor=teacher)

    attempt.refresh_from_db()
    assert attempt.score == Decimal("0.67")
    assert attempt.responses.get().fraction == Decimal("0.66667")


def test_a_practice_quiz_may_be_regraded(practised):
    course, _, quiz, question, attempt = practised
    question_revise(question=question, stem=STEM, data=keyed("2002"), actor=None)
    (change,) = regrade_plan(quiz=quiz, course=course)
    assert (change.attempt, change.old_score, change.new_score) == (
        attempt,
        Decimal("0.33"),
        Decimal(1),
    )


def test_regrading_a_practice_quiz_again_changes_nothing(practised):
    course, teacher, quiz, question, attempt = practised
    question_revise(question=question, stem=STEM, data=keyed("2002"), actor=None)
    quiz_regrade(quiz=quiz, course=course, actor=teacher)
    steps = len(history(attempt))

    again = quiz_regrade(quiz=quiz, course=course, actor=teacher)

    assert again.changed_count == 0 and len(history(attempt)) == steps


def test_a_practice_regrade_moves_the_stored_quiz_grade(practised):
    course, teacher, quiz, question, attempt = practised
    grade = QuizGrade.objects.get(quiz=quiz, user=attempt.user)
    assert grade.percent == Decimal("33.00")
    question_revise(question=question, stem=STEM, data=keyed("2002"), actor=None)

    quiz_regrade(quiz=quiz, course=course, actor=teacher)

    grade.refresh_from_db()
    assert grade.percent == Decimal("100.00")


def test_a_try_that_no_longer_fits_the_new_version_keeps_the_version_it_was_shown(practised):
    course, _, quiz, question, _ = practised
    shown = question.current_version
    # 2002 was tried; the new version drops it, so that try cannot be graded with it.
    question_revise(
        question=question,
        stem=STEM,
        data={"choices": [{"text": "1995", "correct": True}, {"text": "2019"}, {"text": "2025"}]},
        actor=None,
    )
    (change,) = regrade_plan(quiz=quiz, course=course)
    assert not change.changed
    assert change.attempt.responses.get().question_version == shown


def test_a_graded_attempts_regrade_grades_its_last_saved_answer():
    course, learner, teacher, quiz, question = setting("graded")
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    for year in ("2019", "2002"):
        answers_save(
            attempt_id=attempt.pk, user=learner, answers={question.pk: choice(question, year)}
        )
    attempt = attempt_submit(attempt_id=attempt.pk, user=learner)
    assert attempt.score == 0
    new = question_revise(question=question, stem=STEM, data=keyed("2002"), actor=None)

    quiz_regrade(quiz=quiz, course=course, actor=teacher)

    response = attempt.responses.get()
    expected = registry.get(new.qtype).grade(new.payload, response.answer)
    assert response.answer == choice(question, "2002")
    assert (response.state, response.fraction) == (expected.state.value, expected.fraction)
    attempt.refresh_from_db()
    assert attempt.score == 1


def test_a_mark_given_by_hand_stands_through_a_practice_regrade(practised):
    course, teacher, quiz, question, attempt = practised
    response_override_mark(
        attempt_id=attempt.pk, question_id=question.pk, actor=teacher, mark="0.50"
    )
    question_revise(question=question, stem=STEM, data=keyed("2002"), actor=None)

    (change,) = regrade_plan(quiz=quiz, course=course)
    assert [r.pk for r in change.kept] == [attempt.responses.get().pk] and not change.responses
    quiz_regrade(quiz=quiz, course=course, actor=teacher)

    attempt.refresh_from_db()
    response = attempt.responses.get()
    assert (attempt.score, response.score) == (Decimal("0.50"), Decimal("0.50"))
    assert not response.steps.filter(kind=StepKind.REGRADE).exists()


def test_the_dry_run_names_each_question_with_its_mark_before_and_after(client, practised):
    course, teacher, quiz, question, attempt = practised
    question_revise(question=question, stem=STEM, data=keyed("2002"), actor=None)
    client.force_login(teacher)

    html = client.get(reverse("teach:regrade", args=[course.slug, quiz.pk])).content.decode()

    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert f"Q1 “{STEM}”" in text and "0.33 → 1" in text
    attempt.refresh_from_db()
    assert attempt.score == Decimal("0.33")


def test_the_teach_dashboard_offers_a_regrade_of_a_practice_quiz(client, practised):
    course, teacher, quiz, _, _ = practised
    client.force_login(teacher)

    html = client.get(reverse("teach:dashboard", args=[course.slug])).content.decode()

    assert reverse("teach:regrade", args=[course.slug, quiz.pk]) in html
