"""Django's SQLite backend, with writers queued on a file lock instead of SQLite's busy wait.

Every transaction here begins with `BEGIN IMMEDIATE`, which takes SQLite's one write lock. A
process that finds it taken is left by SQLite's busy handler to sleep and retry after 1, 2,
5, 10, 15, 20, 25… ms, whenever the lock was freed meanwhile: in an exam, where a submission
holds the lock for three or four milliseconds and answers arrive from every worker at once,
a save that missed the lock by a hair waited eight milliseconds for it, and those waits made
the slowest requests (issue #12). Here each transaction first takes an exclusive `flock` on a
file beside the database (`<database>-writers.lock`), polled every half millisecond, and only
then begins; SQLite's lock is then almost always free at once. A write sent outside a
transaction (an answer's one INSERT … SELECT) is left to SQLite's own lock, which it holds
for a fraction of a millisecond and seldom finds taken: queued for the whole statement, the
answers waited on each other (three interleaved pairs served a fifth fewer requests;
benchmarks/README.md, session 11). The wait keeps SQLite's `timeout` (a worker still gives up
with "database is locked", a 503, after SQLITE_TIMEOUT seconds), and a writer from outside (a
backup, a shell) still meets SQLite's own lock. An in-memory database (one process) needs no
queue.
"""

from __future__ import annotations

import fcntl
import os
import time

from django.db.backends.sqlite3 import base
from django.db.utils import OperationalError

POLL_SECONDS = 0.0005


class DatabaseWrapper(base.DatabaseWrapper):
    """SQLite with writers queued on a file lock (see the module docstring)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._writers_lock_fd: int | None = None
        self._holds_writers_lock = False

    def _start_transaction_under_autocommit(self) -> None:
        self._acquire_writers_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writers_lock()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()
        finally:
            self._release_writers_lock()

    def _rollback(self) -> None:
        try:
            super()._rollback()
        finally:
            self._release_writers_lock()

    def _close(self) -> None:
        try:
            super()._close()
        finally:
            self._release_writers_lock()
            if self._writers_lock_fd is not None:
                os.close(self._writers_lock_fd)
                self._writers_lock_fd = None

    def _writers_lock(self) -> int | None:
        if self.is_in_memory_db():
            return None
        if self._writers_lock_fd is None:
            path = f"{self.settings_dict['NAME']}-writers.lock"
            self._writers_lock_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        return self._writers_lock_fd

    def _acquire_writers_lock(self) -> None:
        fd = self._writers_lock()
        if fd is None or self._holds_writers_lock:
            return
        deadline = time.monotonic() + float(self.settings_dict["OPTIONS"].get("timeout", 5))
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise OperationalError("database is locked") from None
                time.sleep(POLL_SECONDS)
        self._holds_writers_lock = True

    def _release_writers_lock(self) -> None:
        if self._holds_writers_lock:
            self._holds_writers_lock = False
            fcntl.flock(self._writers_lock_fd, fcntl.LOCK_UN)
