"""A name server that never answers holds an outbound request no longer than its total
timeout (quizzes/outbound.py `_resolve`): the system's resolver has timeouts of its own (5 s a
try, several tries) that no socket of the request bounds, and an LTI launch waits on the
platform's keys.

The request runs in a process of its own whose /etc/resolv.conf (in a mount namespace of its
own, so nothing else on the machine sees it) names a real UDP "name server" on 127.0.0.3 that
reads every query and answers none.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = [pytest.mark.sqlite_server, pytest.mark.needs_root]

TOTAL = 1.0
SLACK = 2.0
SILENT_SERVER = "127.0.0.3"
# Without a bound of its own, the resolver would wait about 2 tries × 5 s.
RESOLV_CONF = f"nameserver {SILENT_SERVER}\noptions timeout:5 attempts:2\n"

REQUEST = """
import json, os, time
import django
django.setup()
from django.conf import settings
from quizzes import outbound
from quizzes.outbound import OutboundError
settings.OUTBOUND_TOTAL_TIMEOUT = float(os.environ["TOTAL"])
started = time.monotonic()
try:
    outbound.request("GET", "https://lms.kzstudy-resolver-test.org/.well-known/jwks.json")
    message = "answered"
except OutboundError as error:
    message = error.message
print(json.dumps({"took": time.monotonic() - started, "message": message}))
"""


@pytest.fixture
def silent_name_server(as_root):
    """A UDP socket on 127.0.0.3:53 that takes every query and answers none."""
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind((SILENT_SERVER, 53))
    server.settimeout(0.1)
    stop = threading.Event()
    queries: list[bytes] = []

    def swallow() -> None:
        while not stop.is_set():
            try:
                queries.append(server.recvfrom(512)[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=swallow, daemon=True)
    thread.start()
    yield queries
    stop.set()
    thread.join(timeout=5)
    server.close()


def test_a_name_server_that_never_answers_holds_a_request_no_longer_than_its_total_timeout(
    silent_name_server, tmp_path: Path
):
    resolv_conf = tmp_path / "resolv.conf"
    resolv_conf.write_text(RESOLV_CONF)
    run = subprocess.run(
        [
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            f'mount --bind "{resolv_conf}" /etc/resolv.conf && exec "$0" -c "$1"',
            sys.executable,
            REQUEST,
        ],
        cwd=settings.BASE_DIR,
        env={
            "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
            "DJANGO_SETTINGS_MODULE": "kzstudy.settings_test",
            "TOTAL": str(TOTAL),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    outcome = json.loads(run.stdout.strip().splitlines()[-1])
    assert silent_name_server, "the request never asked the silent name server"
    assert outcome["message"] == "The platform timed out."
    assert outcome["took"] < TOTAL + SLACK, outcome
