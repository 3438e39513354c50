"""The in-repo LTI test platform beside a live kzstudy server (browser tests, screenshots)."""

from __future__ import annotations

import requests
from pytest_httpserver import HTTPServer

from tests.lti.platform import TestPlatform

from .server import KzstudyServer


def live_platform(
    server: KzstudyServer, http: HTTPServer, *, register: bool = True
) -> TestPlatform:
    """A platform on `http` that checks tokens against the server's published keys; registered
    in the server's database with `lti_add_platform` unless `register` is False."""
    platform = TestPlatform(
        http,
        tool_jwks=lambda: requests.get(server.url + "/lti/jwks/", timeout=10).json(),
        tool_origin=server.url,
    )
    if register:
        server.manage(
            "lti_add_platform",
            "--issuer", platform.issuer, "--client-id", platform.client_id,
            "--deployment-id", platform.deployment_id, "--auth-url", platform.auth_url,
            "--token-url", platform.token_url, "--jwks-url", platform.jwks_url,
        )  # fmt: skip
    return platform
