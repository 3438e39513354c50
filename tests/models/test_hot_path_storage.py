"""The attempt path's tables: every foreign key still leads an index, and none has two
(migration 0018)."""

from __future__ import annotations

import pytest
from django.db import connection

from quizzes.models import Attempt, QuizGrade, Response, ResponseStep

pytestmark = pytest.mark.django_db

HOT_TABLES = [Attempt, Response, ResponseStep, QuizGrade]


def indexes_of(model) -> list[list[str]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return [c["columns"] for c in found.values() if c["index"] or c["unique"]]


@pytest.mark.parametrize("model", HOT_TABLES, ids=lambda m: m.__name__)
def test_every_foreign_key_of_the_attempt_path_leads_an_index(model):
    """Lookups by each foreign key, and the database's ON DELETE checks, stay on an index."""
    leading = {columns[0] for columns in indexes_of(model)}
    keys = {f.column for f in model._meta.concrete_fields if f.is_relation}
    assert keys <= leading


@pytest.mark.parametrize("model", HOT_TABLES, ids=lambda m: m.__name__)
def test_no_index_of_the_attempt_path_repeats_the_start_of_another(model):
    """A one-column index on what a wider index starts with is a write more on every row."""
    indexes = indexes_of(model)
    single = [columns[0] for columns in indexes if len(columns) == 1]
    wider = {columns[0] for columns in indexes if len(columns) > 1}
    primary = model._meta.pk.column
    assert [column for column in single if column in wider and column != primary] == []
