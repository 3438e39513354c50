"""Django's PostgreSQL backend, with a health check that sends nothing for a connection in
steady use, and prepared statements planned again every few seconds.

With CONN_HEALTH_CHECKS, Django tests a persistent connection before its first use in every
request by running `SELECT 1` on it: under gunicorn that was one round trip of an answer's
three, and 20 of an exam attempt's 67 (issue #12). Here a connection used in the last
second (an exam's steady stream of requests) is checked without a round trip, as HikariCP's
"alive bypass window" does; one idle for longer still gets the `SELECT 1`.

Inside that second, a connection the server has dropped (a restart, a failover,
`pg_terminate_backend`, PgBouncer going away) is still caught: the server sends its reason and
closes the socket, which then has something to read, so a connection with anything to read
gets the `SELECT 1` too. Only a link that died without a word inside that second (a cable cut
between two requests) reaches a request's first statement, which fails as the `SELECT 1`
would have after the same wait: that request answers 503 (kzstudy/outage.py) and Django
replaces the connection for the next.

A statement run twice on a connection is prepared there (kzstudy/settings.py), and PostgreSQL
keeps the plan it chose for it until its tables are analysed again, which autovacuum does
about once a minute at most. On a fresh database an exam's first answers plan the write
limit's count of an attempt's steps while the step table holds a page or two, as a scan of
the whole table; every later answer then read a table that grows with each one (issue #12).
So a connection drops its prepared statements every PLANS_MAX_AGE_SECONDS between two
requests (psycopg sends `DEALLOCATE ALL` after the next query, one round trip); they are
prepared and planned again, for the tables as they are then.
"""

from __future__ import annotations

import select
import time

from django.db.backends.postgresql import base
from psycopg import pq

# Seconds since its last statement within which a quiet connection is taken as usable.
ALIVE_BYPASS_SECONDS = 1.0
# Seconds a connection keeps the plans of its prepared statements.
PLANS_MAX_AGE_SECONDS = 10.0


class DatabaseWrapper(base.DatabaseWrapper):
    """PostgreSQL with a health check that sends nothing for a connection in steady use, and
    prepared statements planned again every PLANS_MAX_AGE_SECONDS."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._last_used = float("-inf")
        self._plans_since = float("inf")

    def connect(self) -> None:
        super().connect()
        self._plans_since = time.monotonic()

    def close_if_unusable_or_obsolete(self) -> None:
        super().close_if_unusable_or_obsolete()
        if time.monotonic() - self._plans_since >= PLANS_MAX_AGE_SECONDS:
            self._plan_again()

    def _plan_again(self) -> None:
        """Drop this connection's prepared statements, between two requests only."""
        connection = self.connection
        if connection is None or self.in_atomic_block or not self.get_autocommit():
            return
        if connection.pgconn.transaction_status != pq.TransactionStatus.IDLE:
            return
        self._plans_since = time.monotonic()
        if not self.settings_dict["OPTIONS"].get("server_side_binding"):
            return  # queries bound client-side (behind PgBouncer) are planned every time
        # psycopg's own way (as after a ROLLBACK): it forgets its statements and sends
        # DEALLOCATE ALL after the next query. A DEALLOCATE ALL run as a query would leave
        # psycopg's cache and the server's out of step whenever psycopg did not look at its
        # result (a statement it had seen before): "prepared statement _pg3_0 does not exist".
        prepared = getattr(connection, "_prepared", None)
        if callable(getattr(prepared, "clear", None)):
            prepared.clear()
        else:
            self.close()  # a psycopg without it: a new connection has no plans either

    def create_cursor(self, name=None):
        self._last_used = time.monotonic()
        return super().create_cursor(name)

    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed:
            return False
        pgconn = connection.pgconn
        if pgconn.status != pq.ConnStatus.OK:
            return False
        steady = time.monotonic() - self._last_used < ALIVE_BYPASS_SECONDS
        if steady and pgconn.transaction_status == pq.TransactionStatus.IDLE:
            quiet = select.poll()
            quiet.register(pgconn.socket, select.POLLIN | select.POLLPRI)
            if not quiet.poll(0):
                return True
        return super().is_usable()
