"""The outbound policy a deployment gets from its environment: strict unless told otherwise."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION_ENV = {
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "kzstudy.example.org",
    "PATH": "/usr/bin:/bin",
}
NAMES = [
    "OUTBOUND_ALLOW_HTTP",
    "LTI_ALLOW_HTTP",
    "OUTBOUND_ALLOW_PRIVATE_NETWORKS",
    "OUTBOUND_ALLOWED_NETWORKS",
    "OUTBOUND_TIMEOUT",
]


def _policy(**env: str) -> dict:
    """The outbound settings production's settings module reads from this environment."""
    code = (
        "import json; from kzstudy import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {NAMES!r}}}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**PRODUCTION_ENV, **env},
        cwd=settings.BASE_DIR,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


def test_production_refuses_plain_http_and_private_networks_by_default():
    assert _policy() == {
        "OUTBOUND_ALLOW_HTTP": False,
        "LTI_ALLOW_HTTP": False,
        "OUTBOUND_ALLOW_PRIVATE_NETWORKS": False,
        "OUTBOUND_ALLOWED_NETWORKS": [],
        "OUTBOUND_TIMEOUT": 10.0,
    }


@pytest.mark.parametrize(
    "env, expected",
    [
        ({"LTI_ALLOW_HTTP": "1"}, {"OUTBOUND_ALLOW_HTTP": True, "LTI_ALLOW_HTTP": True}),
        ({"LTI_HTTP_TIMEOUT": "3"}, {"OUTBOUND_TIMEOUT": 3.0}),
        (
            {"OUTBOUND_ALLOWED_NETWORKS": "10.20.0.0/16, fd12::/48"},
            {"OUTBOUND_ALLOWED_NETWORKS": ["10.20.0.0/16", "fd12::/48"]},
        ),
    ],
    ids=["old-http-name", "old-timeout-name", "allowed-networks"],
)
def test_the_older_names_still_work_and_networks_are_listed(env, expected):
    policy = _policy(**env)

    assert {name: policy[name] for name in expected} == expected
    assert policy["OUTBOUND_ALLOW_PRIVATE_NETWORKS"] is False
