"""Rows of hand-written SQL read as the ORM reads them: quoted table and column names, and
instances built through the ORM's own field converters (`selectors/response_rows.py` and
`selectors/offer_rows.py`, the hot reads of an exam)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init


def quoted(model: type[Model]) -> str:
    """The model's table name, quoted for this database."""
    return connection.ops.quote_name(model._meta.db_table)


def columns(model: type[Model], alias: str, names: Sequence[str]) -> list[str]:
    """The columns of these fields of the model's table aliased `alias`, quoted."""
    meta = model._meta
    return [f"{alias}.{connection.ops.quote_name(meta.get_field(n).column)}" for n in names]


@functools.cache
def _loader(model: type[Model], names: tuple[str, ...], vendor: str):
    """How to load `names` of `model` on this database: each column's converters (the ORM's)
    and the attribute each value goes to; built once per process."""
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
    return converters, [field.attname for field in fields]


def load(model: type[Model], names: Sequence[str], values: Sequence[Any]) -> Model:
    """An instance from raw column values, converted as the ORM converts them; as `from_db`
    gives it (fields not read are deferred: read on access)."""
    converters, attnames = _loader(model, tuple(names), connection.vendor)
    converted = []
    for value, (column, functions) in zip(values, converters, strict=True):
        for convert in functions:
            value = convert(value, column, connection)
        converted.append(value)
    return instance_of(model, attnames, converted, connection.alias)


def instance_of(
    model: type[Model], attnames: Sequence[str], values: Sequence[Any], using: str
) -> Model:
    """The instance `model.from_db` makes of these converted values of these fields (any others
    deferred), read from the database `using`."""
    # The hot reads build up to sixty instances a request, and Model.__init__ (its signals and
    # its walk over every field) costs more than the rest of loading them. With nothing
    # listening to the model's init signals, an instance is its attributes and its state.
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        by_name = dict(zip(attnames, values, strict=True))
        fields = [f.attname for f in model._meta.concrete_fields if f.attname in by_name]
        return model.from_db(using, fields, [by_name[name] for name in fields])
    instance = model.__new__(model)
    state = instance._state = ModelState()
    state.adding, state.db = False, using
    instance.__dict__.update(zip(attnames, values, strict=True))
    return instance


def split(row: Sequence[Any], sizes: list[int]) -> list[Sequence[Any]]:
    """The row cut into consecutive parts of these sizes (one per model it joins)."""
    parts, start = [], 0
    for size in sizes:
        parts.append(row[start : start + size])
        start += size
    return parts


def all_fields(model: type[Model]) -> tuple[str, ...]:
    """The attribute names of every concrete field of the model, in its field order."""
    return tuple(field.attname for field in model._meta.concrete_fields)


def sent(sql: str, params: Sequence[Any], using: Any = connection) -> Callable[[], list[Any]]:
    """Execute the query now and return what fetches its rows (closing its cursor): inside a
    `services.pipelined` block it travels with the block's other statements, and it is fetched
    after the block, in the same round trip."""
    cursor = using.cursor()
    try:
        cursor.execute(sql, params)
    except BaseException:
        cursor.close()
        raise

    def fetch() -> list[Any]:
        with cursor:
            return cursor.fetchall()

    return fetch
