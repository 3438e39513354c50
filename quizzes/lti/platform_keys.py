"""A platform's public keys: fetched from its JWKS URL, cached in the database (shared by every
app server), and fetched again when a token names a `kid` the cache does not have.

pylti1p3 keeps a key set for hours and never refetches on an unknown `kid`, so a platform that
rotates its keys would be locked out until the cache expired; this module closes that gap.
"""

from __future__ import annotations

import json
from datetime import timedelta

from jwcrypto.common import JWException
from jwcrypto.jwk import JWK

from .. import clock, outbound
from ..models import LtiPlatform

CACHE_FOR = timedelta(hours=24)
# An unknown kid triggers at most one refetch per this interval, so random kids cannot make
# the tool hammer a platform's JWKS endpoint.
REFETCH_AT_MOST_EVERY = timedelta(seconds=30)


class PlatformKeyError(Exception):
    """The platform's key set could not be read, or has no usable key for the token."""


def _fetch(platform: LtiPlatform) -> dict:
    try:
        key_set = outbound.request(
            "GET", platform.key_set_url, max_bytes=outbound.DOCUMENT_BYTES
        ).json()
    except outbound.OutboundError as error:
        # error.message never quotes the platform's answer; the launch page shows it.
        raise PlatformKeyError(f"could not read the platform's JWKS. {error.message}") from error
    if not isinstance(key_set, dict) or not isinstance(key_set.get("keys"), list):
        raise PlatformKeyError("the platform's JWKS has no 'keys' list")
    platform.key_set = key_set
    platform.key_set_fetched_at = clock.now()
    platform.save(update_fields=["key_set", "key_set_fetched_at"])
    return key_set


def _find(key_set: dict | None, kid: str) -> dict | None:
    for key in (key_set or {}).get("keys", []):
        if isinstance(key, dict) and key.get("kid") == kid:
            return key
    return None


def public_key_pem(platform: LtiPlatform, kid: str) -> bytes:
    """The PEM of the platform's RS256 key with this kid, refetching the set when it is unknown."""
    now = clock.now()
    fetched_at = platform.key_set_fetched_at
    stale = fetched_at is None or now - fetched_at > CACHE_FOR
    key = None if stale else _find(platform.key_set, kid)
    if key is None and (stale or now - fetched_at > REFETCH_AT_MOST_EVERY):
        key = _find(_fetch(platform), kid)
    if key is None:
        raise PlatformKeyError(f"the platform has no key with kid {kid!r}")
    if key.get("kty") != "RSA" or key.get("alg", "RS256") != "RS256":
        raise PlatformKeyError(f"key {kid!r} is not an RS256 key")
    try:
        return JWK.from_json(json.dumps(key)).export_to_pem()
    except (JWException, ValueError, TypeError) as error:
        # jwcrypto's InvalidJWKValue (a bad or missing "n" or "e") is no ValueError.
        raise PlatformKeyError(f"key {kid!r} cannot be read") from error
