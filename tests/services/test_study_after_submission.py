"""A submission's flashcards follow it after the commit (quizzes.receivers): the learner gets
their cards, and nothing that goes wrong making them can undo the submission."""

from __future__ import annotations

import logging

import pytest

from quizzes.models import Attempt, AttemptState, ReviewCard
from quizzes.services import study
from quizzes.services.attempts import answers_save, attempt_start, attempt_submit
from tests.factories import (
    ArticleFactory,
    course_with_learner,
    fixed_quiz,
    make_question,
    wrong_answer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered_wrong():
    course, learner = course_with_learner(article=ArticleFactory())
    question = make_question()
    quiz = fixed_quiz([question], course=course)
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    answers_save(
        attempt_id=attempt.pk,
        user=learner,
        answers={question.pk: wrong_answer(question.current_version)},
    )
    return attempt, learner, question


def test_a_submission_gives_the_learner_cards_once_it_has_committed(
    answered_wrong, django_capture_on_commit_callbacks
):
    attempt, learner, question = answered_wrong
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        attempt_submit(attempt_id=attempt.pk, user=learner)
        assert not ReviewCard.objects.filter(user=learner).exists()  # not before the commit
    assert len(callbacks) == 1
    assert list(ReviewCard.objects.filter(user=learner).values_list("question", flat=True)) == [
        question.pk
    ]


def test_a_failure_making_cards_leaves_the_submission_whole(
    answered_wrong, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    attempt, learner, _ = answered_wrong

    def broken(**kwargs):
        raise RuntimeError("cards broke")

    monkeypatch.setattr(study, "study_cards_from_attempt", broken)
    caplog.set_level(logging.ERROR)
    with django_capture_on_commit_callbacks(execute=True):
        result = attempt_submit(attempt_id=attempt.pk, user=learner)
    assert result.state == AttemptState.SUBMITTED
    assert Attempt.objects.get(pk=attempt.pk).state == AttemptState.SUBMITTED
    assert not ReviewCard.objects.filter(user=learner).exists()
    assert "cards broke" in caplog.text
