"""Calling a platform's LTI Advantage services: OAuth2 client-credentials tokens (signed JWT
assertion, cached in the shared cache until they expire), AGS line items and scores, NRPS.

Errors are `ServiceError`s that say whether trying again later may help (`retryable`): 5xx,
429 and network failures may; other 4xx will not, except a 401 from a service (see
`_authorised`): the bearer token was refused, so it is dropped from the cache and the call is
made again at once with a new one; a 401 to that too is retryable.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import jwt
from django.core.cache import cache

from .. import outbound
from ..models import LtiPlatform
from . import claims, keys

TOKEN_MARGIN_SECONDS = 30
# What LtiResourceLink.lineitem_url holds.
MAX_LINEITEM_URL_LENGTH = 500
MAX_ROSTER_PAGES = 50
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEMS_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"
MEMBERSHIPS_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"


class ServiceError(Exception):
    """A service call failed. Safe to show: neither the message ("<call>: <reason>") nor the
    `reason` alone ever quotes the platform's answer."""

    def __init__(self, message: str, *, retryable: bool, reason: str = "") -> None:
        super().__init__(message)
        self.retryable = retryable
        self.reason = reason or message


def _failed(what: str, error: outbound.OutboundError) -> ServiceError:
    return ServiceError(f"{what}: {error.message}", retryable=error.retryable, reason=error.message)


def _send(method: str, url: str, what: str, **kwargs: Any) -> outbound.Reply:
    try:
        return outbound.request(method, url, **kwargs)
    except outbound.OutboundError as error:
        raise _failed(what, error) from error


def _json(reply: outbound.Reply, what: str) -> Any:
    try:
        return reply.json()
    except outbound.OutboundError as error:
        raise _failed(what, error) from error


def _token_cache_key(platform: LtiPlatform, scopes: list[str]) -> str:
    digest = hashlib.sha256(" ".join(sorted(scopes)).encode()).hexdigest()[:16]
    return f"lti-token:{platform.pk}:{digest}"


def forget_token(platform: LtiPlatform, scopes: list[str], token: str) -> None:
    """Drop `token` from the cache (the platform refused it), unless another worker has already
    put a newer one there."""
    cache_key = _token_cache_key(platform, scopes)
    if cache.get(cache_key) == token:
        cache.delete(cache_key)


def access_token(platform: LtiPlatform, scopes: list[str]) -> str:
    """A bearer token for these scopes, from the cache while it is still valid."""
    cache_key = _token_cache_key(platform, scopes)
    cached = cache.get(cache_key)
    if cached:
        return cached
    key = keys.signing_key()
    now = int(time.time())
    assertion = jwt.encode(
        {
            "iss": platform.client_id,
            "sub": platform.client_id,
            "aud": platform.auth_audience or platform.auth_token_url,
            "iat": now,
            "exp": now + 300,
            "jti": secrets.token_hex(16),
        },
        key.private_key_pem,
        algorithm="RS256",
        headers={"kid": key.kid},
    )
    reply = _send(
        "POST",
        platform.auth_token_url,
        "token request",
        max_bytes=outbound.DOCUMENT_BYTES,
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
            "scope": " ".join(scopes),
        },
    )
    answer = _json(reply, "token request")
    try:
        token = answer["access_token"]
        lifetime = int(answer.get("expires_in", 3600))
    except (ValueError, KeyError, TypeError) as error:
        raise ServiceError(
            "token request: the answer has no access_token", retryable=True
        ) from error
    if lifetime > TOKEN_MARGIN_SECONDS:
        cache.set(cache_key, token, lifetime - TOKEN_MARGIN_SECONDS)
    return token


# A service's answers to a bearer token it does not take: 401 (RFC 6750's invalid_token), and
# 403 from platforms that answer so to a revoked token. outbound.OutboundError carries no
# WWW-Authenticate header, so a 403 for a token cannot be told from one for the request: each
# gets one more try with a new token, and only a 401 stays retryable after it.
TOKEN_REFUSED = (401, 403)


def _authorised(
    platform: LtiPlatform,
    scopes: list[str],
    method: str,
    url: str,
    what: str,
    *,
    headers: dict | None = None,
    **kwargs: Any,
) -> outbound.Reply:
    """A service call with a bearer token for `scopes`.

    A token the platform refuses (revoked, or invalidated before its `expires_in`: a platform
    restored from a backup, keys rotated) is dropped from the cache and the call is made once
    more with a new token. A 401 to that too is retryable (the next try asks for a token again):
    the platform may still be coming back. A 403 to it is final, as any other 4xx.
    """

    def call(token: str) -> outbound.Reply:
        auth = {**(headers or {}), "Authorization": f"Bearer {token}"}
        return outbound.request(method, url, headers=auth, **kwargs)

    for last_try in (False, True):
        token = access_token(platform, scopes)
        try:
            return call(token)
        except outbound.OutboundError as error:
            if error.status not in TOKEN_REFUSED:
                raise _failed(what, error) from error
            forget_token(platform, scopes, token)
            if last_try:
                raise ServiceError(
                    f"{what}: {error.message}", retryable=error.status == 401, reason=error.message
                ) from error
    raise AssertionError("unreachable: the last try returns or raises")


def scores_url(lineitem_url: str) -> str:
    """`<line item>/scores`, keeping any query string where it belongs."""
    try:
        parts = urlsplit(lineitem_url)
    except ValueError as error:  # stored before launches' service URLs were checked
        raise ServiceError("score: the line item URL is malformed", retryable=False) from error
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def find_or_create_lineitem(
    platform: LtiPlatform,
    lineitems_url: str,
    *,
    resource_id: str,
    label: str,
    resource_link_id: str,
) -> str:
    """The line item with this resourceId in the container, created when there is none."""
    scopes = [claims.SCOPE_LINEITEM]
    found = _json(
        _authorised(
            platform,
            scopes,
            "GET",
            lineitems_url,
            "line items",
            params={"resource_id": resource_id, "resource_link_id": resource_link_id},
            headers={"Accept": LINEITEMS_TYPE},
        ),
        "line items",
    )
    for item in found if isinstance(found, list) else []:
        if isinstance(item, dict) and item.get("resourceId") == resource_id and item.get("id"):
            return _lineitem_id(item["id"], "line items")
    created = _json(
        _authorised(
            platform,
            scopes,
            "POST",
            lineitems_url,
            "create line item",
            json={
                "scoreMaximum": 100,
                "label": label,
                "resourceId": resource_id,
                "resourceLinkId": resource_link_id,
            },
            headers={"Content-Type": LINEITEM_TYPE},
        ),
        "create line item",
    )
    if not isinstance(created, dict) or not isinstance(created.get("id"), str):
        raise ServiceError("create line item: the answer has no id", retryable=True)
    return _lineitem_id(created["id"], "create line item")


def _lineitem_id(value: Any, what: str) -> str:
    """A line item's id is the URL scores go to, and it is stored: the policy checks it first."""
    problem = outbound.url_problem(value)
    if problem is None and len(value) > MAX_LINEITEM_URL_LENGTH:
        problem = f"is longer than {MAX_LINEITEM_URL_LENGTH} characters"
    if problem:
        raise ServiceError(f"{what}: the line item's id {problem}", retryable=False)
    return value


def post_score(platform: LtiPlatform, lineitem_url: str, score: dict) -> None:
    scopes = [claims.SCOPE_SCORE]
    _authorised(
        platform,
        scopes,
        "POST",
        scores_url(lineitem_url),
        "score",
        json=score,
        headers={"Content-Type": SCORE_TYPE},
    )


def memberships(platform: LtiPlatform, url: str) -> list[dict]:
    """Every member of the context, following `Link: rel="next"` pages."""
    scopes = [claims.SCOPE_NRPS]
    members: list[dict] = []
    next_url: str | None = url
    for _ in range(MAX_ROSTER_PAGES):
        if not next_url:
            break
        # The next page's URL comes from the platform too: it passes the same policy.
        reply = _authorised(
            platform, scopes, "GET", next_url, "roster", headers={"Accept": MEMBERSHIPS_TYPE}
        )
        page = _json(reply, "roster")
        if not isinstance(page, dict) or not isinstance(page.get("members", []), list):
            raise ServiceError(
                "roster: the answer is not a membership container",
                retryable=True,
                reason="The platform's answer is not a roster.",
            )
        members += [m for m in page.get("members", []) if isinstance(m, dict)]
        next_url = reply.links.get("next")
    return members
