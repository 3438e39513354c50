"""The task worker (`run_worker`) outlives a database outage: it waits and goes on, instead of
dying and leaving grades unsent until someone restarts it; and it leaves a heartbeat for
/readyz. The deprecated `lti_worker` starts the same worker."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from tests.browser.server import KzstudyServer
from tests.lti.platform import TestPlatform

from .live import wait_until

pytestmark = pytest.mark.sqlite_server

SCORES = 3
SETUP = """
from django.contrib.auth import get_user_model
from quizzes import clock
from quizzes.models import Course, LtiIdentity, LtiPlatform, LtiResourceLink, LtiScore
platform = LtiPlatform.objects.create(
    issuer={issuer!r}, client_id={client_id!r}, auth_login_url={auth!r},
    auth_token_url={token!r}, key_set_url={jwks!r})
course = Course.objects.create(title="C", slug="c", lti_issuer={issuer!r}, lti_context_id="ctx")
link = LtiResourceLink.objects.create(
    platform=platform, resource_link_id="link-1", course=course, target="quiz:1",
    lineitem_url={lineitem!r})
now = clock.now()
for n in range({count}):
    user = get_user_model().objects.create_user(username=f"learner{{n}}")
    identity = LtiIdentity.objects.create(issuer={issuer!r}, sub=f"sub-{{n}}", user=user)
    LtiScore.objects.create(link=link, identity=identity, reason="submit", score_given=n,
                            next_try_at=now, created_at=now)
"""


@pytest.fixture
def tool(tmp_path: Path) -> Iterator[KzstudyServer]:
    app = KzstudyServer(
        base_dir=Path(settings.BASE_DIR),
        workdir=tmp_path,
        article=None,
        database_url=f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        # The schedule sweeps the outbox every second, so a test needs no enqueue of its own.
        extra_env={"SQLITE_TIMEOUT": "0.5", "TASK_GRADE_SWEEP_SECONDS": "1"},
    )
    app.manage("migrate", "--noinput", "-v", "0")
    yield app
    app.stop()


@pytest.fixture
def platform(tool: KzstudyServer, httpserver) -> TestPlatform:
    published = json.loads(
        tool.shell(
            "import json; from quizzes.lti import keys; print(json.dumps(keys.public_jwks()))"
        )
        .strip()
        .splitlines()[-1]
    )
    return TestPlatform(httpserver, tool_jwks=lambda: published)


def queue_scores(tool: KzstudyServer, platform: TestPlatform) -> str:
    """Grades for SCORES learners waiting in the outbox; their line item's URL."""
    url = platform.add_line_item("quiz:1")
    tool.shell(
        SETUP.format(
            issuer=platform.issuer,
            client_id=platform.client_id,
            auth=platform.auth_url,
            token=platform.token_url,
            jwks=platform.jwks_url,
            lineitem=url,
            count=SCORES,
        )
    )
    return url


def locked(tool: KzstudyServer) -> sqlite3.Connection:
    holder = sqlite3.connect(
        tool.database_url.removeprefix("sqlite:///"), isolation_level=None, timeout=10
    )
    holder.execute("BEGIN EXCLUSIVE")
    return holder


def start_worker(tool: KzstudyServer, *command: str) -> tuple[subprocess.Popen, Path]:
    log = tool.workdir / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", *command],
            cwd=tool.base_dir,
            env={**tool.env, "PYTHONUNBUFFERED": "1"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    wait_until(lambda: "Task worker started" in log.read_text(), timeout=60)
    return worker, log


def stop(worker: subprocess.Popen) -> None:
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=30)


def test_the_worker_waits_out_a_database_outage_then_sends_every_grade(tool, platform):
    worker, log = start_worker(tool, "run_worker", "--interval", "0.2")
    try:
        holder = locked(tool)  # the database goes away under a running worker
        try:
            wait_until(lambda: "database unavailable" in log.read_text(), timeout=30)
            time.sleep(1)
            assert worker.poll() is None, log.read_text()  # still running, not crashed
        finally:
            holder.close()
        url = queue_scores(tool, platform)  # grades earned once the database is back
        wait_until(lambda: len(platform.scores[url]) == SCORES, timeout=30)
    finally:
        stop(worker)
    assert worker.returncode == 0, log.read_text()
    assert sorted(s["userId"] for s in platform.scores[url]) == [f"sub-{n}" for n in range(SCORES)]
    assert "Traceback" not in log.read_text()
    beat = tool.shell(
        "from kzstudy.health import TASK_WORKER, last_heartbeat; "
        "print(last_heartbeat(TASK_WORKER) is not None)"
    )
    assert beat.strip().splitlines()[-1] == "True"


@pytest.mark.parametrize(
    "command", [("run_worker", "--batch"), ("lti_worker", "--once")], ids=["batch", "once"]
)
def test_a_one_shot_worker_fails_clearly_while_the_database_is_down(tool, platform, command):
    url = queue_scores(tool, platform)
    holder = locked(tool)
    try:
        # Django's system checks would read the database first and misreport the outage.
        done = subprocess.run(
            [sys.executable, "manage.py", *command, "--skip-checks"],
            cwd=tool.base_dir,
            env=tool.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        holder.close()
    assert done.returncode == 1
    assert "The database is unavailable: database is locked" in done.stderr
    assert "Traceback" not in done.stderr
    assert platform.scores[url] == []


def test_the_deprecated_lti_worker_command_runs_the_task_worker(tool, platform):
    worker, log = start_worker(tool, "lti_worker", "--poll-seconds", "0.2")
    try:
        url = queue_scores(tool, platform)
        wait_until(lambda: len(platform.scores[url]) == SCORES, timeout=30)
    finally:
        stop(worker)
    assert worker.returncode == 0, log.read_text()
    assert "lti_worker is deprecated: run `manage.py run_worker`" in log.read_text()
