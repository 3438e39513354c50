"""Statements sent together (PostgreSQL's pipeline mode): what they write, how they fail, and
the submission's writes travelling with its read of the stored grade."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from psycopg import pq

from quizzes.models import QuizGrade, ResponseStep, StepKind
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.pipelined import pipelined
from quizzes.services.row_writes import insert_new
from tests.factories import (
    SectionFactory,
    course_with_learner,
    fixed_quiz,
    make_attempt,
    make_question,
)

pytestmark = pytest.mark.django_db


def step(response, seq: int) -> ResponseStep:
    return ResponseStep(response=response, seq=seq, kind=StepKind.SAVE, data={}, state="answered")


def test_rows_inserted_without_keys_are_written_and_given_no_key():
    response = make_attempt(questions=[make_question(SectionFactory())]).responses.get()
    new = [step(response, 101), step(response, 102)]

    with transaction.atomic(), pipelined(ResponseStep):
        insert_new(new, read_keys=False)

    assert [s.pk for s in new] == [None, None]
    assert sorted(response.steps.filter(seq__gt=100).values_list("seq", flat=True)) == [101, 102]


def test_a_broken_statement_sent_together_fails_as_a_django_error_and_writes_nothing():
    response = make_attempt(questions=[make_question(SectionFactory())]).responses.get()
    insert_new([step(response, 7)])
    reached_end_of_block = False

    with pytest.raises(IntegrityError), transaction.atomic(), pipelined(ResponseStep):
        insert_new([step(response, 8)], read_keys=False)
        insert_new([step(response, 7)], read_keys=False)  # (response, seq) is taken
        reached_end_of_block = True

    # PostgreSQL sends both when the block ends and raises there; SQLite raises at once.
    assert reached_end_of_block is (connection.vendor == "postgresql")
    assert list(response.steps.filter(seq__in=[7, 8]).values_list("seq", flat=True)) == [7]


def _round_trips(trace: str) -> list[str]:
    """The client's messages of each round trip in a libpq trace (one per turn: what the
    client sent before the server's answers)."""
    turns, current, answering = [], [], False
    for line in trace.splitlines():
        if line.startswith("F\t"):
            if answering and current:
                turns.append("\n".join(current))
                current = []
            answering = False
            current.append(line)
        elif line.startswith("B\t"):
            answering = True
    if current:
        turns.append("\n".join(current))
    return turns


def _traced(action: Callable[[], Any]) -> tuple[Any, list[str]]:
    """What `action` returns, and the round trips it made to PostgreSQL (libpq's trace)."""
    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    with tempfile.TemporaryFile("w+") as trace:
        pgconn.trace(trace.fileno())
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
        try:
            result = action()
        finally:
            pgconn.untrace()
        trace.seek(0)
        return result, _round_trips(trace.read().replace('\\"', '"'))


def test_a_submission_sends_its_writes_with_the_read_of_the_stored_grade():
    section = SectionFactory()
    course, learner = course_with_learner(article=section.article)
    questions = [make_question(section, stem=f"Q{n}?") for n in range(3)]
    quiz = fixed_quiz(questions, article=course.article, mode="graded")
    attempt = attempt_start(quiz=quiz, user=learner, course=course)

    if connection.vendor == "postgresql":
        _, turns = _traced(lambda: attempt_submit(attempt_id=attempt.pk, user=learner))
        together = [t for t in turns if 'UPDATE "quizzes_response"' in t]
        assert len(together) == 1
        assert 'INSERT INTO "quizzes_responsestep"' in together[0]
        assert 'UPDATE "quizzes_attempt"' in together[0]
        assert 'FROM "quizzes_quizgrade"' in together[0]
        # The block ends in that round trip too (its rows fetched after it): no turn of the
        # submission sends nothing but the pipeline's Sync.
        assert all("\tBind\t" in turn or "\tQuery\t" in turn for turn in turns), turns
    else:
        with CaptureQueriesContext(connection) as queries:
            attempt_submit(attempt_id=attempt.pk, user=learner)
        sent = [q["sql"] for q in queries.captured_queries]
        first_write = next(n for n, sql in enumerate(sent) if sql.startswith("UPDATE"))
        assert sent[first_write].startswith('UPDATE "quizzes_response"')
        assert sent[first_write + 1].startswith('INSERT INTO "quizzes_responsestep"')
        assert sent[first_write + 2].startswith('UPDATE "quizzes_attempt"')
        assert 'FROM "quizzes_quizgrade"' in sent[first_write + 3]

    grade = QuizGrade.objects.get(quiz=quiz, user=learner)
    assert grade.percent == Decimal("0.00") and grade.attempt_count == 1
    assert ResponseStep.objects.filter(response__attempt=attempt, kind=StepKind.SUBMIT).count() == 3


def test_a_start_reads_its_offer_and_the_quizs_slots_in_one_round_trip():
    section = SectionFactory()
    course, learner = course_with_learner(article=section.article)
    quiz = fixed_quiz([make_question(section, stem="Q?")], article=course.article, mode="graded")

    if connection.vendor == "postgresql":
        attempt, turns = _traced(lambda: attempt_start(quiz=quiz, user=learner, course=course))
        together = [t for t in turns if 'FROM "quizzes_quizslot"' in t]
        assert len(together) == 1 and 'FROM "quizzes_quiz" q' in together[0]
    else:
        with CaptureQueriesContext(connection) as queries:
            attempt = attempt_start(quiz=quiz, user=learner, course=course)
        sent = [q["sql"] for q in queries.captured_queries]
        assert 'FROM "quizzes_quizslot"' in sent[1] and 'FROM "quizzes_quiz" q' in sent[0]

    assert attempt.responses.count() == 1
