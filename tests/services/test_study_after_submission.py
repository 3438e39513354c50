"""A submission's flashcards follow it after the commit (quizzes.receivers): the learner gets
their cards, and nothing that goes wrong making them can undo the submission."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from quizzes.models import Attempt, AttemptState, Quiz, ReviewCard
from quizzes.services import study
from quizzes.services.attempts import answers_save, attempt_start, attempt_submit
from quizzes.tasks import make_missed_study_cards
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


def test_an_outage_after_the_commit_logs_one_warning_and_the_sweep_makes_the_cards(
    answered_wrong, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    """The database restarting just after a submission's commit: the submission stands, the
    log has one warning (no traceback), and the worker's sweep gives the learner their card."""
    attempt, learner, question = answered_wrong
    made_after_the_commit = study.study_cards_from_attempt

    def restarting(**kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(study, "study_cards_from_attempt", restarting)
    caplog.set_level(logging.WARNING)
    with django_capture_on_commit_callbacks(execute=True):
        attempt_submit(attempt_id=attempt.pk, user=learner)
    assert Attempt.objects.get(pk=attempt.pk).state == AttemptState.SUBMITTED
    assert not ReviewCard.objects.filter(user=learner).exists()
    assert [record.levelname for record in caplog.records] == ["WARNING"]
    assert f"flashcards of attempt {attempt.pk}: put off by an outage" in caplog.text
    assert "Traceback" not in caplog.text

    monkeypatch.setattr(study, "study_cards_from_attempt", made_after_the_commit)
    assert make_missed_study_cards.call() == 1
    assert list(ReviewCard.objects.filter(user=learner).values_list("question", flat=True)) == [
        question.pk
    ]


def test_the_sweep_looks_back_as_many_hours_as_configured(answered_wrong, settings):
    attempt, learner, _ = answered_wrong
    attempt_submit(attempt_id=attempt.pk, user=learner)  # no commit here: cards never made
    three_hours_ago = timezone.now() - timedelta(hours=3)
    Attempt.objects.filter(pk=attempt.pk).update(submitted_at=three_hours_ago)
    Quiz.objects.filter(pk=attempt.quiz_id).update(updated_at=three_hours_ago)
    settings.STUDY_CARDS_REPAIR_HOURS = 2
    assert make_missed_study_cards.call() == 0
    settings.STUDY_CARDS_REPAIR_HOURS = 4
    assert make_missed_study_cards.call() == 1
