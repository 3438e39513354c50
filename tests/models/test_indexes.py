"""The indexes of the tables every exam writes: each one is a write on every start, saved
answer and submission, so none may repeat what another index already serves."""

from __future__ import annotations

import pytest
from django.db import connection

from quizzes.models import Attempt, Response, ResponseStep

pytestmark = pytest.mark.django_db

EXAM_TABLES = [Attempt, Response, ResponseStep]


def indexes_of(model) -> dict[str, tuple[tuple[str, ...], bool]]:
    """Index name → (its columns, whether it is unique), the primary key left out."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {
        name: (tuple(info["columns"]), bool(info["unique"]))
        for name, info in found.items()
        if (info["index"] or info["unique"]) and not info["primary_key"] and info["columns"]
    }


@pytest.mark.parametrize("model", EXAM_TABLES, ids=lambda m: m.__name__)
def test_no_index_of_an_exam_table_repeats_the_start_of_another(model):
    indexes = indexes_of(model)
    redundant = [
        (name, other)
        for name, (columns, unique) in indexes.items()
        if not unique  # a unique index enforces a rule of its own
        for other, (other_columns, _) in indexes.items()
        if other != name and other_columns[: len(columns)] == columns
    ]
    assert redundant == []


def test_the_lookups_of_an_attempts_rows_keep_an_index_that_begins_with_them():
    leading = {columns[0] for model in EXAM_TABLES for columns, _ in indexes_of(model).values()}
    assert {"quiz_id", "user_id", "course_id", "attempt_id", "response_id", "actor_id"} <= leading
