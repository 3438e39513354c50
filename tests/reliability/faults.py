"""Real database faults for in-process tests: the app's default connection is pointed at a
SQLite file that another connection holds locked, so every query fails the way it does in
production ("database is locked" once the timeout passes), through Django's own wrapping.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connections
from django.db.utils import ConnectionHandler

LOCK_TIMEOUT_SECONDS = 0.2


@contextmanager
def locked_default_database(directory: Path) -> Iterator[sqlite3.Connection]:
    """While inside, `connections["default"]` is a SQLite database locked by another writer.

    The file keeps SQLite's rollback journal (not WAL), in which an exclusive lock keeps out
    readers as well as writers: every query fails, as when a server is unreachable.
    """
    path = directory / "locked.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE IF NOT EXISTS filler (id INTEGER PRIMARY KEY)")
    holder.execute("BEGIN EXCLUSIVE")
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(path),
                "OPTIONS": {"timeout": LOCK_TIMEOUT_SECONDS},
            }
        }
    )
    locked = handler["default"]
    original = connections["default"]
    connections["default"] = locked
    try:
        yield holder
    finally:
        connections["default"] = original
        locked.close()
        holder.rollback()
        holder.close()
