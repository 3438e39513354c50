"""Fixtures for LTI tests: a registered test platform and helpers to log in and launch."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from quizzes.lti import keys

from .platform import TestPlatform


@pytest.fixture
def platform(db, httpserver) -> TestPlatform:
    """A platform the tool knows (manual registration with one deployment).

    It checks token requests against the tool's JWKS as published when the test starts (read
    here, in the test's thread: the server thread cannot use the test's database).
    """
    tool_jwks = keys.public_jwks()
    test_platform = TestPlatform(httpserver, tool_jwks=lambda: tool_jwks)
    test_platform.registered = test_platform.register_in_tool()
    return test_platform


@pytest.fixture
def unregistered_platform(db, httpserver) -> TestPlatform:
    tool_jwks = keys.public_jwks()
    return TestPlatform(httpserver, tool_jwks=lambda: tool_jwks)


@dataclass
class Login:
    state: str
    nonce: str
    redirect_uri: str


def start_login(client: Client, platform: TestPlatform, *, secure: bool = False, **params) -> Login:
    """Initiate login as the platform would (past the cookie check) and follow to its auth URL."""
    query = {
        "iss": platform.issuer,
        "login_hint": "hint-1",
        "target_link_uri": "http://testserver/lti/launch/",
        "client_id": platform.client_id,
        "lti_deployment_id": platform.deployment_id,
        "lti1p3_new_window": "1",
        **params,
    }
    response = client.get("/lti/login/", query, secure=secure)
    assert response.status_code == 302, response.content[:500]
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == platform.auth_url
    auth = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert auth["client_id"] == platform.client_id
    assert auth["response_mode"] == "form_post"
    return Login(state=auth["state"], nonce=auth["nonce"], redirect_uri=auth["redirect_uri"])


def launch(client: Client, platform: TestPlatform, *, token_kwargs=None, **claims):
    """Log in, then post a signed id_token for the claims to /lti/launch/."""
    login = start_login(client, platform)
    body = platform.claims(nonce=login.nonce, **claims)
    token = platform.id_token(body, **(token_kwargs or {}))
    return client.post("/lti/launch/", {"id_token": token, "state": login.state})
