"""ORM queries compiled once per shape, for the few reads every attempt start makes.

Building and compiling a queryset costs Django more CPU than SQLite or PostgreSQL spend
running these small queries (the pool of a 60-question quiz: about 2 ms to build, 0.2 ms to
run). Here a query is built with the ORM as usual, the first time its *key* is seen, and its
SQL and parameters are kept; later calls with the same key only execute them. The key must
therefore name every value the query depends on (ids, filters) other than its `args`: the
SQL is a pure function of it, so nothing can go stale, whatever the data. Rows come back
through the same field converters the ORM uses.

A query that differs only in ids (the attempt, the learner) takes them as `args`: `build`
is called once with stand-in ids, each of which must come out of the compiler as a query
parameter (never written into the SQL), and every later call puts its own ids in their
places. Instances may come with `select_related` objects, built as the ORM builds them; a
`select_for_update` query refuses to run outside a transaction, as the ORM's does.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.transaction import TransactionManagementError

from .sql_rows import instance_of, sent

MAX_SHAPES = 512
# Stand-ins for the ids of a parameterised query while it is compiled: no real id is negative.
_FIRST_STAND_IN = -7_340_032_000_000_001


def _stand_ins(count: int) -> tuple[int, ...]:
    return tuple(_FIRST_STAND_IN - n for n in range(count))


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    model: type[Model]
    attnames: tuple[str, ...] | None  # for instances; None for a values_list query
    converters: tuple[tuple[tuple[Callable, Any], ...], ...]
    # Where each arg goes: (index in params, index in args).
    slots: tuple[tuple[int, int], ...] = ()
    # For instances: the columns of the model itself, and builders of its select_related.
    own_columns: slice = slice(None)
    populators: tuple[Any, ...] = ()
    locks: bool = False
    arg_count: int = 0


_compiled: OrderedDict[tuple, _Compiled] = OrderedDict()
# Threaded servers (runserver, gunicorn's gthread) share `_compiled`: an entry evicted by one
# thread between another's lookup and its move to the end would raise KeyError there.
_compiled_lock = threading.Lock()


def _compile(queryset: QuerySet, using: str, arg_count: int) -> _Compiled:
    connection = connections[using]
    compiler = queryset.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    slots = _slots(sql, params, arg_count)
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
    attnames, own_columns, populators = None, slice(None), ()
    if not queryset._fields and queryset._iterable_class.__name__ == "ModelIterable":
        if compiler.annotation_col_map:
            raise TypeError("prepared.instances takes no annotations: use prepared.values")
        klass_info = compiler.klass_info
        own = klass_info["select_fields"]
        own_columns = slice(own[0], own[-1] + 1)
        attnames = tuple(col.target.attname for col in columns[own_columns])
        populators = tuple(
            get_related_populators(klass_info, compiler.select, using, queryset._fetch_mode)
        )
    return _Compiled(
        sql,
        tuple(params),
        queryset.model,
        attnames,
        converters,
        slots,
        own_columns,
        populators,
        locks=bool(queryset.query.select_for_update),
        arg_count=arg_count,
    )


def _slots(sql: str, params: list[Any], arg_count: int) -> tuple[tuple[int, int], ...]:
    """Where each stand-in id came out among the parameters; an id the compiler wrote into
    the SQL, or dropped, cannot be replaced later, so the query is refused."""
    arg_of = {stand_in: arg for arg, stand_in in enumerate(_stand_ins(arg_count))}
    slots = tuple(
        (place, arg_of[value])
        for place, value in enumerate(params)
        if type(value) is int and value in arg_of
    )
    placed = {arg for _, arg in slots}
    for stand_in, arg in arg_of.items():
        if arg not in placed or str(stand_in) in sql:
            raise TypeError(f"argument {arg} of a prepared query is not a query parameter")
    return slots


def _entry(
    model: type[Model], key: Hashable, build: Callable[..., QuerySet], arg_count: int
) -> tuple[_Compiled, str]:
    using = router.db_for_read(model)
    full_key = (using, connections[using].vendor, model, key)
    with _compiled_lock:
        entry = _compiled.get(full_key)
        if entry is not None:
            _compiled.move_to_end(full_key)  # least recently used goes first past MAX_SHAPES
    if entry is None:
        # Compiled outside the lock: two threads may both compile a new shape, to equal SQL.
        queryset = build(*_stand_ins(arg_count))
        if queryset.model is not model:
            raise TypeError(f"prepared query of {queryset.model}, declared as {model}")
        entry = _compile(queryset, using, arg_count)
        with _compiled_lock:
            _compiled[full_key] = entry
            if len(_compiled) > MAX_SHAPES:
                _compiled.popitem(last=False)
    return entry, using


def _sent(entry: _Compiled, using: str, args: tuple[int, ...]) -> Callable[[], list[Any]]:
    """Execute the query with these ids now; what fetches its raw rows (`sql_rows.sent`)."""
    connection = connections[using]
    if entry.locks and connection.get_autocommit():
        raise TransactionManagementError(
            "select_for_update cannot be used outside of a transaction."
        )
    if len(args) != entry.arg_count:
        raise TypeError(f"this prepared query takes {entry.arg_count} arguments")
    params = entry.params
    if entry.slots:
        if any(type(arg) is not int for arg in args):
            raise TypeError("the arguments of a prepared query are ids (int)")
        params = list(params)
        for place, arg in entry.slots:
            params[place] = args[arg]
    return sent(entry.sql, params, connection)


def _fetched(entry: _Compiled, using: str, fetch: Callable[[], list[Any]]) -> list[list[Any]]:
    """The rows `fetch` gives, converted as the ORM converts them."""
    connection = connections[using]
    rows = [list(row) for row in fetch()]
    for index, converters in enumerate(entry.converters):
        if converters:
            for row in rows:
                for converter, col in converters:
                    row[index] = converter(row[index], col, connection)
    return rows


def values(
    model: type[Model],
    key: Hashable,
    build: Callable[..., QuerySet],
    *,
    args: tuple[int, ...] = (),
) -> list[list[Any]]:
    """The rows of `build(*args)` (a `values_list` queryset of `model`), built and compiled
    only the first time `key` is seen."""
    return values_sent(model, key, build, args=args)()


def values_sent(
    model: type[Model],
    key: Hashable,
    build: Callable[..., QuerySet],
    *,
    args: tuple[int, ...] = (),
) -> Callable[[], list[list[Any]]]:
    """Send the query of `values` now and return what fetches its rows (see
    `instances_sent`)."""
    entry, using = _entry(model, key, build, len(args))
    fetch = _sent(entry, using, args)
    return lambda: _fetched(entry, using, fetch)


def instances(
    model: type[Model],
    key: Hashable,
    build: Callable[..., QuerySet],
    *,
    args: tuple[int, ...] = (),
) -> list[Model]:
    """The instances of `build(*args)` (a queryset of `model`, with select_related if need
    be, no annotations), built and compiled only the first time `key` is seen."""
    return instances_sent(model, key, build, args=args)()


def instances_sent(
    model: type[Model],
    key: Hashable,
    build: Callable[..., QuerySet],
    *,
    args: tuple[int, ...] = (),
) -> Callable[[], list[Model]]:
    """Send the query of `instances` now and return what fetches its instances: sent inside
    a `services.pipelined` block, it travels with the block's other statements and its rows
    arrive when the block ends, so it is fetched after the block."""
    entry, using = _entry(model, key, build, len(args))
    if entry.attnames is None:
        raise TypeError("prepared.instances needs a queryset of model rows")
    fetch_rows = _sent(entry, using, args)

    def fetch() -> list[Model]:
        found = []
        for row in _fetched(entry, using, fetch_rows):
            instance = instance_of(entry.model, entry.attnames, row[entry.own_columns], using)
            for populator in entry.populators:
                populator.populate(row, instance)
            found.append(instance)
        return found

    return fetch
