"""The backup/restore drill of docs/operations.md, on the suite's engine (a SQLite file, or
PostgreSQL with pg_dump/pg_restore): a submitted attempt survives the round trip, into the
same database and into a new empty one."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from tests.browser.server import KzstudyServer

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

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=source.base_dir,
            env=source.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    unconfirmed = manage("restore_database", str(damaged))
    assert unconfirmed.returncode == 1
    assert "add --yes" in unconfirmed.stderr
    refused = manage("restore_database", str(damaged), "--yes")
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert summary(source) == before  # nothing changed


def test_a_backup_never_overwrites_a_file(source: KzstudyServer, backup_file: Path):
    first = backup_file.read_bytes()
    done = subprocess.run(
        [sys.executable, "manage.py", "backup_database", str(backup_file)],
        cwd=source.base_dir,
        env=source.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1 and "never overwrites" in done.stderr
    assert backup_file.read_bytes() == first
