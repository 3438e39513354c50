"""A question's first answer in an attempt: on PostgreSQL one statement, no read
(services/answers.py, `_first_answer_saved`). It goes by the version this process saw attempts
get, and the database writes it only where every assumption holds; anything else is decided by
the full save. The rules hold the same on SQLite, where every save reads first."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes.errors import AttemptNotFound, TooManyWrites
from quizzes.models import ResponseStep
from quizzes.selectors.version_store import note_versions_in_use
from quizzes.services.attempts import answers_save
from quizzes.services.authoring import question_revise
from tests.factories import (
    UserFactory,
    key_answer,
    wrong_answer,
)

pytestmark = pytest.mark.django_db


def saves(attempt) -> list[tuple[int, int, dict]]:
    steps = ResponseStep.objects.filter(response__attempt=attempt).order_by("response", "seq")
    return [(s.response.question_id, s.seq, s.data) for s in steps]


def test_a_questions_first_answer_is_one_statement_and_a_changed_answer_reads_first(started):
    attempt, learner, (question, *_) = started
    version = question.current_version

    with CaptureQueriesContext(connection) as first:
        result = answers_save(
            attempt_id=attempt.pk, user=learner, answers={question.pk: wrong_answer(version)}
        )
    with CaptureQueriesContext(connection) as changed:
        answers_save(
            attempt_id=attempt.pk, user=learner, answers={question.pk: key_answer(version)}
        )

    # On SQLite a statement costs no round trip, and a read outside the write lock is cheaper
    # than one inside it: there every save reads first.
    one_statement = connection.vendor == "postgresql"
    assert [q["sql"].split()[0] for q in first.captured_queries] == (
        ["INSERT"] if one_statement else ["SELECT", "INSERT"]
    )
    assert [q["sql"].split()[0] for q in changed.captured_queries] == ["SELECT", "INSERT"]
    assert (result.saved[0].state, result.saved[0].answer) == ("answered", wrong_answer(version))
    assert saves(attempt) == [
        (question.pk, 1, {"answer": wrong_answer(version), "flagged": False}),
        (question.pk, 2, {"answer": key_answer(version), "flagged": False}),
    ]


def test_a_first_answer_is_read_against_the_version_the_attempt_showed(started):
    # The question was edited after the attempt began: new attempts get the new version, and
    # this process saw that, but this attempt keeps the version it showed.
    attempt, learner, (question, *_) = started
    shown = question.current_version
    edited = question_revise(
        question=question,
        stem="When, exactly?",
        data={"choices": [{"text": "1996", "correct": True}, {"text": "2003"}, {"text": "2020"}]},
        actor=UserFactory(is_superuser=True, is_staff=True),
    )
    note_versions_in_use([(question.pk, edited.pk)])
    assert key_answer(edited) != key_answer(shown)

    only_for_edited = answers_save(
        attempt_id=attempt.pk, user=learner, answers={question.pk: key_answer(edited)}
    )
    for_shown = answers_save(
        attempt_id=attempt.pk, user=learner, answers={question.pk: key_answer(shown)}
    )

    assert question.pk in only_for_edited.errors and not only_for_edited.saved
    assert (for_shown.saved[0].state, for_shown.errors) == ("answered", {})
    assert saves(attempt) == [(question.pk, 1, {"answer": key_answer(shown), "flagged": False})]


def test_a_first_answer_to_another_learners_attempt_writes_nothing(started):
    attempt, _, (question, *_) = started
    stranger = UserFactory()

    with pytest.raises(AttemptNotFound):
        answers_save(
            attempt_id=attempt.pk,
            user=stranger,
            answers={question.pk: key_answer(question.current_version)},
        )

    assert saves(attempt) == []


def test_a_first_answer_past_the_write_limit_is_refused_and_writes_nothing(started, settings):
    settings.ATTEMPT_WRITE_RATE = "1/minute"
    attempt, learner, (first, second, _) = started
    answers_save(
        attempt_id=attempt.pk, user=learner, answers={first.pk: key_answer(first.current_version)}
    )

    with pytest.raises(TooManyWrites):
        answers_save(
            attempt_id=attempt.pk,
            user=learner,
            answers={second.pk: key_answer(second.current_version)},
        )

    assert [question for question, _, _ in saves(attempt)] == [first.pk]


def test_a_first_answer_that_gives_nothing_writes_nothing(started):
    attempt, learner, (question, *_) = started

    result = answers_save(attempt_id=attempt.pk, user=learner, answers={question.pk: None})

    assert (result.errors, saves(attempt)) == ({}, [])
