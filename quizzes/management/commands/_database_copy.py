"""Backups of the configured database, the way each engine makes a consistent copy online:
SQLite's backup API (a page-by-page copy under its own locks, safe beside running servers),
PostgreSQL's pg_dump/pg_restore (custom format). docs/operations.md has the drill."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.db import connections

SQLITE = "sqlite"
POSTGRESQL = "postgresql"


def engine(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in (SQLITE, POSTGRESQL):
        raise CommandError(f"Backups cover SQLite and PostgreSQL, not {vendor}.")
    return vendor


def default_suffix(alias: str = "default") -> str:
    return ".sqlite3" if engine(alias) == SQLITE else ".dump"


def _sqlite_path(alias: str) -> Path:
    return Path(connections[alias].settings_dict["NAME"])


def _check_sqlite_file(path: Path) -> None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as copy:
            verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise CommandError(f"{path} is not a usable SQLite database: {error}") from error
    if verdict != "ok":
        raise CommandError(f"{path} failed SQLite's integrity check: {verdict}")


def _copy_sqlite(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _pg_environment(settings: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for the PostgreSQL tools; the password goes by environment, never
    on a command line other users can read."""
    args = []
    if settings.get("HOST"):
        args += ["--host", str(settings["HOST"])]
    if settings.get("PORT"):
        args += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["--username", str(settings["USER"])]
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise CommandError(f"{command[0]} is not installed (Debian: postgresql-client).")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise CommandError(f"{command[0]} failed: {done.stderr.strip() or done.stdout.strip()}")


def backup(target: Path, alias: str = "default") -> None:
    """Write a consistent copy of the database to `target` (a new file)."""
    if target.exists():
        raise CommandError(f"{target} exists; a backup never overwrites a file.")
    target.parent.mkdir(parents=True, exist_ok=True)
    settings = connections[alias].settings_dict
    if engine(alias) == SQLITE:
        _copy_sqlite(_sqlite_path(alias), target)
        _check_sqlite_file(target)
        return
    args, env = _pg_environment(settings)
    _run(
        ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *args,
         "--file", str(target), str(settings["NAME"])],
        env,
    )  # fmt: skip


def restore(source: Path, alias: str = "default") -> None:
    """Replace the database's contents with the backup in `source`."""
    if not source.is_file():
        raise CommandError(f"No backup at {source}.")
    settings = connections[alias].settings_dict
    connections[alias].close()
    if engine(alias) == SQLITE:
        _check_sqlite_file(source)
        _copy_sqlite(source, _sqlite_path(alias))
        return
    args, env = _pg_environment(settings)
    _run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
         "--single-transaction", "--exit-on-error", *args, "--dbname", str(settings["NAME"]),
         str(source)],
        env,
    )  # fmt: skip
