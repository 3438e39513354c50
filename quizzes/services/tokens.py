"""Writes for API tokens: create (the secret is returned once) and revoke.

Tokens are made only by a signed-in person (a browser session) or an admin's command, never by
another token, so revoking a token leaves no token it made behind (docs/security.md). A token is
its user's own: only they or a site admin make or revoke it; the `api_token` command is SYSTEM.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from .. import clock
from ..errors import TokenInvalid
from ..models import ApiToken
from ..models.api import TokenScope
from .authorization import Actor, require_self_or_admin

TOKEN_PREFIX = "kz_"
DEFAULT_LIFETIME_DAYS = 90
# A leaked token should stop working within a year even if nobody revokes it.
MAX_LIFETIME_DAYS = 365


def token_hash(secret: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *,
    user: AbstractBaseUser,
    name: str,
    scope: str,
    lifetime_days: int = DEFAULT_LIFETIME_DAYS,
    actor: Actor,
) -> tuple[ApiToken, str]:
    """A new token for the user and its secret, which is never stored nor shown again.

    NotAllowed unless the actor is that user or a site admin (SYSTEM: the admin's command).
    """
    require_self_or_admin(actor, user.pk, what="create their API tokens")
    name = name.strip()
    if not name or len(name) > 100 or "\x00" in name:
        raise TokenInvalid("Give the token a name of 1 to 100 characters.")
    if scope not in TokenScope.values:
        raise TokenInvalid(f"The scope is one of: {', '.join(TokenScope.values)}.")
    # bool is an int in Python; a True lifetime is a mistake, not one day.
    if isinstance(lifetime_days, bool) or not 1 <= lifetime_days <= MAX_LIFETIME_DAYS:
        raise TokenInvalid(f"A token lives from 1 to {MAX_LIFETIME_DAYS} days.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        token_hash=token_hash(secret),
        scope=scope,
        expires_at=clock.now() + timedelta(days=lifetime_days),
    )
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: AbstractBaseUser) -> ApiToken:
    """Revoke a token (its owner or a site admin: NotAllowed for anyone else); revoking twice
    changes nothing."""
    require_self_or_admin(actor, token.user_id, what="revoke their API tokens")
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
    return token
