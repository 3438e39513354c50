"""backup_database writes one self-contained file, whole or not at all: what it does when the
copy fails or the process dies midway, where it writes without a path, and what it does with
a live SQLite database in WAL mode. (The round trip on the suite's engine, and restore's
refusals: tests/reliability/test_backup_restore.py.)

These run in-process on a small SQLite file standing in for the site's database, whatever
engine the suite runs on."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from quizzes.management.commands import _database_copy


@pytest.fixture
def live(tmp_path: Path, monkeypatch) -> Iterator[Path]:
    """The site's database: a SQLite file in WAL mode recording a quizzes migration, with its
    newest row still in the -wal file (a second connection stays open, so nothing checkpoints
    it), as on a running site."""
    path = tmp_path / "site" / "kzstudy.sqlite3"
    path.parent.mkdir()
    with contextlib.closing(sqlite3.connect(path)) as database:
        database.execute("PRAGMA journal_mode=WAL")
        database.executescript(
            "CREATE TABLE django_migrations (id integer PRIMARY KEY, app text, name text, applied text);"
            "INSERT INTO django_migrations (app, name, applied) VALUES ('quizzes', '0001_initial', '');"
            "CREATE TABLE notes (body text);"
        )
        database.commit()
        with contextlib.closing(sqlite3.connect(path)) as server:
            server.execute("PRAGMA wal_autocheckpoint=0")
            server.execute("INSERT INTO notes VALUES ('written by the running site')")
            server.commit()
            assert Path(f"{path}-wal").stat().st_size > 0
            monkeypatch.setattr(_database_copy, "engine", lambda alias="default": "sqlite")
            monkeypatch.setattr(_database_copy, "_sqlite_path", lambda alias: path)
            yield path


def notes_in(path: Path) -> list[str]:
    uri = f"file:{path}?immutable=1"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as database:
        return [row[0] for row in database.execute("SELECT body FROM notes")]


def test_a_backup_is_one_file_in_rollback_journal_mode_holding_what_the_wal_held(
    live: Path, tmp_path: Path
):
    target = tmp_path / "backups" / "kzstudy.sqlite3"
    target.parent.mkdir()

    call_command("backup_database", str(target), stdout=io.StringIO())

    assert os.listdir(target.parent) == [target.name]
    assert target.read_bytes()[18:20] == b"\x01\x01"  # rollback journal, not WAL
    assert notes_in(target) == ["written by the running site"]
    assert os.listdir(target.parent) == [target.name]  # reading it made no side files either


def test_without_a_path_the_backup_goes_to_var_backups_made_if_missing(
    live: Path, tmp_path: Path, settings
):
    """`make backup` runs the command without a path and relies on var/backups being made."""
    settings.BASE_DIR = tmp_path / "kzstudy"
    out = io.StringIO()

    call_command("backup_database", stdout=out)

    [written] = (tmp_path / "kzstudy" / "var" / "backups").iterdir()
    assert written.name.startswith("kzstudy-") and written.suffix == ".sqlite3"
    assert out.getvalue().strip() == f"Backed up to {written}"
    assert notes_in(written) == ["written by the running site"]


def test_a_backup_into_a_missing_directory_is_refused_and_makes_none(live: Path, tmp_path: Path):
    target = tmp_path / "no" / "such" / "kzstudy.sqlite3"

    with pytest.raises(CommandError, match=r"no/such does not exist \(create it first\)"):
        call_command("backup_database", str(target))

    assert not (tmp_path / "no").exists()


def half_a_copy_then(failure):
    """A stand-in for the copy: half the database's bytes in the file it writes, then
    `failure`."""

    def copy(source: Path, target: Path) -> None:
        whole = source.read_bytes()
        with target.open("wb") as file:
            file.write(whole[: len(whole) // 2])
        failure()

    return copy


def test_a_backup_that_fails_midway_leaves_nothing_under_its_name(
    live: Path, tmp_path: Path, monkeypatch
):
    def disk_full():
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(_database_copy, "_copy_sqlite", half_a_copy_then(disk_full))
    target = tmp_path / "backups" / "kzstudy.sqlite3"
    target.parent.mkdir()

    with pytest.raises(CommandError, match="No space left on device"):
        call_command("backup_database", str(target))

    assert os.listdir(target.parent) == []  # not the half copy, nor its temporary file


KILLED_MIDWAY = """
import os, signal, sys
from pathlib import Path
import django
django.setup()
from django.core.management import call_command
from quizzes.management.commands import _database_copy

live, target = Path(sys.argv[1]), sys.argv[2]

def copy_half_then_die(source, partial):
    whole = source.read_bytes()
    with partial.open("wb") as file:
        file.write(whole[: len(whole) // 2])
    os.kill(os.getpid(), signal.SIGKILL)

_database_copy.engine = lambda alias="default": "sqlite"
_database_copy._sqlite_path = lambda alias: live
_database_copy._copy_sqlite = copy_half_then_die
call_command("backup_database", target)
"""


def test_a_backup_killed_midway_leaves_nothing_under_its_name(live: Path, tmp_path: Path):
    """A crash (here SIGKILL, halfway through the copy) leaves at most a hidden `.partial`
    file, never a half-written backup under the name an operator or a restore would trust."""
    target = tmp_path / "backups" / "kzstudy.sqlite3"
    target.parent.mkdir()

    done = subprocess.run(
        [sys.executable, "-c", KILLED_MIDWAY, str(live), str(target)],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "kzstudy.settings_test"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == -signal.SIGKILL, done.stderr
    assert not target.exists()
    leftovers = os.listdir(target.parent)
    assert all(name.startswith(f".{target.name}.") for name in leftovers), leftovers
    assert all(name.endswith(".partial") for name in leftovers), leftovers


def test_a_file_made_under_the_name_during_the_backup_is_not_replaced(
    live: Path, tmp_path: Path, monkeypatch
):
    target = tmp_path / "backups" / "kzstudy.sqlite3"
    target.parent.mkdir()
    copy = _database_copy._copy_sqlite

    def copy_while_another_file_appears(source: Path, partial: Path) -> None:
        copy(source, partial)
        target.write_bytes(b"someone else's file")

    monkeypatch.setattr(_database_copy, "_copy_sqlite", copy_while_another_file_appears)

    with pytest.raises(CommandError, match="never overwrites"):
        call_command("backup_database", str(target))

    assert target.read_bytes() == b"someone else's file"
    assert os.listdir(target.parent) == [target.name]
