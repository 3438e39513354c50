"""Backups of the configured database, the way each engine makes a consistent copy online:
SQLite's backup API (a page-by-page copy under its own locks, safe beside running servers),
PostgreSQL's pg_dump/pg_restore (custom format). docs/operations.md has the drill.

A backup is one self-contained file (a SQLite copy in rollback-journal mode, no -wal or -shm
beside it), written to a temporary file in the target's directory, checked, and only then
given its name: a crash or a full disk never leaves a half-written file under that name.

A restore first checks the file the way the engine can (not empty, the engine's own format,
SQLite's integrity check or a full read by pg_restore), then that it is a kzstudy database
(its django_migrations table records quizzes migrations) this code can serve (no migration
the code does not have: a newer release made it). Anything else is refused before the
database is touched. A backup from an older release restores; `migrate` brings it up to date.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import struct
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.core.management.base import CommandError
from django.db import connections
from django.db.migrations.loader import MigrationLoader

SQLITE = "sqlite"
POSTGRESQL = "postgresql"

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"  # pg_dump's custom format
# The app whose migrations make a database kzstudy's.
KZSTUDY_APP = "quizzes"
NOTHING_CHANGED = "Nothing was changed."

Migration = tuple[str, str]


def engine(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in (SQLITE, POSTGRESQL):
        raise CommandError(f"Backups cover SQLite and PostgreSQL, not {vendor}.")
    return vendor


def default_suffix(alias: str = "default") -> str:
    return ".sqlite3" if engine(alias) == SQLITE else ".dump"


def _sqlite_path(alias: str) -> Path:
    return Path(connections[alias].settings_dict["NAME"])


def _sqlite_uri(path: Path, **parameters: str) -> str:
    query = "&".join(f"{key}={value}" for key, value in parameters.items())
    return f"file:{quote(str(path.absolute()))}?{query}"


# -- What a file holds --------------------------------------------------------------------------


def _check_not_empty(path: Path, label: str) -> bytes:
    """The file's first bytes; an empty file is no backup."""
    with path.open("rb") as file:
        head = file.read(100)
    if not head:
        raise CommandError(f"{label} is empty (0 bytes): not a backup.")
    return head


def _sqlite_migrations(path: Path, label: str) -> set[Migration]:
    """The migrations recorded in the SQLite file at `path`, after checking it is a whole,
    undamaged SQLite database with kzstudy's tables."""
    head = _check_not_empty(path, label)
    if head.startswith(PG_DUMP_MAGIC):
        raise CommandError(
            f"{label} is a PostgreSQL dump (pg_dump); this site runs on SQLite: "
            "not a backup it can restore."
        )
    if not head.startswith(SQLITE_MAGIC):
        raise CommandError(f"{label} is not a SQLite database: not a backup of this site.")
    if len(head) < 100:
        raise CommandError(f"{label} is truncated: {len(head)} bytes, not even a header.")
    _check_sqlite_length(path, head, label)
    try:
        # immutable: read the file as it is, making no -wal/-shm beside it (a backup made in
        # WAL mode by an older kzstudy opens too).
        with contextlib.closing(sqlite3.connect(_sqlite_uri(path, immutable="1"), uri=True)) as db:
            problems = [row[0] for row in db.execute("PRAGMA integrity_check(20)")]
            if problems != ["ok"]:
                detail = "; ".join(" ".join(problem.split()) for problem in problems[:3])
                raise CommandError(f"{label} is damaged: SQLite's integrity check says: {detail}.")
            tables = {
                row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if not tables - {"sqlite_sequence"}:
                raise CommandError(f"{label} holds no tables: not a kzstudy backup.")
            if "django_migrations" not in tables:
                raise CommandError(f"{label} is not a kzstudy backup (no django_migrations table).")
            return {(app, name) for app, name in db.execute(
                "SELECT app, name FROM django_migrations"
            )}  # fmt: skip
    except sqlite3.Error as error:
        raise CommandError(f"{label} is damaged: SQLite cannot read it ({error}).") from error


def _check_sqlite_length(path: Path, head: bytes, label: str) -> None:
    """A file shorter than its header says lost its end (a copy cut short)."""
    (page_size,) = struct.unpack(">H", head[16:18])
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise CommandError(f"{label} is damaged: its header names no valid page size.")
    (change_counter, pages) = struct.unpack(">II", head[24:32])
    (valid_for,) = struct.unpack(">I", head[92:96])
    size = path.stat().st_size
    if pages and change_counter == valid_for and size < pages * page_size:
        raise CommandError(
            f"{label} is truncated: its header says {pages * page_size} bytes, the file has {size}."
        )
    if size % page_size:
        raise CommandError(
            f"{label} is truncated: {size} bytes is not a whole number of {page_size}-byte pages."
        )


def _pg_migrations(path: Path, label: str, env: dict[str, str]) -> set[Migration]:
    """The migrations recorded in the pg_dump archive at `path`, after checking it is a whole,
    readable archive with kzstudy's tables (pg_restore reads it without a database)."""
    head = _check_not_empty(path, label)
    if head.startswith(SQLITE_MAGIC):
        raise CommandError(
            f"{label} is a SQLite database; this site runs on PostgreSQL: "
            "not a backup it can restore."
        )
    if not head.startswith(PG_DUMP_MAGIC):
        raise CommandError(
            f"{label} is not a pg_dump archive (custom format, as backup_database writes): "
            "not a backup of this site."
        )

    def unreadable(error: CommandError) -> CommandError:
        return CommandError(f"{label} is damaged or truncated ({error}).")

    try:
        listing = _run(["pg_restore", "--list", str(path)], env)
        # A full read (to nowhere) meets a cut or damaged data block anywhere in the file.
        _run(["pg_restore", "--file", os.devnull, str(path)], env)
    except _ToolFailed as error:
        raise unreadable(error) from error
    tables = set(re.findall(r"^\d+; \d+ \d+ TABLE \S+ (\S+) ", listing, re.MULTILINE))
    if not tables:
        raise CommandError(f"{label} holds no tables: not a kzstudy backup.")
    if "django_migrations" not in tables:
        raise CommandError(f"{label} is not a kzstudy backup (no django_migrations table).")
    try:
        data = _run(
            ["pg_restore", "--data-only", "--table", "django_migrations", "--file", "-",
             str(path)],
            env,
        )  # fmt: skip
    except _ToolFailed as error:
        raise unreadable(error) from error
    return _copied_migrations(data)


def _copied_migrations(sql: str) -> set[Migration]:
    """The (app, name) rows of django_migrations' COPY block in pg_restore's SQL."""
    migrations: set[Migration] = set()
    columns: list[str] | None = None
    for line in sql.splitlines():
        if columns is None:
            copy = re.match(r"COPY \S*django_migrations \((.*)\) FROM stdin;$", line)
            if copy:
                columns = [column.strip().strip('"') for column in copy.group(1).split(",")]
            continue
        if line == "\\.":
            break
        row = dict(zip(columns, line.split("\t"), strict=False))
        if "app" in row and "name" in row:
            migrations.add((row["app"], row["name"]))
    return migrations


def listed(names: list[str], most: int = 5) -> str:
    """`names` for a message: the first few, and how many more."""
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return ", ".join(names[:most]) + more


def _check_kzstudy(applied: set[Migration], label: str) -> None:
    if not any(app == KZSTUDY_APP for app, _ in applied):
        raise CommandError(
            f"{label} is not a kzstudy backup (no {KZSTUDY_APP} migrations in its "
            "django_migrations table)."
        )


def _pending_migrations(applied: set[Migration], label: str) -> list[str]:
    """The code's migrations the backup lacks (`migrate` applies them); refused when the backup
    records migrations of this code's apps that the code does not have: a newer release made
    it, and this code would serve tables it does not know. (Apps the code no longer has are
    left alone, as `migrate` leaves them.)"""
    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    apps = {app for app, _ in on_disk}
    unknown = sorted(f"{app}.{name}" for app, name in applied - on_disk if app in apps)
    if unknown:
        raise CommandError(
            f"{label} comes from a newer kzstudy: it records {len(unknown)} migration(s) this "
            f"code does not have ({listed(unknown)}). Upgrade the code to that release, then "
            "restore."
        )
    return sorted(f"{app}.{name}" for app, name in on_disk - applied)


# -- Writing a backup ---------------------------------------------------------------------------


def _check_directory(directory: Path, create: bool) -> None:
    if create:
        directory.mkdir(parents=True, exist_ok=True)
    elif not directory.exists():
        raise CommandError(
            f"Cannot write the backup: {directory} does not exist (create it first)."
        )
    if not directory.is_dir():
        raise CommandError(f"Cannot write the backup: {directory} is not a directory.")


@contextlib.contextmanager
def _new_file(target: Path) -> Iterator[Path]:
    """A temporary file beside `target` (readable by its owner only) for the body to fill;
    when the body returns, the file is flushed to disk and takes `target`'s name in one step.
    On any failure it is removed, and `target` never exists half-written."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(fd)
    partial = Path(name)
    try:
        yield partial
        _fsync(partial)
        _publish(partial, target)
        _fsync(target.parent)
    finally:
        for leftover in (partial, *(Path(f"{partial}{side}") for side in SIDE_FILES)):
            leftover.unlink(missing_ok=True)


SIDE_FILES = ("-journal", "-wal", "-shm")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _publish(partial: Path, target: Path) -> None:
    """Give `partial` the name `target`, never replacing a file that appeared there meanwhile
    (a hard link fails if the name exists; a rename, the fallback where the file system has
    no hard links, would replace it silently)."""
    try:
        os.link(partial, target)
    except FileExistsError:
        raise _exists(target) from None
    except OSError:
        if target.exists():
            raise _exists(target) from None
        partial.rename(target)


def _exists(target: Path) -> CommandError:
    return CommandError(f"{target} exists; a backup never overwrites a file.")


def _copy_sqlite(source: Path, target: Path) -> None:
    """Copy the live database at `source` into the new file `target`, and make the copy a
    rollback-journal database: the backup API copies the source's header, WAL mode with it,
    and a WAL-mode file makes -wal and -shm files beside itself whenever it is opened."""
    with (
        contextlib.closing(sqlite3.connect(_sqlite_uri(source, mode="rw"), uri=True)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)
        mode = dst.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        if mode != "delete":
            raise CommandError(f"The copy stayed in {mode} journal mode.")


def backup(target: Path, alias: str = "default", *, create_directory: bool = False) -> None:
    """Write a consistent copy of the database to `target` (a new file). `create_directory`:
    make the target's missing directories (the default location); else a missing directory
    is refused, as `cp` would."""
    if target.exists():
        raise _exists(target)
    _check_directory(target.parent, create_directory)
    settings = connections[alias].settings_dict
    sqlite = engine(alias) == SQLITE
    live = _sqlite_path(alias) if sqlite else None
    if live is not None and not live.is_file():
        raise CommandError(f"No SQLite database at {live}: nothing to back up.")
    label = f"The copy of {live if sqlite else settings['NAME']}"
    try:
        with _new_file(target) as partial:
            if live is not None:
                try:
                    _copy_sqlite(live, partial)
                except sqlite3.Error as error:
                    raise CommandError(f"Cannot copy {live}: {error}") from error
                applied = _sqlite_migrations(partial, label)
            else:
                args, env = _pg_environment(settings)
                _run_or_fail(
                    ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *args,
                     "--file", str(partial), str(settings["NAME"])],
                    env,
                )  # fmt: skip
                applied = _pg_migrations(partial, label, env)
            # A backup restore_database would refuse is no backup.
            _check_kzstudy(applied, label)
    except OSError as error:
        raise CommandError(f"Cannot write the backup {target}: {error}") from error
    except CommandError as error:
        raise CommandError(f"{error} No backup was written.") from error


# -- Restoring ----------------------------------------------------------------------------------


def restore(source: Path, alias: str = "default") -> list[str]:
    """Replace the database's contents with the backup in `source`, after checking it (a file
    that is not a usable kzstudy backup changes nothing). The code's migrations the backup
    predates (for `migrate`)."""
    if not source.is_file():
        raise CommandError(f"No backup at {source}. {NOTHING_CHANGED}")
    settings = connections[alias].settings_dict
    label = str(source)
    try:
        if engine(alias) == SQLITE:
            live = _sqlite_path(alias)
            if live.exists() and source.resolve() == live.resolve():
                raise CommandError(f"{source} is the database itself.")
            applied = _sqlite_migrations(source, label)
        else:
            args, env = _pg_environment(settings)
            applied = _pg_migrations(source, label, env)
        _check_kzstudy(applied, label)
        pending = _pending_migrations(applied, label)
    except CommandError as error:
        raise CommandError(f"{error} {NOTHING_CHANGED}") from error

    connections[alias].close()
    if engine(alias) == SQLITE:
        try:
            with (
                contextlib.closing(
                    sqlite3.connect(_sqlite_uri(source, immutable="1"), uri=True)
                ) as src,
                contextlib.closing(sqlite3.connect(live)) as dst,
            ):
                src.backup(dst)
        except sqlite3.Error as error:
            raise CommandError(f"Cannot restore into {live}: {error}") from error
        return pending
    _run_or_fail(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
         "--single-transaction", "--exit-on-error", *args, "--dbname", str(settings["NAME"]),
         str(source)],
        env,
    )  # fmt: skip
    return pending


# -- PostgreSQL's tools -------------------------------------------------------------------------


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


class _ToolFailed(CommandError):
    """A PostgreSQL tool exited with an error (its message)."""


def _run(command: list[str], env: dict[str, str]) -> str:
    """Run a PostgreSQL tool; its standard output."""
    if shutil.which(command[0]) is None:
        raise CommandError(f"{command[0]} is not installed (Debian: postgresql-client).")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = (done.stderr.strip() or done.stdout.strip()).splitlines()
        raise _ToolFailed(f"{command[0]} failed: {'; '.join(dict.fromkeys(lines))}")
    return done.stdout


def _run_or_fail(command: list[str], env: dict[str, str]) -> str:
    try:
        return _run(command, env)
    except _ToolFailed as error:
        raise CommandError(str(error)) from error
