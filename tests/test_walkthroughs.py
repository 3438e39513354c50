"""Moodle-style stories, one test per story."""

from __future__ import annotations

import pytest

from quizzes.models import Question, ResponseStep
from quizzes.services.attempts import answers_save, attempt_start, attempt_submit
from quizzes.services.authoring import question_revise
from quizzes.services.grading import quiz_regrade
from tests.factories import course_with_learner, enrol, fixed_quiz, key_answer

pytestmark = pytest.mark.django_db


def test_editing_a_question_after_an_attempt_never_changes_that_attempt():
    course, learner = course_with_learner()
    question = Question.objects.get(key="introduction-01")
    quiz = fixed_quiz([question], article=course.article)
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    old = question.current_version
    answers_save(attempt_id=attempt.pk, user=learner, answers={question.pk: key_answer(old)})
    attempt = attempt_submit(attempt_id=attempt.pk, user=learner)
    assert attempt.score == 1

    # The instructor turns the right choice into a wrong one: a new version.
    data = old.type.authoring_data(old.payload)
    for choice in data["choices"]:
        choice["correct"] = (
            not choice["correct"] if choice["correct"] else choice is data["choices"][-1]
        )
    new = question_revise(
        question=question,
        stem=old.stem + " (revised)",
        data=data,
        explanation=old.explanation,
        source_quote=old.source_quote,
        actor=None,
    )
    assert new.number == old.number + 1

    response = attempt.responses.select_related("question_version").get()
    assert response.question_version == old
    assert response.question_version.stem == old.stem and response.score == 1
    attempt.refresh_from_db()
    assert attempt.score == 1
    assert list(ResponseStep.objects.filter(response=response).values_list("kind", flat=True)) == [
        "save",
        "submit",
    ]

    # Regrading moves the answer to the new version and adds a step; nothing is overwritten.
    regrade = quiz_regrade(quiz=quiz, course=course, actor=enrol(course, role="instructor"))
    assert regrade.changed_count == 1
    response.refresh_from_db()
    attempt.refresh_from_db()
    assert response.question_version == new and attempt.score == 0
    history = list(ResponseStep.objects.filter(response=response).values_list("kind", "fraction"))
    assert history == [("save", None), ("submit", 1), ("regrade", 0)]
    old.refresh_from_db()
    assert old.stem == response.question_version.stem.removesuffix(" (revised)")

    # A new attempt shows the new version.
    second = attempt_start(quiz=quiz, user=learner, course=course)
    assert second.responses.get().question_version == new
