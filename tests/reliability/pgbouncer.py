"""A PgBouncer of the test's own (Debian's pgbouncer) in front of a PostgreSQL server: a config
in a temporary directory, a free port, transaction pooling, its admin console for what it saw."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg

from tests.browser.server import stop_process

CONFIG = """
[databases]
* = host=127.0.0.1 port={server_port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir = {directory}
auth_type = trust
auth_file = {directory}/userlist.txt
admin_users = postgres
pool_mode = transaction
default_pool_size = {pool_size}
max_client_conn = 200
logfile = {directory}/pgbouncer.log
pidfile = {directory}/pgbouncer.pid
"""
START_TIMEOUT = 20.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PgBouncer:
    """Start `binary` in front of PostgreSQL on 127.0.0.1:`server_port`, each database pooled
    per transaction on at most `pool_size` server connections; `url(database)` reaches it."""

    def __init__(self, binary: str, server_port: int, *, pool_size: int = 3) -> None:
        self.binary = binary
        # Not under pytest's temporary directory: the postgres user must be able to reach it.
        self.directory = Path(tempfile.mkdtemp(prefix="kzstudy-pgbouncer-"))
        self.log = self.directory / "pgbouncer.log"
        (self.directory / "userlist.txt").write_text('"postgres" ""\n')
        self.config = self.directory / "pgbouncer.ini"
        self.server_port = server_port
        self.pool_size = pool_size
        self.process: subprocess.Popen | None = None
        if os.geteuid() == 0:  # PgBouncer refuses to run as root
            for path in (self.directory, *self.directory.iterdir()):
                shutil.chown(path, "postgres", "postgres")
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _start(self) -> None:
        for _ in range(3):  # a port taken meanwhile: try another
            self.port = _free_port()
            self.config.write_text(
                CONFIG.format(
                    server_port=self.server_port,
                    port=self.port,
                    directory=self.directory,
                    pool_size=self.pool_size,
                )
            )
            command = [self.binary, str(self.config)]
            if os.geteuid() == 0:
                command = ["runuser", "-u", "postgres", "--", *command]
            self.process = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            deadline = time.monotonic() + START_TIMEOUT
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    self.admin("SHOW VERSION")
                    return
                except psycopg.OperationalError:
                    time.sleep(0.1)
            self._stop_process()
        raise RuntimeError(f"PgBouncer did not start:\n{self.log_text()}")

    def admin(self, command: str) -> list[dict[str, Any]]:
        """A command on the admin console (the `pgbouncer` database): its rows, by column."""
        # The console speaks the simple query protocol only: a client-side cursor uses it.
        with psycopg.connect(
            self.url("pgbouncer"),
            autocommit=True,
            connect_timeout=2,
            cursor_factory=psycopg.ClientCursor,
        ) as connection:
            cursor = connection.execute(command)
            names = [column.name for column in cursor.description or []]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def log_text(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def _stop_process(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        # runuser passes SIGTERM on to PgBouncer: an immediate shutdown (its clients are gone).
        stop_process(self.process)
        pidfile = self.directory / "pgbouncer.pid"
        if pidfile.exists():  # still there: PgBouncer outlived runuser
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pidfile.read_text().strip()), signal.SIGKILL)

    def stop(self) -> None:
        try:
            self._stop_process()
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)
