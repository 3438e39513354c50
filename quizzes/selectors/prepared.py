"""ORM queries compiled once per shape, for the few reads every attempt start makes.

Building and compiling a queryset costs Django more CPU than SQLite or PostgreSQL spend
running these small queries (the pool of a 60-question quiz: about 2 ms to build, 0.2 ms to
run). Here a query is built with the ORM as usual, the first time its *key* is seen, and its
SQL and parameters are kept; later calls with the same key only execute them. The key must
therefore name every value the query depends on (ids, filters): the SQL is a pure function
of it, so nothing can go stale, whatever the data. Rows come back through the same field
converters the ORM uses.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet

MAX_SHAPES = 512


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    model: type[Model]
    attnames: tuple[str, ...] | None  # for instances; None for a values_list query
    converters: tuple[tuple[tuple[Callable, Any], ...], ...]


_compiled: OrderedDict[tuple, _Compiled] = OrderedDict()


def _compile(queryset: QuerySet, using: str) -> _Compiled:
    connection = connections[using]
    compiler = queryset.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    # The selected columns, in order, with what turns each database value into the ORM's.
    columns = [col for col, _, _ in compiler.select]
    converters = tuple(
        tuple(
            (converter, col)
            for converter in (
                connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            )
        )
        for col in columns
    )
    attnames = None
    if not queryset._fields and queryset._iterable_class.__name__ == "ModelIterable":
        attnames = tuple(col.target.attname for col in columns)
    return _Compiled(sql, tuple(params), queryset.model, attnames, converters)


def _entry(
    model: type[Model], key: Hashable, build: Callable[[], QuerySet]
) -> tuple[_Compiled, str]:
    using = router.db_for_read(model)
    full_key = (using, connections[using].vendor, model, key)
    entry = _compiled.get(full_key)
    if entry is not None:
        _compiled.move_to_end(full_key)  # least recently used goes first past MAX_SHAPES
    else:
        queryset = build()
        if queryset.model is not model:
            raise TypeError(f"prepared query of {queryset.model}, declared as {model}")
        entry = _compile(queryset, using)
        _compiled[full_key] = entry
        if len(_compiled) > MAX_SHAPES:
            _compiled.popitem(last=False)
    return entry, using


def _rows(entry: _Compiled, using: str) -> list[list[Any]]:
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(entry.sql, entry.params)
        rows = [list(row) for row in cursor.fetchall()]
    for index, converters in enumerate(entry.converters):
        if converters:
            for row in rows:
                for converter, col in converters:
                    row[index] = converter(row[index], col, connection)
    return rows


def values(model: type[Model], key: Hashable, build: Callable[[], QuerySet]) -> list[list[Any]]:
    """The rows of `build()` (a `values_list` queryset of `model`), built and compiled only
    the first time `key` is seen."""
    entry, using = _entry(model, key, build)
    return _rows(entry, using)


def instances(model: type[Model], key: Hashable, build: Callable[[], QuerySet]) -> list[Model]:
    """The instances of `build()` (a plain queryset of `model`: no select_related, no
    annotations), built and compiled only the first time `key` is seen."""
    entry, using = _entry(model, key, build)
    if entry.attnames is None:
        raise TypeError("prepared.instances needs a plain queryset of model rows")
    return [entry.model.from_db(using, entry.attnames, row) for row in _rows(entry, using)]
