"""The start's offer, written in SQL: in one query, whether a learner may start a quiz where,
how many attempts they used and the accommodations they have (`quiz_offer_row_sent`).

Every exam start runs it, so it is built once per shape and its rows are loaded through the
ORM's converters (`sql_rows`); `tests/selectors/test_offered_in.py` keeps its rule of which
courses offer a quiz equal to `Quiz.objects.offered_in`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import connection

from ..models import (
    Accommodation,
    AccommodationGroup,
    Attempt,
    AttemptState,
    Course,
    Enrolment,
    Quiz,
)
from ..permissions import platform_switched_off_sql
from .sql_rows import columns, load, quoted, sent

ACCOMMODATION = [
    "id",
    "group",
    "quiz",
    "extra_minutes",
    "time_multiplier",
    "extra_attempts",
    "closes_at",
]


@functools.lru_cache(maxsize=16)
def _offer_sql(vendor: str, all_courses: bool, asked_by: str | None) -> tuple[str, tuple[str, ...]]:
    """The SQL of `quiz_offer_row_sent` for a site admin or a member, and a course asked for by id,
    by slug or not at all, with the quiz's field names (built once: every start runs it)."""
    quote = connection.ops.quote_name
    course, enrolment = quoted(Course), quoted(Enrolment)
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
        f"SELECT {', '.join(columns(Quiz, 'q', names))}, "
        f"(SELECT MIN(c.id) {courses}) AS offered, (SELECT COUNT(*) {courses}) AS offers, "
        f"{member} AS member "
        f"FROM {quoted(Quiz)} q WHERE q.id = %s AND q.{quote('is_published')} = %s"
    )
    mine = (
        f"FROM {quoted(Attempt)} a "
        "WHERE a.quiz_id = x.id AND a.user_id = %s AND a.course_id = x.offered"
    )
    sql = (
        f"SELECT x.*, (SELECT COUNT(*) {mine}), "
        f"(SELECT MIN(a.id) {mine} AND a.state = %s), "
        f"(SELECT COUNT(*) {mine} AND a.started_at >= %s), "
        f"{', '.join(columns(Accommodation, 'ac', ACCOMMODATION))} "
        f"FROM ({inner}) x {_accommodations_join()}"
    )
    return sql, names


def quiz_offer_row_sent(
    *,
    quiz_id: int,
    user_id: int,
    all_courses: bool,
    course_id: int | None,
    course_slug: str | None,
    since: datetime,
) -> Callable[[], tuple[Quiz, dict[str, Any]] | None]:
    """Send now, fetch later (`sql_rows.sent`): the published quiz and, in one query, which
    of the user's courses offer it (all courses for a site admin; only the one asked for, when
    one is): the first such course's id, how many there are, whether the user belongs to the
    course asked for, and the user's attempts at the quiz in that course (how many, the open
    one, how many began after `since`)."""
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
    fetch_rows = sent(sql, params)

    def fetch() -> tuple[Quiz, dict[str, Any]] | None:
        rows = fetch_rows()
        return _offer(names, rows) if rows else None

    return fetch


def _offer(names: tuple[str, ...], rows: list[Any]) -> tuple[Quiz, dict[str, Any]]:
    row = rows[0]
    quiz = load(Quiz, names, row[: len(names)])
    offered, offers, member_count, used, open_id, recent = row[len(names) : len(names) + 6]
    return quiz, {
        "course_id": offered,
        "course_count": offers,
        "is_member": member_count > 0,
        "attempts_used": used,
        "open_attempt_id": open_id,
        "started_recently": recent,
        "accommodations": tuple(
            load(Accommodation, ACCOMMODATION, r[len(names) + 6 :]).terms
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
        f"LEFT JOIN {quoted(Accommodation)} ac ON ac.course_id = x.offered "
        "AND (ac.quiz_id IS NULL OR ac.quiz_id = x.id) AND (ac.learner_id = %s OR ac.group_id IN "
        f"(SELECT g.accommodationgroup_id FROM {quoted(members)} g WHERE g.user_id = %s))"
    )
