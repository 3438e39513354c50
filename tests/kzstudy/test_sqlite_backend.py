"""SQLite writers queue on a file lock: the next one begins as soon as the last commits, a
stuck one still turns into "database is locked" (a 503) after the timeout, and no failure
leaves the lock behind."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connections
from django.db.utils import OperationalError

from kzstudy.outage import is_database_outage
from kzstudy.settings import database_from_url
from kzstudy.sqlite_backend.base import DatabaseWrapper


def writer(path, timeout: float = 5.0) -> DatabaseWrapper:
    url = f"sqlite:///{path}"
    settings = connections.configure_settings({"default": database_from_url(url)})["default"]
    settings["OPTIONS"]["timeout"] = timeout
    connection = DatabaseWrapper(settings, alias="w")
    connection.ensure_connection()
    return connection


def begin(connection: DatabaseWrapper) -> None:
    connection._start_transaction_under_autocommit()


@pytest.fixture(autouse=True)
def own_connections(django_db_blocker):
    """These tests open their own SQLite files, outside the test database."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "queue.sqlite3"
    first = writer(path)
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n integer)")
    first.close()
    return path


def test_the_project_uses_the_queueing_backend_for_sqlite(tmp_path):
    assert database_from_url(f"sqlite:///{tmp_path}/x.sqlite3")["ENGINE"] == (
        "kzstudy.sqlite_backend"
    )


def test_a_writer_begins_as_soon_as_the_one_before_commits(database):
    holder = writer(database)
    begin(holder)
    began = []

    def second_writer():
        other = writer(database)
        begin(other)  # waits here while the holder's transaction is open
        began.append(time.monotonic())
        with other.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (2)")
        other.commit()
        other.close()

    thread = threading.Thread(target=second_writer)
    thread.start()
    time.sleep(0.35)
    assert began == []  # still queued behind the open transaction
    with holder.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")
    released = time.monotonic()
    holder.commit()
    thread.join(5)

    assert began and began[0] - released < 0.03  # not a busy-wait sleep of SQLite's
    with holder.cursor() as cursor:
        cursor.execute("SELECT n FROM t ORDER BY n")
        assert cursor.fetchall() == [(1,), (2,)]
    holder.close()


def test_a_writer_stuck_past_the_timeout_is_a_database_outage(database):
    holder = writer(database)
    begin(holder)
    waiting = writer(database, timeout=0.2)

    with pytest.raises(OperationalError, match="database is locked") as refused:
        begin(waiting)

    assert is_database_outage(refused.value)  # answered 503 with Retry-After
    holder.rollback()
    begin(waiting)  # the lock was not left behind by the refusal
    waiting.rollback()
    holder.close()
    waiting.close()


@pytest.mark.parametrize("ending", ["rollback", "close"])
def test_no_ending_of_a_transaction_leaves_the_writers_lock_held(database, ending):
    holder = writer(database)
    begin(holder)
    getattr(holder, ending)()
    nextone = writer(database, timeout=0.1)

    begin(nextone)  # at once: a held lock would time out

    nextone.rollback()
    nextone.close()
    holder.close()
