"""response_rows.attempt_with_responses and submission_check: the submission's reads."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes.models import ResponseStep, StepKind
from quizzes.selectors.response_rows import (
    attempt_with_responses,
    open_attempt_responses,
    saved_steps,
    submission_check,
)
from quizzes.selectors.version_store import versions_by_id
from tests.factories import make_attempt, make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt():
    return make_attempt(questions=[make_question(stem=f"Question {n}?") for n in range(3)])


def test_the_attempt_its_quiz_course_and_responses_are_one_query(attempt):
    versions_by_id(attempt.responses.values_list("question_version_id", flat=True))
    with CaptureQueriesContext(connection) as read:
        found, responses = attempt_with_responses(attempt_id=attempt.pk, user_id=attempt.user_id)
    assert len(read.captured_queries) == 1
    assert (found.pk, found.quiz.pk, found.course.pk) == (
        attempt.pk,
        attempt.quiz_id,
        attempt.course_id,
    )
    alone = open_attempt_responses(attempt, wrong_tries=True)
    assert [(r.pk, r.question_version.stem, r.last_seq) for r in responses] == [
        (r.pk, r.question_version.stem, r.last_seq) for r in alone
    ]


def test_versions_not_kept_yet_are_read_in_one_more_query_then_kept(attempt):
    with CaptureQueriesContext(connection) as cold:
        _found, responses = attempt_with_responses(attempt_id=attempt.pk, user_id=attempt.user_id)
    with CaptureQueriesContext(connection) as warm:
        attempt_with_responses(attempt_id=attempt.pk, user_id=attempt.user_id)
    assert (len(cold.captured_queries), len(warm.captured_queries)) == (2, 1)
    assert [r.question_version.stem for r in responses] == [f"Question {n}?" for n in range(3)]


def test_each_response_gets_its_own_version_instance(attempt):
    first = open_attempt_responses(attempt)
    second = open_attempt_responses(attempt)
    assert first[0].question_version == second[0].question_version
    assert first[0].question_version is not second[0].question_version


def test_another_learners_attempt_is_not_read(attempt):
    other = make_attempt()
    assert attempt_with_responses(attempt_id=attempt.pk, user_id=other.user_id) is None
    assert submission_check(attempt_id=attempt.pk, user_id=other.user_id) is None


def test_every_saved_step_moves_the_check(attempt):
    def check():
        found, steps = submission_check(attempt_id=attempt.pk, user_id=attempt.user_id)
        return found.state, found.deadline, steps

    responses = open_attempt_responses(attempt)
    before = check()
    assert (
        before
        == (attempt.state, attempt.deadline, saved_steps(responses))
        == (
            "in_progress",
            attempt.deadline,
            0,
        )
    )
    first = responses[0]
    for seq in (1, 2):
        ResponseStep.objects.create(response=first, seq=seq, kind=StepKind.SAVE, data={})
        assert check()[2] == seq == saved_steps(open_attempt_responses(attempt))
    ResponseStep.objects.create(response=responses[1], seq=1, kind=StepKind.SAVE, data={})
    assert check()[2] == 3 == saved_steps(open_attempt_responses(attempt))
