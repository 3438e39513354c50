"""The hot reads of an exam, written in SQL: every start, autosave and page of an attempt.

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
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Model

from ..models import (
    Accommodation,
    AccommodationGroup,
    Attempt,
    AttemptState,
    Course,
    Enrolment,
    Quiz,
    Response,
    ResponseState,
    ResponseStep,
    StepKind,
)
from ..permissions import platform_switched_off_sql
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
ACCOMMODATION = [
    "id",
    "group",
    "quiz",
    "extra_minutes",
    "time_multiplier",
    "extra_attempts",
    "closes_at",
]
ATTEMPT = ["id", "quiz_id", "user_id", "course_id", "state", "deadline", "submitted_at"]
QUIZ = ["id", "mode"]
STEP = ["s.seq", "s.kind", "s.state", "s.data"]


def _quoted(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _columns(model: type[Model], alias: str, names: Sequence[str]) -> list[str]:
    meta = model._meta
    return [f"{alias}.{connection.ops.quote_name(meta.get_field(n).column)}" for n in names]


@functools.cache
def _loader(model: type[Model], names: tuple[str, ...], vendor: str):
    """How to load `names` of `model` on this database: each column's converters (the ORM's)
    and where each value goes in the model's field order; built once per process."""
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    converters = [
        (
            field.cached_col,
            connection.ops.get_db_converters(field.cached_col)
            + field.get_db_converters(connection),
        )
        for field in fields
    ]
    attnames = [field.attname for field in fields]
    order = [f.attname for f in meta.concrete_fields if f.attname in attnames]
    positions = [attnames.index(attname) for attname in order]
    return converters, order, positions


def _load(model: type[Model], names: Sequence[str], values: Sequence[Any]) -> Model:
    """An instance from raw column values, converted as the ORM converts them."""
    converters, order, positions = _loader(model, tuple(names), connection.vendor)
    converted = []
    for value, (column, functions) in zip(values, converters, strict=True):
        for convert in functions:
            value = convert(value, column, connection)
        converted.append(value)
    return model.from_db(connection.alias, order, [converted[i] for i in positions])


def _last_step_join() -> str:
    """LEFT JOIN the last step of response r as s (the (response, seq) index answers both)."""
    steps = _quoted(ResponseStep)
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
        *_columns(Response, "r", RESPONSE),
        *_columns(Attempt, "a", ATTEMPT),
        *_columns(Quiz, "q", QUIZ),
        *STEP,
        f"(SELECT COUNT(*) FROM {_quoted(ResponseStep)} w JOIN {_quoted(Response)} wr "
        "ON wr.id = w.response_id WHERE wr.attempt_id = a.id AND w.created_at >= %s)",
    ]
    return (
        f"SELECT {', '.join(select)} FROM {_quoted(Response)} r "
        f"JOIN {_quoted(Attempt)} a ON a.id = r.attempt_id "
        f"JOIN {_quoted(Quiz)} q ON q.id = a.quiz_id "
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
        values = _split(row, [len(RESPONSE), len(ATTEMPT), len(QUIZ), 4, 1])
        response = _load(Response, RESPONSE, values[0])
        attempt = _load(Attempt, ATTEMPT, values[1])
        attempt.quiz = _load(Quiz, QUIZ, values[2])
        response.attempt = attempt
        response.recent_writes = values[4][0]
        responses.append(_with_last_step(response, values[3]))
    return _with_versions(responses)


def open_attempt_responses(attempt: Attempt, *, wrong_tries: bool = False) -> list[Response]:
    """Every response of an attempt, in position order, with its version and its last step
    (one query): what an attempt page and the API's attempt document show. `wrong_tries`
    adds how many practice checks of each were not right (as `wrong_tries`)."""
    sql = (
        f"SELECT {', '.join(_response_columns(wrong_tries))} FROM {_quoted(Response)} r "
        f"{_last_step_join()}WHERE r.attempt_id = %s ORDER BY r.position"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [attempt.pk])
        rows = cursor.fetchall()
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
    attempt_values, quiz_values, course_values = _split(rows[0], sizes)
    attempt = _load(Attempt, attempt_names, attempt_values)
    attempt.quiz = _load(Quiz, quiz_names, quiz_values)
    attempt.course = _load(Course, course_names, course_values) if attempt.course_id else None
    skip = sum(sizes)
    return attempt, _with_versions([_response_of(attempt, row[skip:]) for row in rows])


@functools.lru_cache(maxsize=4)
def _attempt_with_responses_sql(
    vendor: str,
) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The SQL of `attempt_with_responses` and the fields it reads of the attempt, the quiz and
    the course (built once: every submission runs it)."""
    attempt_names = _all_fields(Attempt)
    quiz_names, course_names = _all_fields(Quiz), _all_fields(Course)
    sql = (
        f"SELECT {', '.join(_columns(Attempt, 'a', attempt_names))}, "
        f"{', '.join(_columns(Quiz, 'q', quiz_names))}, "
        f"{', '.join(_columns(Course, 'co', course_names))}, "
        f"{', '.join(_response_columns(True))} FROM {_quoted(Attempt)} a "
        f"JOIN {_quoted(Quiz)} q ON q.id = a.quiz_id "
        f"LEFT JOIN {_quoted(Course)} co ON co.id = a.course_id "
        f"JOIN {_quoted(Response)} r ON r.attempt_id = a.id "
        f"{_last_step_join()}WHERE a.id = %s AND a.user_id = %s ORDER BY r.position"
    )
    return sql, attempt_names, quiz_names, course_names


def _all_fields(model: type[Model]) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


def _response_columns(wrong_tries: bool) -> list[str]:
    tries = (
        f"(SELECT COUNT(*) FROM {_quoted(ResponseStep)} c WHERE c.response_id = r.id "
        f"AND c.kind = '{StepKind.CHECK.value}' AND c.state <> '{ResponseState.CORRECT.value}')"
    )
    return [
        *_columns(Response, "r", RESPONSE),
        *STEP,
        tries if wrong_tries else "0",
    ]


def _response_of(attempt: Attempt, row: Sequence[Any]) -> Response:
    values = _split(row, [len(RESPONSE), 4, 1])
    response = _load(Response, RESPONSE, values[0])
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
    steps, responses = _quoted(ResponseStep), _quoted(Response)
    return (
        f"SELECT {', '.join(_columns(Attempt, 'a', SUBMISSION_CHECK))}, "
        f"(SELECT COALESCE(SUM(x.last_seq), 0) FROM (SELECT MAX(s.seq) AS last_seq "
        f"FROM {steps} s JOIN {responses} r ON r.id = s.response_id "
        f"WHERE r.attempt_id = %s GROUP BY s.response_id) x) "
        f"FROM {_quoted(Attempt)} a WHERE a.id = %s AND a.user_id = %s"
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
    return _load(Attempt, SUBMISSION_CHECK, row[:-1]), row[-1]


def saved_steps(responses: Iterable[Response]) -> int:
    """The sum of these responses' last step numbers, as `submission_check` counts it."""
    return sum(response.last_seq or 0 for response in responses)


def _split(row: Sequence[Any], sizes: list[int]) -> list[Sequence[Any]]:
    parts, start = [], 0
    for size in sizes:
        parts.append(row[start : start + size])
        start += size
    return parts


@functools.lru_cache(maxsize=16)
def _offer_sql(vendor: str, all_courses: bool, asked_by: str | None) -> tuple[str, tuple[str, ...]]:
    """The SQL of `quiz_offer_row` for a site admin or a member, and a course asked for by id,
    by slug or not at all, with the quiz's field names (built once: every start runs it)."""
    quote = connection.ops.quote_name
    course, enrolment = _quoted(Course), _quoted(Enrolment)
    # A learner's courses are found from their enrolments (CROSS JOIN keeps SQLite on that
    # side: a shared quiz is offered by every course of its article, which may be thousands),
    # those of a deactivated platform left out (`permissions.enrolments_in_force`, in SQL).
    if all_courses:
        members = f"FROM {course} c WHERE 1 = 1"
    else:
        members = (
            f"FROM {enrolment} e CROSS JOIN {course} c WHERE e.user_id = %s AND c.id = e.course_id "
            f"AND NOT {platform_switched_off_sql('c')}"
        )
    asked = {"id": "AND c.id = %s", "slug": "AND c.slug = %s", None: ""}[asked_by]
    # A course's own quiz, or a shared one: for every course of its article, or of any.
    offers = (
        "(c.id = q.course_id OR (q.course_id IS NULL "
        "AND (q.article_id IS NULL OR c.article_id = q.article_id)))"
    )
    courses = f"{members} AND {offers} {asked}"
    member = f"(SELECT COUNT(*) {members} {asked})" if asked else "0"
    names = tuple(f.name for f in Quiz._meta.concrete_fields)
    inner = (
        f"SELECT {', '.join(_columns(Quiz, 'q', names))}, "
        f"(SELECT MIN(c.id) {courses}) AS offered, (SELECT COUNT(*) {courses}) AS offers, "
        f"{member} AS member "
        f"FROM {_quoted(Quiz)} q WHERE q.id = %s AND q.{quote('is_published')} = %s"
    )
    mine = (
        f"FROM {_quoted(Attempt)} a "
        "WHERE a.quiz_id = x.id AND a.user_id = %s AND a.course_id = x.offered"
    )
    sql = (
        f"SELECT x.*, (SELECT COUNT(*) {mine}), "
        f"(SELECT MIN(a.id) {mine} AND a.state = %s), "
        f"(SELECT COUNT(*) {mine} AND a.started_at >= %s), "
        f"{', '.join(_columns(Accommodation, 'ac', ACCOMMODATION))} "
        f"FROM ({inner}) x {_accommodations_join()}"
    )
    return sql, names


def quiz_offer_row(
    *,
    quiz_id: int,
    user_id: int,
    all_courses: bool,
    course_id: int | None,
    course_slug: str | None,
    since: datetime,
) -> tuple[Quiz, dict[str, Any]] | None:
    """The published quiz and, in one query, which of the user's courses offer it (all courses
    for a site admin; only the one asked for, when one is): the first such course's id, how
    many there are, whether the user belongs to the course asked for, and the user's attempts
    at the quiz in that course (how many, the open one, how many began after `since`)."""
    asked_by = "id" if course_id is not None else "slug" if course_slug is not None else None
    sql, names = _offer_sql(connection.vendor, all_courses, asked_by)
    member_params = [] if all_courses else [user_id]
    asked_params = [course_id if asked_by == "id" else course_slug] if asked_by else []
    asked = asked_by is not None
    courses_params = member_params + asked_params
    params = [
        user_id,
        user_id,
        AttemptState.IN_PROGRESS,
        user_id,
        connection.ops.adapt_datetimefield_value(since),
        *courses_params,
        *courses_params,
        *(courses_params if asked else []),
        quiz_id,
        True,
        user_id,
        user_id,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return None
    row = rows[0]
    quiz = _load(Quiz, names, row[: len(names)])
    offered, offers, member_count, used, open_id, recent = row[len(names) : len(names) + 6]
    return quiz, {
        "course_id": offered,
        "course_count": offers,
        "is_member": member_count > 0,
        "attempts_used": used,
        "open_attempt_id": open_id,
        "started_recently": recent,
        "accommodations": tuple(
            _load(Accommodation, ACCOMMODATION, r[len(names) + 6 :]).terms
            for r in rows
            if r[len(names) + 6] is not None
        ),
    }


def _accommodations_join() -> str:
    """LEFT JOIN, as ac, each accommodation of the user (theirs, or a group's they are in)
    for quiz x in the course x.offered: one row each, or one row of NULLs for none. Few
    learners have any, and those have one or two, so the offer stays one query."""
    members = AccommodationGroup.members.through
    return (
        f"LEFT JOIN {_quoted(Accommodation)} ac ON ac.course_id = x.offered "
        "AND (ac.quiz_id IS NULL OR ac.quiz_id = x.id) AND (ac.learner_id = %s OR ac.group_id IN "
        f"(SELECT g.accommodationgroup_id FROM {_quoted(members)} g WHERE g.user_id = %s))"
    )
