"""The platform's keys: cached for a day, fetched again when the platform rotates them, and
only RS256 keys are trusted."""

from __future__ import annotations

import html
import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.db.models import F
from django.test import Client
from jwt.algorithms import ECAlgorithm

from quizzes.models import LtiIdentity, LtiPlatform

from .conftest import launch
from .platform import new_rsa_key, public_jwk


def _age_cache(platform, by: timedelta) -> None:
    """Make the cached key set older, as time passing would."""
    LtiPlatform.objects.filter(pk=platform.registered.pk).update(
        key_set_fetched_at=F("key_set_fetched_at") - by
    )


def _rotate(platform, kid: str = "platform-key-2") -> None:
    platform.keys = {kid: new_rsa_key()}
    platform.kid = kid


def _message(response) -> str:
    return html.unescape(response.content.decode())


def _serve_key_set(platform, keys: list[dict]) -> None:
    """Point the registration at a JWKS the platform serves with exactly these keys."""
    platform.server.expect_request("/odd-jwks").respond_with_data(
        json.dumps({"keys": keys}), content_type="application/json"
    )
    LtiPlatform.objects.filter(pk=platform.registered.pk).update(
        key_set_url=platform.url("/odd-jwks")
    )


def test_the_key_set_is_fetched_once_and_cached(client, platform):
    assert launch(client, platform, sub="learner-1").status_code == 302
    assert launch(Client(), platform, sub="learner-2").status_code == 302

    assert len(platform.requests["jwks"]) == 1
    platform.registered.refresh_from_db()
    assert [k["kid"] for k in platform.registered.key_set["keys"]] == ["platform-key-1"]
    assert platform.registered.key_set_fetched_at is not None


def test_a_rotated_platform_key_is_fetched_on_the_next_launch(client, platform):
    assert launch(client, platform).status_code == 302
    _age_cache(platform, timedelta(minutes=5))
    _rotate(platform)

    response = launch(Client(), platform, sub="learner-2")

    assert response.status_code == 302
    assert len(platform.requests["jwks"]) == 2
    platform.registered.refresh_from_db()
    assert [k["kid"] for k in platform.registered.key_set["keys"]] == ["platform-key-2"]
    # The new key is cached too: the launch after it fetches nothing.
    assert launch(Client(), platform, sub="learner-3").status_code == 302
    assert len(platform.requests["jwks"]) == 2


def test_unknown_kids_refetch_at_most_every_30_seconds(client, platform):
    assert launch(client, platform).status_code == 302
    stranger = new_rsa_key()

    for _ in range(3):
        response = launch(Client(), platform, token_kwargs={"kid": "random-kid", "key": stranger})
        assert response.status_code == 400
        assert "no key with kid 'random-kid'" in _message(response)

    assert len(platform.requests["jwks"]) == 1


def test_a_key_set_older_than_a_day_is_fetched_again(client, platform):
    assert launch(client, platform).status_code == 302
    _age_cache(platform, timedelta(hours=24, minutes=1))

    assert launch(Client(), platform, sub="learner-2").status_code == 302

    assert len(platform.requests["jwks"]) == 2


def test_a_key_set_younger_than_a_day_is_not_fetched_again(client, platform):
    assert launch(client, platform).status_code == 302
    _age_cache(platform, timedelta(hours=23, minutes=59))

    assert launch(Client(), platform, sub="learner-2").status_code == 302

    assert len(platform.requests["jwks"]) == 1


def test_a_failing_jwks_endpoint_refuses_the_launch_with_a_message(client, platform):
    platform.fail_next("jwks", 500)

    response = launch(client, platform)

    assert response.status_code == 400
    message = _message(response)
    assert "signature cannot be checked" in message
    assert "could not read the platform's JWKS" in message
    assert not LtiIdentity.objects.exists()
    assert client.get("/api/v1/me/").status_code in (401, 403)
    # Once the platform answers again, so does kzstudy.
    assert launch(client, platform).status_code == 302


@pytest.mark.parametrize(
    "answer", ["not json", json.dumps({"keys": "none"}), json.dumps([1, 2])], ids=str
)
def test_a_jwks_that_is_no_key_set_refuses_the_launch(client, platform, answer):
    platform.server.expect_request("/odd-jwks").respond_with_data(answer)
    LtiPlatform.objects.filter(pk=platform.registered.pk).update(
        key_set_url=platform.url("/odd-jwks")
    )

    response = launch(client, platform)

    assert response.status_code == 400
    assert "signature cannot be checked" in _message(response)
    assert not LtiIdentity.objects.exists()


def _ec_jwk(kid: str) -> dict:
    key = ec.generate_private_key(ec.SECP256R1())
    return {**json.loads(ECAlgorithm.to_jwk(key.public_key())), "kid": kid, "alg": "ES256"}


@pytest.mark.parametrize(
    ("key_of", "phrase"),
    [
        pytest.param(lambda kid, key: _ec_jwk(kid), "is not an RS256 key", id="ec-key"),
        pytest.param(
            lambda kid, key: {**public_jwk(key, kid), "alg": "RS512"},
            "is not an RS256 key",
            id="rsa-key-for-rs512",
        ),
        pytest.param(
            lambda kid, key: {"kty": "oct", "kid": kid, "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQ"},
            "is not an RS256 key",
            id="symmetric-key",
        ),
        pytest.param(
            lambda kid, key: {"kty": "RSA", "kid": kid, "alg": "RS256", "e": "AQAB"},
            "cannot be read",
            id="rsa-key-without-modulus",
        ),
        pytest.param(
            lambda kid, key: {"kty": "RSA", "kid": kid, "n": "!!not base64!!", "e": "AQAB"},
            "cannot be read",
            id="rsa-key-with-garbage-modulus",
        ),
    ],
)
def test_a_key_under_the_kid_that_is_not_an_rs256_key_is_refused(client, platform, key_of, phrase):
    _serve_key_set(platform, [key_of(platform.kid, platform.keys[platform.kid])])

    response = launch(client, platform)

    assert response.status_code == 400
    assert f"key '{platform.kid}' {phrase}" in _message(response)
    assert not LtiIdentity.objects.exists()
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_the_served_key_set_is_trusted_when_its_key_is_rs256(client, platform):
    """The counterpart of the refusals above: the same endpoint with a proper key works."""
    _serve_key_set(platform, [public_jwk(platform.keys[platform.kid], platform.kid)])

    assert launch(client, platform).status_code == 302
