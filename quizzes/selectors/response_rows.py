"""The hot reads of an exam's responses, written in SQL: every autosave, attempt page and
submission (the start's offer is `offer_rows`).

The ORM spends more time building these queries (the joins, the last step of each response,
the recent writes) than the database spends running them, so they are written once here and
loaded through the same field converters the ORM uses. They read only what their callers
need; anything else on the instances they return is deferred (read on access), never a silent
default. Each response comes with its last step as `last_seq`, `last_kind`, `last_state` and
`last_data` (see `delivery.as_live`).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import connection

from ..models import (
    Attempt,
    Course,
    Quiz,
    Response,
    ResponseState,
    ResponseStep,
    StepKind,
)
from .sql_rows import all_fields, columns, load, quoted, sent, split
from .version_store import versions_by_id

RESPONSE = [
    "id",
    "attempt_id",
    "position",
    "question_id",
    "question_version_id",
    "max_mark",
    "choice_order",
    "answer",
    "state",
    "fraction",
    "score",
    "is_flagged",
]
ATTEMPT = ["id", "quiz_id", "user_id", "course_id", "state", "deadline", "submitted_at"]
QUIZ = ["id", "mode"]
STEP = ["s.seq", "s.kind", "s.state", "s.data"]


def _last_step_join() -> str:
    """LEFT JOIN the last step of response r as s (the (response, seq) index answers both)."""
    steps = quoted(ResponseStep)
    return (
        f"LEFT JOIN {steps} s ON s.response_id = r.id AND s.seq = "
        f"(SELECT MAX(m.seq) FROM {steps} m WHERE m.response_id = r.id) "
    )


def _with_last_step(response: Response, values: Sequence[Any]) -> Response:
    seq, kind, state, data = values
    response.last_seq, response.last_kind, response.last_state = seq, kind, state
    response.last_data = json.loads(data) if isinstance(data, str) else data
    return response


@functools.lru_cache(maxsize=256)
def _responses_to_save_sql(vendor: str, question_count: int) -> str:
    """The SQL of `responses_to_save` for this many questions (built once: every save runs it)."""
    select = [
        *columns(Response, "r", RESPONSE),
        *columns(Attempt, "a", ATTEMPT),
        *columns(Quiz, "q", QUIZ),
        *STEP,
        f"(SELECT COUNT(*) FROM {quoted(ResponseStep)} w JOIN {quoted(Response)} wr "
        "ON wr.id = w.response_id WHERE wr.attempt_id = a.id AND w.created_at >= %s)",
    ]
    return (
        f"SELECT {', '.join(select)} FROM {quoted(Response)} r "
        f"JOIN {quoted(Attempt)} a ON a.id = r.attempt_id "
        f"JOIN {quoted(Quiz)} q ON q.id = a.quiz_id "
        f"{_last_step_join()}"
        f"WHERE r.attempt_id = %s AND a.user_id = %s "
        f"AND r.question_id IN ({', '.join(['%s'] * question_count)}) ORDER BY r.position"
    )


def responses_to_save(
    *, attempt_id: int, user_id: int, question_ids: Iterable[int], writes_since: datetime
) -> list[Response]:
    """The user's responses to these questions in this attempt, in position order, each with
    its attempt (and quiz mode), its version, its last step, and as `recent_writes` how many
    steps the attempt got since `writes_since` (one query)."""
    ids = list(question_ids)
    sql = _responses_to_save_sql(connection.vendor, len(ids))
    since = connection.ops.adapt_datetimefield_value(writes_since)
    with connection.cursor() as cursor:
        cursor.execute(sql, [since, attempt_id, user_id, *ids])
        rows = cursor.fetchall()
    responses = []
    for row in rows:
        values = split(row, [len(RESPONSE), len(ATTEMPT), len(QUIZ), 4, 1])
        response = load(Response, RESPONSE, values[0])
        attempt = load(Attempt, ATTEMPT, values[1])
        attempt.quiz = load(Quiz, QUIZ, values[2])
        response.attempt = attempt
        response.recent_writes = values[4][0]
        responses.append(_with_last_step(response, values[3]))
    return _with_versions(responses)


def open_attempt_responses(attempt: Attempt, *, wrong_tries: bool = False) -> list[Response]:
    """Every response of an attempt, in position order, with its version and its last step
    (one query): what an attempt page and the API's attempt document show. `wrong_tries`
    adds how many practice checks of each were not right (as `wrong_tries`)."""
    return responses_of(attempt, open_attempt_responses_sent(attempt.pk, wrong_tries=wrong_tries)())


def open_attempt_responses_sent(
    attempt_id: int, *, wrong_tries: bool = False
) -> Callable[[], list[Sequence[Any]]]:
    """Send the read of `open_attempt_responses` now and return what fetches its rows (for
    `responses_of`): sent inside a `services.pipelined` block, it travels with the block's
    other statements, and is fetched after the block."""
    sql = (
        f"SELECT {', '.join(_response_columns(wrong_tries))} FROM {quoted(Response)} r "
        f"{_last_step_join()}WHERE r.attempt_id = %s ORDER BY r.position"
    )
    return sent(sql, [attempt_id])


def responses_of(attempt: Attempt, rows: list[Sequence[Any]]) -> list[Response]:
    """The responses of `open_attempt_responses_sent`'s rows, with their versions."""
    return _with_versions([_response_of(attempt, row) for row in rows])


def attempt_with_responses(
    *, attempt_id: int, user_id: int
) -> tuple[Attempt, list[Response]] | None:
    """The user's attempt with its quiz and course, and every response of it as
    `open_attempt_responses(wrong_tries=True)` gives them (one query; no row lock). None when
    the user has no such attempt, or it has no responses."""
    sql, attempt_names, quiz_names, course_names = _attempt_with_responses_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [attempt_id, user_id])
        rows = cursor.fetchall()
    if not rows:
        return None
    sizes = [len(attempt_names), len(quiz_names), len(course_names)]
    attempt_values, quiz_values, course_values = split(rows[0], sizes)
    attempt = load(Attempt, attempt_names, attempt_values)
    attempt.quiz = load(Quiz, quiz_names, quiz_values)
    attempt.course = load(Course, course_names, course_values) if attempt.course_id else None
    skip = sum(sizes)
    return attempt, _with_versions([_response_of(attempt, row[skip:]) for row in rows])


@functools.lru_cache(maxsize=4)
def _attempt_with_responses_sql(
    vendor: str,
) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The SQL of `attempt_with_responses` and the fields it reads of the attempt, the quiz and
    the course (built once: every submission runs it)."""
    attempt_names = all_fields(Attempt)
    quiz_names, course_names = all_fields(Quiz), all_fields(Course)
    sql = (
        f"SELECT {', '.join(columns(Attempt, 'a', attempt_names))}, "
        f"{', '.join(columns(Quiz, 'q', quiz_names))}, "
        f"{', '.join(columns(Course, 'co', course_names))}, "
        f"{', '.join(_response_columns(True))} FROM {quoted(Attempt)} a "
        f"JOIN {quoted(Quiz)} q ON q.id = a.quiz_id "
        f"LEFT JOIN {quoted(Course)} co ON co.id = a.course_id "
        f"JOIN {quoted(Response)} r ON r.attempt_id = a.id "
        f"{_last_step_join()}WHERE a.id = %s AND a.user_id = %s ORDER BY r.position"
    )
    return sql, attempt_names, quiz_names, course_names


def _response_columns(wrong_tries: bool) -> list[str]:
    tries = (
        f"(SELECT COUNT(*) FROM {quoted(ResponseStep)} c WHERE c.response_id = r.id "
        f"AND c.kind = '{StepKind.CHECK.value}' AND c.state <> '{ResponseState.CORRECT.value}')"
    )
    return [
        *columns(Response, "r", RESPONSE),
        *STEP,
        tries if wrong_tries else "0",
    ]


def _response_of(attempt: Attempt, row: Sequence[Any]) -> Response:
    values = split(row, [len(RESPONSE), 4, 1])
    response = load(Response, RESPONSE, values[0])
    response.attempt = attempt
    response.wrong_tries = values[2][0]
    return _with_last_step(response, values[1])


def _with_versions(responses: list[Response]) -> list[Response]:
    """The responses, each with its question version from the process's kept versions
    (`version_store`): a version never changes, so none is read or decoded again here."""
    versions = versions_by_id(response.question_version_id for response in responses)
    for response in responses:
        response.question_version = versions[response.question_version_id]
    return responses


SUBMISSION_CHECK = ["id", "state", "deadline"]


@functools.lru_cache(maxsize=4)
def _submission_check_sql(vendor: str) -> str:
    steps, responses = quoted(ResponseStep), quoted(Response)
    return (
        f"SELECT {', '.join(columns(Attempt, 'a', SUBMISSION_CHECK))}, "
        f"(SELECT COALESCE(SUM(x.last_seq), 0) FROM (SELECT MAX(s.seq) AS last_seq "
        f"FROM {steps} s JOIN {responses} r ON r.id = s.response_id "
        f"WHERE r.attempt_id = %s GROUP BY s.response_id) x) "
        f"FROM {quoted(Attempt)} a WHERE a.id = %s AND a.user_id = %s"
    )


def submission_check(*, attempt_id: int, user_id: int) -> tuple[Attempt, int] | None:
    """The user's attempt's state and deadline (as an Attempt of those fields), and the sum of
    its responses' last step numbers, which every saved answer or flag raises (steps are only
    appended): enough to tell that nothing changed since its responses were read (one query).
    None when the user has no such attempt."""
    with connection.cursor() as cursor:
        cursor.execute(_submission_check_sql(connection.vendor), [attempt_id, attempt_id, user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    return load(Attempt, SUBMISSION_CHECK, row[:-1]), row[-1]


def saved_steps(responses: Iterable[Response]) -> int:
    """The sum of these responses' last step numbers, as `submission_check` counts it."""
    return sum(response.last_seq or 0 for response in responses)
