"""Django's database cache without a COUNT(*) of its whole table on every write.

Django's `DatabaseCache` counts its table before each `set()`, `add()` and `touch()` to decide
whether to cull (django/core/cache/backends/db.py, `_base_set`); no setting turns that off, and
the count costs more the more entries (throttle counters, tokens, pending LTI choices) the table
holds. This backend counts, and culls, on every `CULL_EVERY`-th write (an OPTION, default 500):
`MAX_ENTRIES` becomes a soft limit the table may pass by a few hundred rows between culls, and
expired entries still go first. Everything else is Django's: same table, same keys, same values.
"""

from __future__ import annotations

import base64
import itertools
import pickle
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import DatabaseError, connections, models, router, transaction
from django.utils.timezone import now as tz_now


class DatabaseCache(DjangoDatabaseCache):
    """A database cache whose writes are one short transaction on one row."""

    def __init__(self, table: str, params: dict) -> None:
        options = dict(params.get("OPTIONS") or {})
        self._cull_every = max(1, int(options.pop("CULL_EVERY", 500)))
        self._writes = itertools.count(1)
        super().__init__(table, {**params, "OPTIONS": options})

    def _base_set(self, mode: str, key: str, value, timeout=DEFAULT_TIMEOUT) -> bool:
        db = router.db_for_write(self.cache_model_class)
        if next(self._writes) % self._cull_every == 0:
            self._cull_if_full(db)
        return self._write_row(db, mode, key, value, self.get_backend_timeout(timeout))

    def _cull_if_full(self, db: str) -> None:
        """Django's count-then-cull, now and then instead of on every write."""
        connection = connections[db]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(self._table)}")
            count = cursor.fetchone()[0]
            if count > self._max_entries:
                self._cull(db, cursor, tz_now().replace(microsecond=0), count)

    def _write_row(self, db: str, mode: str, key: str, value, timeout) -> bool:
        """Insert, update or touch the key's row (Django's `_base_set` after its count)."""
        connection = connections[db]
        quote = connection.ops.quote_name
        table, key_column, expires = quote(self._table), quote("cache_key"), quote("expires")
        now = tz_now().replace(microsecond=0)
        if timeout is None:
            expiry = datetime.max
        else:
            expiry = datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None)
        expiry = connection.ops.adapt_datetimefield_value(expiry.replace(microsecond=0))
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        try:
            with connection.cursor() as cursor, transaction.atomic(using=db):
                cursor.execute(
                    f"SELECT {key_column}, {expires} FROM {table} WHERE {key_column} = %s", [key]
                )
                row = cursor.fetchone()
                if row and mode == "touch":
                    cursor.execute(
                        f"UPDATE {table} SET {expires} = %s WHERE {key_column} = %s",
                        [expiry, key],
                    )
                elif row and (mode == "set" or (mode == "add" and self._expired(db, row[1], now))):
                    cursor.execute(
                        f"UPDATE {table} SET {quote('value')} = %s, {expires} = %s "
                        f"WHERE {key_column} = %s",
                        [encoded, expiry, key],
                    )
                elif not row and mode != "touch":
                    cursor.execute(
                        f"INSERT INTO {table} ({key_column}, {quote('value')}, {expires}) "
                        "VALUES (%s, %s, %s)",
                        [key, encoded, expiry],
                    )
                else:
                    return False  # add of a live key, or touch of a missing one
        except DatabaseError:
            # Another writer inserted the key first: as in Django, the write is dropped.
            return False
        return True

    @staticmethod
    def _expired(db: str, expires, now: datetime) -> bool:
        connection = connections[db]
        expression = models.Expression(output_field=models.DateTimeField())
        converters = connection.ops.get_db_converters(expression)
        for converter in converters + expression.get_db_converters(connection):
            expires = converter(expires, expression, connection)
        return expires < now
