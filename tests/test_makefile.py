"""`make run`, the newcomer's command: it serves the site and runs the background worker beside
it, and Ctrl-C stops both."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# The demo student's attempt at the Final exam, its deadline a minute gone: the worker's
# overdue sweep must submit it.
OVERDUE_ATTEMPT = """
from datetime import timedelta
from django.contrib.auth import get_user_model
from quizzes import clock
from quizzes.models import Attempt, Quiz
from quizzes.services.attempts import attempt_start_or_resume
quiz = Quiz.objects.get(title__icontains="final exam")
student = get_user_model().objects.get(username="student")
course = quiz.course or student.enrolments.first().course
attempt = attempt_start_or_resume(quiz_id=quiz.pk, user=student, course_id=course.pk).attempt
past = clock.now() - timedelta(minutes=2)
Attempt.objects.filter(pk=attempt.pk).update(started_at=past, deadline=past + timedelta(minutes=1))
print(attempt.pk)
"""
STATE = "from quizzes.models import Attempt; print(Attempt.objects.get(pk={pk}).state)"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serves(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:
            return reply.status == 200
    except OSError:
        return False


def _wait_for(condition, seconds: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    pytest.fail(f"{what} within {seconds:.0f} s; make's output:\n{log.read_text()[-3000:]}")


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def test_make_run_closes_an_overdue_attempt_through_its_worker_and_ctrl_c_stops_both(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
        "TASK_OVERDUE_SWEEP_SECONDS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the project's own settings, as a newcomer runs them
    log = tmp_path / "make.log"
    with log.open("w") as output:
        make = subprocess.Popen(
            ["make", "run", f"PORT={port}", f"WORKER_LOG={tmp_path / 'worker.log'}"],
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for(lambda: _serves(f"http://127.0.0.1:{port}/"), 240, "make run served", log)
        manage = [sys.executable, "manage.py", "shell", "-c"]
        started = subprocess.run(
            [*manage, OVERDUE_ATTEMPT], cwd=REPO, env=env, capture_output=True, text=True
        )
        assert started.returncode == 0, started.stderr
        attempt_id = int(started.stdout.split()[-1])

        def submitted() -> bool:
            state = subprocess.run(
                [*manage, STATE.format(pk=attempt_id)],
                cwd=REPO,
                env=env,
                capture_output=True,
                text=True,
            )
            return state.stdout.split()[-1:] == ["submitted"]

        _wait_for(submitted, 60, "the worker submitted the overdue attempt", log)
        os.killpg(make.pid, signal.SIGINT)  # Ctrl-C in the terminal: the whole foreground group
        make.wait(timeout=30)
        _wait_for(lambda: not _group_alive(make.pid), 15, "the server and worker stopped", log)
    finally:
        if _group_alive(make.pid):
            os.killpg(make.pid, signal.SIGKILL)
