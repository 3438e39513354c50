"""SQLite's disk full, or its file system read-only: a clear 503, no half-written attempt,
and the server serves again once there is room (or the file system is writable again)."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.server import KzstudyServer

from .live import (
    Exam,
    Learner,
    answer_for,
    assert_no_server_errors,
    assert_unavailable,
    enrol_learners,
    exam_server,
)

pytestmark = [pytest.mark.sqlite_server, pytest.mark.needs_root]

DISK_MB = 24


def mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, as_root) -> Iterator[Path]:
    """A small file system of its own for the database (tmpfs: fills up fast, remounts)."""
    path = tmp_path_factory.mktemp("small-disk")
    mount("-t", "tmpfs", "-o", f"size={DISK_MB}m", "tmpfs", str(path))
    yield path
    subprocess.run(["umount", "-l", str(path)], check=False)


@pytest.fixture(scope="module")
def server(data_dir: Path, tmp_path_factory) -> Iterator[KzstudyServer]:
    app = exam_server(
        tmp_path_factory.mktemp("small-disk-server"),
        database_url=f"sqlite:///{data_dir / 'app.sqlite3'}",
        SQLITE_TIMEOUT="1",
    )
    yield app
    app.stop()


@pytest.fixture(scope="module")
def exam(server: KzstudyServer) -> Exam:
    return enrol_learners(server, 4)


def fill(directory: Path) -> Path:
    """Write a file until the file system is full."""
    filler = directory / "filler.bin"
    chunk = b"\0" * (1 << 20)
    with filler.open("wb") as out:
        try:
            while True:
                out.write(chunk)
                out.flush()
        except OSError as error:
            assert error.errno == errno.ENOSPC
    return filler


def checkpoint(database: Path) -> None:
    """Fold the write-ahead log into the database and empty it, so the next write must grow
    the log (and meets the full disk) instead of reusing its space."""
    connection = sqlite3.connect(database)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()  # an open file would keep the file system from turning read-only


def attempts_of(server: KzstudyServer, username: str) -> str:
    return (
        server.shell(
            "from django.db.models import Count; from quizzes.models import Attempt; "
            f"print(list(Attempt.objects.filter(user__username={username!r})"
            ".annotate(n=Count('responses')).values_list('number', 'n')))"
        )
        .strip()
        .splitlines()[-1]
    )


def test_a_full_disk_answers_503_leaves_no_half_written_attempt_and_passes(
    server: KzstudyServer, exam: Exam, data_dir: Path
):
    learner, newcomer = Learner(exam.tokens[0], server.url), Learner(exam.tokens[1], server.url)
    attempt = learner.start(exam).json()
    first, second = attempt["questions"][:2]
    assert learner.answer(attempt["id"], first["id"], answer_for(first)).status_code == 200

    checkpoint(data_dir / "app.sqlite3")
    filler = fill(data_dir)
    try:
        assert_unavailable(learner.answer(attempt["id"], second["id"], answer_for(second)))
        assert_unavailable(newcomer.start(exam))
        assert_unavailable(learner.submit(attempt["id"]))
    finally:
        filler.unlink()

    # Room again: nothing of the refused start was kept, and everything works.
    assert attempts_of(server, "learner1") == "[]"
    started = newcomer.start(exam)
    assert started.status_code == 201
    assert attempts_of(server, "learner1") == f"[(1, {len(started.json()['questions'])})]"
    assert learner.answer(attempt["id"], second["id"], answer_for(second)).status_code == 200
    shown = learner.attempt(attempt["id"]).json()["questions"]
    assert [q["answer"] for q in shown[:2]] == [answer_for(first), answer_for(second)]
    assert learner.submit(attempt["id"]).status_code == 200
    assert_no_server_errors(server)


def test_a_read_only_database_answers_503_clearly_and_serves_once_writable(
    server: KzstudyServer, exam: Exam, data_dir: Path
):
    learner = Learner(exam.tokens[2], server.url)
    server.stop_server()  # a file system with files open for writing cannot turn read-only
    mount("-o", "remount,ro", str(data_dir))
    try:
        assert not os.access(data_dir, os.W_OK) or os.geteuid() == 0
        server.start()
        learner.base_url = server.url
        assert_unavailable(learner.start(exam))
        page = learner.http.get(server.url + "/", timeout=10)
        assert page.status_code in (200, 503)
        if page.status_code == 503:
            assert "Try again in a moment" in page.text
        ready = learner.http.get(server.url + "/readyz", timeout=10)
        assert ready.status_code == 503 and ready.json()["status"] == "unavailable"
    finally:
        mount("-o", "remount,rw", str(data_dir))

    # Writable again: the same server process serves, nothing half-written.
    assert attempts_of(server, "learner2") == "[]"
    assert learner.start(exam).status_code == 201
    assert learner.http.get(server.url + "/readyz", timeout=10).status_code == 200
    assert_no_server_errors(server)
