"""The backup/restore drill of docs/operations.md, on the suite's engine (a SQLite file, or
PostgreSQL with pg_dump/pg_restore): a submitted attempt survives the round trip, into the
same database and into a new empty one; a file that is not a usable kzstudy backup (empty,
damaged, another application's, from a newer release) is refused and changes nothing; a backup
is one self-contained file, written whole or not at all."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from tests.browser.server import KzstudyServer, _drop_database, _fresh_database

DRILL = """
import json
from django.contrib.auth import get_user_model
from quizzes.models import Course, Enrolment, Quiz
from quizzes.services.attempts import answers_save, attempt_start, attempt_submit
quiz = Quiz.objects.get(key="final-exam")
course = Course.objects.create(slug="drill", title="Drill", article_id=quiz.article_id)
user = get_user_model().objects.create_user("drill-learner", password="drill-password-1")
Enrolment.objects.create(course=course, user=user, role="learner")
attempt = attempt_start(quiz=quiz, user=user, course=course)
first = attempt.responses.order_by("position").first()
answers_save(attempt_id=attempt.pk, user=user, answers={}, flags={first.question_id: True})
attempt_submit(attempt_id=attempt.pk, user=user)
"""

SUMMARY = """
import json
from django.contrib.auth import get_user_model
from quizzes.models import Attempt, ResponseStep
a = Attempt.objects.select_related("user").get(user__username="drill-learner")
print(json.dumps({
    "attempt": a.pk, "state": a.state, "score": str(a.score), "max": str(a.max_score),
    "submitted_at": a.submitted_at.isoformat(), "responses": a.responses.count(),
    "flagged": list(a.responses.filter(is_flagged=True).values_list("position", flat=True)),
    "steps": ResponseStep.objects.filter(response__attempt=a).count(),
    "password_ok": a.user.check_password("drill-password-1"),
    "users": sorted(get_user_model().objects.values_list("username", flat=True)),
}))
"""


def new_server(workdir: Path) -> KzstudyServer:
    """A database of the suite's engine (not served: the drill needs only manage.py)."""
    return KzstudyServer(base_dir=Path(settings.BASE_DIR), workdir=workdir, article=None)


def summary(server: KzstudyServer) -> dict:
    return json.loads(server.shell(SUMMARY).strip().splitlines()[-1])


def manage_unchecked(server: KzstudyServer, *args: str) -> subprocess.CompletedProcess:
    """`manage.py <args>` as an operator runs it: its exit code and output, failure or not."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=server.base_dir,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_restore_refused(server: KzstudyServer, path: Path, *reasons: str) -> str:
    """`restore_database PATH --yes` fails with a CommandError naming each of `reasons`, not a
    traceback; its message."""
    done = manage_unchecked(server, "restore_database", str(path), "--yes")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith("CommandError: "), done.stderr
    for reason in reasons:
        assert reason in done.stderr, done.stderr
    assert "Nothing was changed." in done.stderr
    return done.stderr


def other_database(server: KzstudyServer, path: Path, statements: list[str]) -> Path:
    """A file of the kind backup_database writes on the server's engine (a SQLite file, a
    pg_dump archive) holding a database made of `statements` rather than kzstudy's."""
    if not server.uses_postgresql:
        with sqlite3.connect(path) as database:
            # A table made and dropped: a SQLite file with pages but no tables.
            database.executescript("CREATE TABLE scratch (x); DROP TABLE scratch;")
            for statement in statements:
                database.execute(statement)
        database.close()
        return path
    import psycopg

    url = _fresh_database(path.parent)
    try:
        with psycopg.connect(url, autocommit=True) as database:
            for statement in statements:
                database.execute(statement)
        subprocess.run(
            ["pg_dump", "--format=custom", "--file", str(path), url], check=True, timeout=60
        )
    finally:
        _drop_database(url)
    return path


def newest_quizzes_migration(server: KzstudyServer) -> tuple[str, str]:
    """The (app, name) of the newest quizzes migration recorded in the server's database."""
    return tuple(json.loads(server.shell(
        "import json; from django.db.migrations.recorder import MigrationRecorder; "
        "m = MigrationRecorder.Migration.objects.filter(app='quizzes').latest('name'); "
        "print(json.dumps([m.app, m.name]))"
    ).strip().splitlines()[-1]))  # fmt: skip


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Iterator[KzstudyServer]:
    """One database for the module (migrating one takes seconds); each test leaves it as the
    drill found it."""
    server = new_server(tmp_path_factory.mktemp("source"))
    server.manage("migrate", "--noinput", "-v", "0")
    server.manage("load_content")
    server.shell(DRILL)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def backup_file(source: KzstudyServer, tmp_path_factory) -> Path:
    suffix = ".dump" if source.uses_postgresql else ".sqlite3"
    path = tmp_path_factory.mktemp("backups") / f"kzstudy{suffix}"
    output = source.manage("backup_database", str(path))
    assert output.strip() == f"Backed up to {path}"
    return path


def test_an_attempt_survives_backup_and_restore_into_the_same_database(
    source: KzstudyServer, backup_file: Path
):
    before = summary(source)
    assert before["state"] == "submitted" and before["flagged"] == [1]
    assert before["password_ok"] is True
    source.shell("from django.contrib.auth import get_user_model; "
                 "get_user_model().objects.create_user('joined-after-the-backup')")  # fmt: skip

    source.manage("restore_database", str(backup_file), "--yes")

    after = summary(source)
    assert after == before  # and the account made after the backup is gone
    assert "joined-after-the-backup" not in after["users"]


def test_a_backup_restores_into_a_new_empty_database(
    source: KzstudyServer, backup_file: Path, tmp_path: Path
):
    target = new_server(tmp_path / "new-host")
    try:
        target.manage("restore_database", str(backup_file), "--yes")
        assert summary(target) == summary(source)
        # Nothing left to migrate: the restored database is ready to serve.
        target.manage("migrate", "--check", "--noinput")
    finally:
        target.stop()


def test_a_restore_asks_for_confirmation_and_refuses_a_damaged_file(
    source: KzstudyServer, tmp_path: Path
):
    before = summary(source)
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(b"not a backup at all" * 100)

    unconfirmed = manage_unchecked(source, "restore_database", str(damaged))
    assert unconfirmed.returncode == 1
    assert "add --yes" in unconfirmed.stderr
    refused = manage_unchecked(source, "restore_database", str(damaged), "--yes")
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert summary(source) == before  # nothing changed


def test_a_backup_never_overwrites_a_file(source: KzstudyServer, backup_file: Path):
    first = backup_file.read_bytes()
    done = manage_unchecked(source, "backup_database", str(backup_file))
    assert done.returncode == 1 and "never overwrites" in done.stderr
    assert backup_file.read_bytes() == first


def test_restoring_an_empty_file_is_refused_and_the_site_keeps_its_data(
    source: KzstudyServer, tmp_path: Path
):
    before = summary(source)
    empty = tmp_path / "empty.backup"
    empty.touch()

    assert_restore_refused(source, empty, "is empty (0 bytes)")

    assert summary(source) == before


def test_restoring_a_file_that_is_no_backup_says_what_it_is_and_keeps_the_data(
    source: KzstudyServer, tmp_path: Path
):
    before = summary(source)
    text = tmp_path / "notes.txt"
    text.write_text("a shopping list, not a database\n" * 50)
    expected = "pg_dump" if source.uses_postgresql else "not a SQLite database"

    assert_restore_refused(source, text, expected)

    assert summary(source) == before


@pytest.mark.parametrize(
    ("statements", "reason"),
    [
        pytest.param([], "holds no tables", id="a database with no tables"),
        pytest.param(
            ["CREATE TABLE notes (id integer PRIMARY KEY, body text)",
             "INSERT INTO notes VALUES (1, 'another application')"],
            "no django_migrations table",
            id="another application's database",
        ),
        pytest.param(
            ["CREATE TABLE django_migrations (id integer PRIMARY KEY, app varchar(255), "
             "name varchar(255), applied timestamp)",
             "INSERT INTO django_migrations VALUES (1, 'contenttypes', '0001_initial', "
             "CURRENT_TIMESTAMP)"],
            "no quizzes migrations",
            id="a Django site that is not kzstudy",
        ),
    ],
)  # fmt: skip
def test_restoring_an_empty_or_foreign_database_is_refused_and_the_site_keeps_its_data(
    source: KzstudyServer, tmp_path: Path, statements: list[str], reason: str
):
    before = summary(source)
    foreign = other_database(source, tmp_path / f"other{source_suffix(source)}", statements)

    assert_restore_refused(source, foreign, "not a kzstudy backup", reason)

    assert summary(source) == before


@pytest.mark.parametrize("keep", [0.5, -50], ids=["cut in half", "last bytes missing"])
def test_restoring_a_truncated_backup_is_refused_and_the_site_keeps_its_data(
    source: KzstudyServer, backup_file: Path, tmp_path: Path, keep: float
):
    before = summary(source)
    whole = backup_file.read_bytes()
    truncated = tmp_path / f"truncated{backup_file.suffix}"
    truncated.write_bytes(whole[: int(len(whole) * keep)] if keep > 0 else whole[:keep])

    assert_restore_refused(source, truncated, "truncated")

    assert summary(source) == before


def test_restoring_a_corrupt_backup_is_refused_and_the_site_keeps_its_data(
    source: KzstudyServer, backup_file: Path, tmp_path: Path
):
    before = summary(source)
    damaged = bytearray(backup_file.read_bytes())
    at = len(damaged) * 3 // 4
    damaged[at : at + 4096] = bytes(range(256)) * 16  # a page of garbage, same length
    corrupt = tmp_path / f"corrupt{backup_file.suffix}"
    corrupt.write_bytes(damaged)

    assert_restore_refused(source, corrupt, "damaged")

    assert summary(source) == before


def test_restoring_a_backup_from_a_newer_release_is_refused_and_the_site_keeps_its_data(
    source: KzstudyServer, tmp_path: Path
):
    """A backup whose database records a migration this code does not have (a newer release
    made it) would serve tables the code does not know: refused, naming the migration."""
    before = summary(source)
    newer = tmp_path / f"newer{source_suffix(source)}"
    future = "MigrationRecorder.Migration.objects.filter(app='quizzes', name='9999_from_a_newer_release')"
    source.shell(
        "from django.contrib.auth import get_user_model; "
        "from django.db.migrations.recorder import MigrationRecorder; "
        "get_user_model().objects.create_user('only-in-the-newer-backup'); "
        "MigrationRecorder.Migration.objects.create(app='quizzes', name='9999_from_a_newer_release')"
    )
    try:
        source.manage("backup_database", str(newer))
    finally:
        source.shell(
            "from django.contrib.auth import get_user_model; "
            "from django.db.migrations.recorder import MigrationRecorder; "
            "get_user_model().objects.filter(username='only-in-the-newer-backup').delete(); "
            f"{future}.delete()"
        )

    assert_restore_refused(source, newer, "newer", "quizzes.9999_from_a_newer_release")

    assert summary(source) == before
    assert "only-in-the-newer-backup" not in summary(source)["users"]


def test_a_backup_from_an_older_release_restores_and_says_to_migrate(
    source: KzstudyServer, tmp_path: Path
):
    """A backup made before this code's newest migration restores; the command says to run
    `migrate` (docs/operations.md, step 3) before the servers start."""
    before = summary(source)
    app, name = newest_quizzes_migration(source)
    record = f"MigrationRecorder.Migration.objects.filter(app={app!r}, name={name!r})"
    older = tmp_path / f"older{source_suffix(source)}"
    applied = (
        source.shell(
            "from django.db.migrations.recorder import MigrationRecorder; "
            f"m = {record}.get(); print(m.applied.isoformat()); m.delete()"
        )
        .strip()
        .splitlines()[-1]
    )
    try:
        source.manage("backup_database", str(older))
    finally:
        source.shell(
            "import datetime; from django.db.migrations.recorder import MigrationRecorder; "
            f"MigrationRecorder.Migration.objects.create(app={app!r}, name={name!r}, "
            f"applied=datetime.datetime.fromisoformat({applied!r}))"
        )

    done = manage_unchecked(source, "restore_database", str(older), "--yes")
    try:
        assert done.returncode == 0, done.stderr
        assert f"Restored from {older}" in done.stdout
        assert "1 migration" in done.stdout and f"{app}.{name}" in done.stdout
        assert "python manage.py migrate" in done.stdout
        assert summary(source) == before
    finally:
        # What `migrate` would do here (the schema already has it): record the migration.
        source.shell(
            "from django.db.migrations.recorder import MigrationRecorder; "
            f"{record}.get_or_create(app={app!r}, name={name!r})"
        )
    source.manage("migrate", "--check", "--noinput")


def test_a_backup_is_one_file_with_no_wal_or_shm_beside_it(source: KzstudyServer, tmp_path: Path):
    """Copying the backup file alone must copy the backup: nothing of it is left in a -wal
    or -shm file beside it, and a SQLite backup is in rollback-journal mode (a WAL-mode file
    opened read-only would make those side files again)."""
    target = tmp_path / "backups" / f"kzstudy{source_suffix(source)}"
    target.parent.mkdir()

    source.manage("backup_database", str(target))

    assert sorted(os.listdir(target.parent)) == [target.name]
    if not source.uses_postgresql:
        header = target.read_bytes()[:100]
        assert header[18:20] == b"\x01\x01"  # file format versions 1: rollback journal, not WAL


def test_a_backup_is_readable_by_its_owner_only(source: KzstudyServer, tmp_path: Path):
    """It holds password hashes and the LTI private keys."""
    target = tmp_path / f"kzstudy{source_suffix(source)}"

    source.manage("backup_database", str(target))

    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_backup_into_a_missing_directory_is_refused_and_creates_nothing(
    source: KzstudyServer, tmp_path: Path
):
    target = tmp_path / "no-such-directory" / f"kzstudy{source_suffix(source)}"

    done = manage_unchecked(source, "backup_database", str(target))

    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"{target.parent} does not exist" in done.stderr
    assert not target.parent.exists()
    assert os.listdir(tmp_path) == []


def source_suffix(server: KzstudyServer) -> str:
    return ".dump" if server.uses_postgresql else ".sqlite3"
