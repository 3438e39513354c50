"""Two grade workers, each its own process on the suite's database engine, share one outbox:
every score reaches the platform exactly once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.browser.server import KzstudyServer

from .platform import TestPlatform

SCORES = 120

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
def tool(tmp_path: Path):
    app = KzstudyServer(base_dir=Path(settings.BASE_DIR), workdir=tmp_path, article=None)
    app.manage("migrate", "--noinput", "-v", "0")
    yield app
    app.stop()


def test_two_worker_processes_send_each_score_exactly_once(tool: KzstudyServer, httpserver):
    published = json.loads(
        tool.shell(
            "import json; from quizzes.lti import keys; print(json.dumps(keys.public_jwks()))"
        )
        .strip()
        .splitlines()[-1]
    )
    platform = TestPlatform(httpserver, tool_jwks=lambda: published)
    lineitem = platform.add_line_item("quiz:1")
    tool.shell(
        SETUP.format(
            issuer=platform.issuer,
            client_id=platform.client_id,
            auth=platform.auth_url,
            token=platform.token_url,
            jwks=platform.jwks_url,
            lineitem=lineitem,
            count=SCORES,
        )
    )

    workers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "lti_worker", "--once", "--batch", "3"],
            cwd=tool.base_dir,
            env=tool.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [worker.communicate(timeout=120) for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0], outputs
    received = sorted(score["userId"] for score in platform.scores[lineitem])
    assert received == sorted(f"sub-{n}" for n in range(SCORES))
    sent = tool.shell(
        "from quizzes.models import LtiScore; print(LtiScore.objects.filter(status='sent').count())"
    )
    assert sent.strip().splitlines()[-1] == str(SCORES)
