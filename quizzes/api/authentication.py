"""Bearer-token authentication for integrations (sessions work too, with CSRF)."""

from __future__ import annotations

from datetime import timedelta

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .. import clock
from ..models import ApiToken
from ..services.tokens import token_hash

# Record use at most once an hour: the column tells an owner whether a token is still in use,
# which an hour answers as well as a second does, and it spares a write on nearly every request.
LAST_USED_RESOLUTION = timedelta(hours=1)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>` with a token created by the user or an admin."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the header as 'Authorization: Bearer <token>'."
            )
        token = (
            ApiToken.objects.filter(revoked_at__isnull=True, token_hash=token_hash(header[1]))
            .select_related("user")
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("The token is unknown or revoked.")
        if token.is_expired:
            raise exceptions.AuthenticationFailed(
                f"The token expired on {token.expires_at:%Y-%m-%d %H:%M} UTC; create a new one.",
                code="token_expired",
            )
        now = clock.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Documents the bearer token in the OpenAPI schema."""

    target_class = "quizzes.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token. A `read` token may only read (GET); "
            "tokens are created, listed and revoked only with a browser session.",
        }
