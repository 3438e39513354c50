"""The grade worker outlives a database outage: it waits and goes on, instead of dying and
leaving grades unsent until someone restarts it; and it leaves a heartbeat for /readyz."""

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
        extra_env={"SQLITE_TIMEOUT": "0.5"},
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


def test_the_worker_waits_out_a_database_outage_then_sends_every_grade(tool, platform):
    log = tool.workdir / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "lti_worker", "--poll-seconds", "0.2"],
            cwd=tool.base_dir,
            env={**tool.env, "PYTHONUNBUFFERED": "1"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until(lambda: "LTI worker started" in log.read_text(), timeout=60)
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
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    assert worker.returncode == 0, log.read_text()
    assert sorted(s["userId"] for s in platform.scores[url]) == [f"sub-{n}" for n in range(SCORES)]
    assert "Traceback" not in log.read_text()
    beat = tool.shell(
        "from kzstudy.health import last_heartbeat; print(last_heartbeat('lti_worker') is not None)"
    )
    assert beat.strip().splitlines()[-1] == "True"


def test_a_one_shot_worker_fails_clearly_while_the_database_is_down(tool, platform):
    url = queue_scores(tool, platform)
    holder = locked(tool)
    try:
        # Django's system checks would read the database first and misreport the outage.
        done = subprocess.run(
            [sys.executable, "manage.py", "lti_worker", "--once", "--skip-checks"],
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
