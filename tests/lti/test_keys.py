"""The tool's keys: one RSA key made on first use, published as a JWKS, rotated with an overlap;
and the Canvas developer-key JSON that points platforms at them."""

from __future__ import annotations

import json
from datetime import timedelta
from html.parser import HTMLParser

import jwt
import pytest
from django.test import Client
from jwt.algorithms import RSAAlgorithm

from quizzes import clock
from quizzes.lti import claims, keys, services_client
from quizzes.models import LtiKey

from .conftest import launch
from .platform import INSTRUCTOR

PRIVATE_PARTS = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}


def _published(client, path: str = "/lti/jwks/") -> list[dict]:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()["keys"]


def _kids(client) -> set[str]:
    return {key["kid"] for key in _published(client)}


def _verify(token: str, published: list[dict]) -> dict:
    header = jwt.get_unverified_header(token)
    [jwk] = [k for k in published if k["kid"] == header["kid"]]
    key = RSAAlgorithm.from_jwk(json.dumps(jwk))
    return jwt.decode(token, key, algorithms=["RS256"], options={"verify_aud": False})


@pytest.mark.django_db
def test_the_jwks_has_one_public_rsa_signing_key(client):
    [key] = _published(client)

    assert key["kty"] == "RSA"
    assert key["alg"] == "RS256"
    assert key["use"] == "sig"
    assert key["kid"]
    assert key["e"] and key["n"]
    assert PRIVATE_PARTS.isdisjoint(key)
    public = RSAAlgorithm.from_jwk(json.dumps(key))
    assert public.key_size == keys.KEY_BITS


@pytest.mark.django_db
def test_the_well_known_address_serves_the_same_jwks(client):
    assert client.get("/.well-known/jwks.json").json() == client.get("/lti/jwks/").json()
    assert len(_published(client, "/.well-known/jwks.json")) == 1


@pytest.mark.django_db
def test_the_key_is_made_on_first_use_and_kept(client):
    assert not LtiKey.objects.exists()

    first = _published(client)
    second = _published(Client())

    assert first == second
    assert LtiKey.objects.count() == 1
    assert keys.signing_key().kid == first[0]["kid"]


@pytest.mark.django_db
def test_the_published_key_checks_what_the_signing_key_signs(client):
    key = keys.signing_key()
    token = jwt.encode(
        {"iss": "kzstudy"}, key.private_key_pem, algorithm="RS256", headers={"kid": key.kid}
    )

    assert _verify(token, _published(client)) == {"iss": "kzstudy"}


@pytest.mark.django_db
def test_rotation_publishes_both_keys_during_the_overlap_then_only_the_new_one(client):
    old = keys.signing_key()

    new, retiring = keys.rotate(overlap=timedelta(days=2))

    assert [k.kid for k in retiring] == [old.kid]
    assert new.kid != old.kid
    assert keys.signing_key().kid == new.kid
    assert _kids(client) == {old.kid, new.kid}
    assert _kids(Client()) == {k["kid"] for k in _published(client, "/.well-known/jwks.json")}

    LtiKey.objects.filter(pk=old.pk).update(retires_at=clock.now() - timedelta(seconds=1))

    assert _kids(client) == {new.kid}
    assert keys.signing_key().kid == new.kid


@pytest.mark.django_db
def test_rotating_twice_inside_the_overlap_keeps_the_first_retirement(client):
    old = keys.signing_key()
    middle, _ = keys.rotate(overlap=timedelta(days=2))
    retires_at = LtiKey.objects.get(pk=old.pk).retires_at

    newest, retiring = keys.rotate(overlap=timedelta(days=7))

    assert [k.kid for k in retiring] == [middle.kid]
    assert LtiKey.objects.get(pk=old.pk).retires_at == retires_at
    assert _kids(client) == {old.kid, middle.kid, newest.kid}
    assert keys.signing_key().kid == newest.kid


@pytest.mark.django_db
def test_rotation_with_no_key_yet_just_makes_one(client):
    new, retiring = keys.rotate(overlap=timedelta(days=1))

    assert retiring == []
    assert _kids(client) == {new.kid}


class _Inputs(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("name"):
            self.values[attributes["name"]] = attributes.get("value") or ""


def _deep_link_response_jwt(client, platform) -> str:
    page = launch(
        client, platform, sub="teacher-1", message_type="LtiDeepLinkingRequest", roles=[INSTRUCTOR]
    )
    assert page.status_code == 200, page.content[:500]
    token = _Inputs(page.content.decode()).values["launch"]
    response = client.post("/lti/deep-link/", {"launch": token, "target": ["home"]})
    assert response.status_code == 200, response.content[:500]
    return _Inputs(response.content.decode()).values["JWT"]


def test_a_deep_link_signed_before_rotation_still_verifies_during_the_overlap(client, platform):
    signed = _deep_link_response_jwt(client, platform)
    old_kid = jwt.get_unverified_header(signed)["kid"]

    new, _ = keys.rotate(overlap=timedelta(hours=1))

    published = _published(Client())
    assert {k["kid"] for k in published} == {old_kid, new.kid}
    body = _verify(signed, published)
    assert body["iss"] == platform.client_id
    assert body["https://purl.imsglobal.org/spec/lti/claim/message_type"] == (
        "LtiDeepLinkingResponse"
    )
    # What is signed after the rotation uses the new key.
    assert jwt.get_unverified_header(_deep_link_response_jwt(client, platform))["kid"] == new.kid


def test_after_rotation_the_platform_accepts_service_requests_signed_with_the_new_key(
    client, platform
):
    new, _ = keys.rotate(overlap=timedelta(hours=1))
    # The platform fetches the tool's JWKS again (its server thread cannot read the test's
    # database, so it is handed what the tool publishes).
    published = client.get("/lti/jwks/").json()
    platform.tool_jwks = lambda: published

    token = services_client.access_token(platform.registered, [claims.SCOPE_SCORE])

    assert token == platform.tokens_issued[0]["token"]
    [request] = platform.requests["token"]
    assert jwt.get_unverified_header(request.form["client_assertion"])["kid"] == new.kid


@pytest.mark.django_db
def test_the_canvas_configuration_points_at_the_tool(client):
    response = client.get("/lti/config.json")

    assert response.status_code == 200
    config = json.loads(response.content)
    assert config["title"] == "kzstudy"
    assert config["oidc_initiation_url"] == "http://testserver/lti/login/"
    assert config["target_link_uri"] == "http://testserver/lti/launch/"
    assert config["public_jwk_url"] == "http://testserver/lti/jwks/"
    assert set(config["scopes"]) >= {
        "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
        "https://purl.imsglobal.org/spec/lti-ags/scope/score",
        "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
    }
    [extension] = config["extensions"]
    assert extension["platform"] == "canvas.instructure.com"
    assert extension["domain"] == "testserver"
    assert extension["privacy_level"] in {"public", "name_only", "email_only", "anonymous"}
    placements = {p["placement"]: p for p in extension["settings"]["placements"]}
    assert placements["link_selection"]["message_type"] == "LtiDeepLinkingRequest"
    assert placements["assignment_selection"]["message_type"] == "LtiDeepLinkingRequest"
    assert placements["course_navigation"]["message_type"] == "LtiResourceLinkRequest"
    assert all(p["target_link_uri"] == "http://testserver/lti/launch/" for p in placements.values())
