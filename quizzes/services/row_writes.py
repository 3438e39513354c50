"""Many new rows of one model in one INSERT, without bulk_create's per-object machinery.

Starting an attempt inserts a response per question, and submitting it a step per question:
`bulk_create` spent four times as long preparing 18 rows (related-object checks, a placeholder
and a full value preparation per cell) as the database spent writing them (issue #12). Here
the columns and what each needs are worked out once per model and database; each value is
prepared by its field only when the field needs it (decimals, JSON, dates), the others are
passed as they are (ints, strings, booleans, None), as Django itself would pass them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connections, models, router, transaction

# Fields whose Python value the database drivers (sqlite3, psycopg) take as it is.
_PLAIN = (
    models.AutoField,
    models.BigAutoField,
    models.IntegerField,
    models.SmallIntegerField,
    models.BigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.CharField,
    models.TextField,
    models.BooleanField,
)


# Fields that write None as NULL without preparing it: a None of theirs skips the preparation.
NONE_AS_NULL = (models.DecimalField, models.JSONField, models.DateTimeField, models.DateField)


@dataclass(frozen=True)
class _Plan:
    fields: tuple[models.Field, ...]
    prepares: tuple[Callable[[Any], Any] | None, ...]  # None: the value as it is
    stamps: frozenset[int]  # the fields set to the moment of the insert (auto_now, auto_now_add)
    sql_head: str
    row_sql: str
    returning: str
    # PostgreSQL: every row in one array per column, so the statement is the same text
    # whatever the number of rows (parsed, cached and planned once), as Django's bulk_create.
    unnest_sql: str | None


def _is_plain(field: models.Field) -> bool:
    """Whether the field's values go to the database as they are (its class or, for a foreign
    key, its target's is one of Django's plain ones, not a subclass that prepares values)."""
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    return type(target) in _PLAIN


@cache
def _plan(model: type[models.Model], using: str) -> _Plan:
    connection = connections[using]
    quote = connection.ops.quote_name
    meta = model._meta
    fields = tuple(f for f in meta.concrete_fields if not f.primary_key)
    prepares = tuple(_preparer(field, connection) for field in fields)
    columns = ", ".join(quote(f.column) for f in fields)
    unnest_sql = None
    if connection.vendor == "postgresql":
        arrays = ", ".join(f"(%s)::{array_type(field, connection)}" for field in fields)
        unnest_sql = (
            f"INSERT INTO {quote(meta.db_table)} ({columns}) SELECT * FROM UNNEST({arrays})"
        )
    return _Plan(
        fields=fields,
        prepares=prepares,
        stamps=frozenset(
            n
            for n, field in enumerate(fields)
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        ),
        sql_head=f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ",
        row_sql="(" + ", ".join(["%s"] * len(fields)) + ")",
        returning=f" RETURNING {quote(meta.pk.column)}",
        unnest_sql=unnest_sql,
    )


def _preparer(field: models.Field, connection: Any) -> Callable[[Any], Any] | None:
    """What turns the field's value into the database's: None when the driver takes it as
    it is; for a field that writes None as NULL, None is passed without preparing it."""
    if _is_plain(field):
        return None
    if isinstance(field, NONE_AS_NULL):
        return lambda value: None if value is None else field.get_db_prep_save(value, connection)
    return lambda value: field.get_db_prep_save(value, connection)


def _row_values(plan: _Plan, obj: models.Model) -> list[Any]:
    """The values of a new instance in the plan's column order, each prepared as it needs."""
    return _rows_values(plan, [obj])[0]


def _rows_values(plan: _Plan, objects: Sequence[models.Model]) -> list[list[Any]]:
    """The values of new instances, each row in the plan's column order. Their automatic
    timestamps (`auto_now`, `auto_now_add`) are one moment for the lot, prepared once (on
    SQLite a timestamp's preparation cost as much as the rest of a response's row)."""
    stamped = {}
    for index in plan.stamps if objects else ():
        # The field's own pre_save gives the moment (a datetime, a date or a time) once.
        now = plan.fields[index].pre_save(objects[0], add=True)
        prepare = plan.prepares[index]
        stamped[index] = (plan.fields[index].attname, now, now if prepare is None else prepare(now))
    rows = []
    for obj in objects:
        values = []
        for index, (field, prepare) in enumerate(zip(plan.fields, plan.prepares, strict=True)):
            if index in stamped:
                attname, now, prepared = stamped[index]
                setattr(obj, attname, now)
                values.append(prepared)
                continue
            value = field.pre_save(obj, add=True)
            values.append(value if prepare is None else prepare(value))
        rows.append(values)
    return rows


def _saved(obj: models.Model, pk: Any, using: str) -> None:
    """Mark an instance as stored, with its primary key, as the ORM does after an INSERT."""
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = using


def array_type(field: models.Field, connection: Any) -> str:
    """The PostgreSQL array type of a column's values, without the column's own limits
    (`varchar[]`, not `varchar(20)[]`: nothing is truncated on the way), as Django's own
    bulk_create writes it."""
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    return target.db_type(connection).split("(")[0] + "[]"


def insert_new[M: models.Model](
    objects: Sequence[M],
    *,
    ignore_conflicts: bool = False,
    unique_fields: Sequence[str] = (),
    update_fields: Sequence[str] = (),
    read_keys: bool = True,
) -> list[M]:
    """Insert unsaved instances of one model in one statement (batched past the database's
    parameter limit); each gets its primary key, as `bulk_create` would give it. No signals,
    as with `bulk_create`. With `ignore_conflicts`, rows that would break a unique constraint
    are skipped (ON CONFLICT DO NOTHING) and no primary keys are read back. With
    `unique_fields` and `update_fields` (as `bulk_create`'s `update_conflicts`), a row whose
    unique fields are taken updates those fields of the row there instead, and gets its
    primary key. Outside a transaction each statement commits by itself: no BEGIN/COMMIT of
    its own. Without `read_keys` the instances get no primary keys and nothing is read back,
    so the INSERT can travel with the statements after it (`pipelined`)."""
    if not objects:
        return list(objects)
    model = type(objects[0])
    using = router.db_for_write(model)
    plan = _plan(model, using)
    conflict = _on_conflict(model, using, tuple(unique_fields), tuple(update_fields))
    _insert_rows(
        plan,
        objects,
        _rows_values(plan, objects),
        using,
        conflict=conflict,
        ignore_conflicts=ignore_conflicts,
        read_keys=read_keys,
    )
    return list(objects)


def _insert_rows(
    plan: _Plan,
    objects: Sequence[models.Model],
    rows: list[list[Any]],
    using: str,
    *,
    conflict: str = "",
    ignore_conflicts: bool = False,
    read_keys: bool = True,
) -> None:
    """INSERT the prepared rows of these new instances, batched past the database's parameter
    limit (on PostgreSQL many rows go as one array per column); each instance gets its primary
    key unless conflicts are ignored."""
    connection = connections[using]
    batch = max(1, connection.ops.bulk_batch_size(list(plan.fields), objects))
    with connection.cursor() as cursor:
        for start in range(0, len(objects), batch):
            chunk = objects[start : start + batch]
            params = [value for row in rows[start : start + batch] for value in row]
            if plan.unnest_sql is not None and len(chunk) > 1:
                width = len(plan.fields)
                sql = plan.unnest_sql
                params = [params[column::width] for column in range(width)]
            else:
                sql = plan.sql_head + ", ".join([plan.row_sql] * len(chunk))
            if ignore_conflicts:
                cursor.execute(sql + " ON CONFLICT DO NOTHING", params)
                continue
            if not read_keys:
                cursor.execute(sql + conflict, params)
                continue
            cursor.execute(sql + conflict + plan.returning, params)
            for obj, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                _saved(obj, pk, using)


@cache
def _on_conflict(
    model: type[models.Model], using: str, unique_fields: tuple[str, ...], updates: tuple[str, ...]
) -> str:
    """`ON CONFLICT (unique) DO UPDATE SET field = EXCLUDED.field, …` (SQLite and PostgreSQL
    spell it alike), or nothing."""
    if not unique_fields and not updates:
        return ""
    if not unique_fields or not updates:
        raise TypeError("an upsert names both its unique fields and the fields it updates")
    quote = connections[using].ops.quote_name
    meta = model._meta
    unique = ", ".join(quote(meta.get_field(name).column) for name in unique_fields)
    sets = ", ".join(
        f"{quote(column)} = EXCLUDED.{quote(column)}"
        for column in (meta.get_field(name).column for name in updates)
    )
    return f" ON CONFLICT ({unique}) DO UPDATE SET {sets}"


@cache
def _update_plan(
    model: type[models.Model], using: str, names: tuple[str, ...]
) -> tuple[str, tuple[models.Field, ...]]:
    quote = connections[using].ops.quote_name
    meta = model._meta
    fields = tuple(meta.get_field(name) for name in names)
    sets = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {quote(meta.pk.column)} = %s"
    return sql, fields


def update_row(obj: models.Model, fields: Sequence[str]) -> None:
    """Write these fields of a saved instance to its row in one UPDATE, as
    `save(update_fields=…)` writes them (each value prepared by its field) but with the SQL
    built once per model and fields, and no signals. No BEGIN/COMMIT of its own."""
    using = router.db_for_write(type(obj))
    connection = connections[using]
    sql, plan = _update_plan(type(obj), using, tuple(fields))
    params = [field.get_db_prep_save(field.pre_save(obj, add=False), connection) for field in plan]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, obj.pk])


def update_rows(objects: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Write these fields of many saved instances of one model in one UPDATE, as
    `bulk_update` writes them but without building an expression per cell: on PostgreSQL
    from one array per column (`UPDATE … FROM UNNEST(…)`, the same text whatever the number
    of rows), elsewhere a CASE on the primary key per column. No BEGIN/COMMIT of its own."""
    if not objects:
        return
    model = type(objects[0])
    using = router.db_for_write(model)
    connection = connections[using]
    meta = model._meta
    plan = [meta.get_field(name) for name in fields]
    values = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for obj in objects]
        for field in plan
    ]
    ids = [obj.pk for obj in objects]
    if connection.vendor == "postgresql":
        sql, params = _unnest_update_sql(model, using, tuple(fields)), [ids, *values]
    else:
        sql, params = _case_update(model, connection, plan, ids, values)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@cache
def _unnest_update_sql(model: type[models.Model], using: str, names: tuple[str, ...]) -> str:
    connection = connections[using]
    quote = connection.ops.quote_name
    meta = model._meta
    fields = [meta.pk, *(meta.get_field(name) for name in names)]
    arrays = ", ".join(f"(%s)::{array_type(field, connection)}" for field in fields)
    aliases = ", ".join(quote(field.column) for field in fields)
    sets = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in fields[1:])
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    return (
        f"UPDATE {table} SET {sets} FROM UNNEST({arrays}) AS v({aliases}) "
        f"WHERE {table}.{pk} = v.{pk}"
    )


def _case_update(
    model: type[models.Model],
    connection: Any,
    fields: list[models.Field],
    ids: list[Any],
    values: list[list[Any]],
) -> tuple[str, list[Any]]:
    """`SET column = CASE pk WHEN … THEN … END, …`, as Django's bulk_update writes it."""
    quote = connection.ops.quote_name
    pk = quote(model._meta.pk.column)
    cast = connection.features.requires_casted_case_in_updates
    sets, params = [], []
    for field, column_values in zip(fields, values, strict=True):
        case = f"CASE {pk} {' '.join(['WHEN %s THEN %s'] * len(ids))} END"
        if cast:
            case = f"CAST({case} AS {field.cast_db_type(connection)})"
        sets.append(f"{quote(field.column)} = {case}")
        for pk_value, value in zip(ids, column_values, strict=True):
            params += [pk_value, value]
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {', '.join(sets)} "
        f"WHERE {pk} IN ({', '.join(['%s'] * len(ids))})"
    )
    return sql, [*params, *ids]


def insert_with_children[P: models.Model, C: models.Model](
    parent: P, children: Sequence[C], *, link: str
) -> tuple[P, list[C]]:
    """Insert a new row and new rows pointing at it (by their `link` foreign key), each given
    its primary key. On PostgreSQL it is one statement, the parent's INSERT … RETURNING feeding
    the children's, so it needs no BEGIN and COMMIT either (a start of an exam: three round
    trips fewer); elsewhere one transaction of two INSERTs. A unique constraint broken by the
    parent raises IntegrityError and writes nothing, either way."""
    using = router.db_for_write(type(parent))
    connection = connections[using]
    if not children:
        with transaction.atomic(using=using):
            insert_new([parent])
        return parent, []
    if connection.vendor != "postgresql":
        # The children's rows are prepared before the transaction, which on SQLite holds the
        # whole database's write lock: only their link to the parent is left to fill in.
        child_plan = _plan(type(children[0]), using)
        link_at = child_plan.fields.index(type(children[0])._meta.get_field(link))
        rows = _rows_values(child_plan, children)
        with transaction.atomic(using=using):
            insert_new([parent])
            for row in rows:
                row[link_at] = parent.pk
            _insert_rows(child_plan, children, rows, using)
        for child in children:
            setattr(child, link, parent)
        return parent, list(children)
    sql, link_column = _family_sql(type(parent), type(children[0]), link, using)
    child_plan = _plan(type(children[0]), using)
    # The children's values as one array per column, their link left to the statement.
    columns = zip(*_rows_values(child_plan, children), strict=True)
    params = [
        *_row_values(_plan(type(parent), using), parent),
        *(list(column) for n, column in enumerate(columns) if n != link_column),
    ]
    # Inside a caller's transaction a broken constraint must not abort it: a savepoint.
    guard = transaction.atomic(using=using) if connection.in_atomic_block else nullcontext()
    with guard, connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    _saved(parent, rows[0][1], using)
    for child, (pk, _parent_pk) in zip(children, rows, strict=True):
        _saved(child, pk, using)
        setattr(child, link, parent)
    return parent, list(children)


@cache
def _family_sql(
    parent_model: type[models.Model], child_model: type[models.Model], link: str, using: str
) -> tuple[str, int]:
    """The statement, and where the link column stands among the child plan's columns."""
    connection = connections[using]
    quote = connection.ops.quote_name
    parent_plan = _plan(parent_model, using)
    link_field = child_model._meta.get_field(link)
    child_fields = _plan(child_model, using).fields
    fields = tuple(f for f in child_fields if f is not link_field)
    parent_columns = ", ".join(quote(f.column) for f in parent_plan.fields)
    arrays = ", ".join(f"(%s)::{array_type(f, connection)}" for f in fields)
    names = [f"c{n}" for n in range(len(fields))]
    child_table = quote(child_model._meta.db_table)
    child_pk = quote(child_model._meta.pk.column)
    sql = (
        f"WITH parent AS (INSERT INTO {quote(parent_model._meta.db_table)} ({parent_columns}) "
        f"VALUES {parent_plan.row_sql} RETURNING {quote(parent_model._meta.pk.column)} AS id) "
        f"INSERT INTO {child_table} ({quote(link_field.column)}, "
        f"{', '.join(quote(f.column) for f in fields)}) "
        f"SELECT parent.id, {', '.join(f'v.{name}' for name in names)} FROM parent, "
        f"UNNEST({arrays}) WITH ORDINALITY AS v({', '.join(names)}, n) ORDER BY v.n "
        f"RETURNING {child_pk}, {quote(link_field.column)}"
    )
    return sql, child_fields.index(link_field)
