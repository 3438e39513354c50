"""Writes for API tokens: create (the secret is returned once) and revoke."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from .. import clock
from ..errors import DomainError
from ..models import ApiToken

TOKEN_PREFIX = "kz_"


class TokenInvalid(DomainError):
    """A token request was refused (empty name, unknown token)."""

    code = "token_invalid"


def token_hash(secret: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: AbstractBaseUser, name: str) -> tuple[ApiToken, str]:
    """A new token for the user and its secret, which is never stored nor shown again."""
    name = name.strip()
    if not name or len(name) > 100:
        raise TokenInvalid("Give the token a name of 1 to 100 characters.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=secret[: len(TOKEN_PREFIX) + 6], token_hash=token_hash(secret)
    )
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: AbstractBaseUser) -> ApiToken:
    """Revoke a token (its owner or a site admin); revoking twice changes nothing."""
    if token.user_id != actor.pk and not actor.is_superuser:
        raise TokenInvalid("No such token.")
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
    return token
