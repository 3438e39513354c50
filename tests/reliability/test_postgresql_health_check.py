"""The health check of a persistent PostgreSQL connection (kzstudy/postgresql_backend): it
sends nothing while the connection is quiet, and still replaces one the server dropped.

PostgreSQL only (the `postgresql` marker)."""

from __future__ import annotations

import os
import select
import tempfile

import psycopg
import pytest
from django.db import connection
from psycopg import pq

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _as_the_next_request_begins() -> None:
    """What Django does around a request with CONN_HEALTH_CHECKS: at its start the connection
    is marked unchecked, and its first use checks it."""
    connection.close_if_unusable_or_obsolete()
    connection.close_if_health_check_failed()


def test_a_quiet_connection_is_checked_without_a_round_trip():
    pid = _backend_pid()
    pgconn = connection.connection.pgconn
    with tempfile.TemporaryFile("w+") as trace:
        pgconn.trace(trace.fileno())
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
        try:
            _as_the_next_request_begins()
        finally:
            pgconn.untrace()
        trace.seek(0)
        sent = trace.read()

    assert connection.health_check_done and sent == ""
    assert _backend_pid() == pid  # the same connection, kept


def test_a_connection_the_server_dropped_is_replaced_before_the_request_uses_it():
    pid = _backend_pid()
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
    goodbye = select.poll()
    goodbye.register(connection.connection.pgconn.socket, select.POLLIN)
    assert goodbye.poll(5000)  # the server's reason, then the end of the stream

    _as_the_next_request_begins()

    assert _backend_pid() != pid  # a new connection, and the request's query ran on it
