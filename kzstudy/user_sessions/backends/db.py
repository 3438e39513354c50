"""The database session store, reading the signed-in user with the session row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.db.models import Model
from django.utils import timezone


def user_id_of(data: Any) -> int | None:
    """The signed-in user's id kept in the session data, if it is a valid id."""
    try:
        return int(data[SESSION_KEY])
    except (KeyError, TypeError, ValueError):
        return None


@dataclass(frozen=True)
class _SessionQuery:
    sql: str
    user_attnames: tuple[str, ...]
    # Per user column: what turns the database's value into the ORM's (SQLite's booleans…).
    user_converters: tuple[tuple[tuple[Callable, Any], ...], ...]


@cache
def _session_query(model: type[Model], using: str) -> _SessionQuery:
    """A live session's data and its user's concrete columns, in one LEFT JOIN (built once)."""
    connection = connections[using]
    quote = connection.ops.quote_name
    user_model = model._meta.get_field("user").related_model
    fields = user_model._meta.concrete_fields
    columns = ", ".join(f"u.{quote(f.column)}" for f in fields)
    sql = (
        f"SELECT s.{quote('session_data')}, {columns} "
        f"FROM {quote(model._meta.db_table)} s "
        f"LEFT JOIN {quote(user_model._meta.db_table)} u"
        f" ON u.{quote(user_model._meta.pk.column)} = s.{quote('user_id')} "
        f"WHERE s.{quote('session_key')} = %s AND s.{quote('expire_date')} > %s"
    )
    converters = []
    for field in fields:
        column = field.get_col(user_model._meta.db_table)
        found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        converters.append(tuple((converter, column) for converter in found))
    return _SessionQuery(sql, tuple(f.attname for f in fields), tuple(converters))


class UserSessionMixin:
    """Reads the session row and its user in one query; writes the user's id as a column."""

    #: The user row read with the session (None when nobody signed in or the row is gone).
    preloaded_user = None

    @classmethod
    def get_model_class(cls):
        from ..models import UserSession

        return UserSession

    def _get_session_from_db(self):
        # On every signed-in request, so one plain statement built once per process: the ORM's
        # select_related cost more CPU than the rest of an answer save.
        model = self.model
        using = router.db_for_read(model)
        query = _session_query(model, using)
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(
                query.sql,
                [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        session_data, *user_values = row
        if user_values[0] is not None:
            for index, converters in enumerate(query.user_converters):
                for converter, column in converters:
                    user_values[index] = converter(user_values[index], column, connection)
            user_model = model._meta.get_field("user").related_model
            self.preloaded_user = user_model.from_db(using, query.user_attnames, user_values)
        return model(session_key=self.session_key, session_data=session_data)

    def create_model_instance(self, data: dict[str, Any]):
        row = super().create_model_instance(data)
        row.user_id = user_id_of(data)
        return row

    def cycle_key(self) -> None:
        # A new key means a new row: what was read with the old one no longer vouches for it.
        self.preloaded_user = None
        super().cycle_key()

    def flush(self) -> None:
        self.preloaded_user = None
        super().flush()


class SessionStore(UserSessionMixin, DatabaseSessionStore):
    """`SESSION_ENGINE = "kzstudy.user_sessions.backends.db"`."""
