"""API permissions: tiny classes, one rule each."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from ..models import ApiToken
from ..permissions import teaches


class TokenScopeAllows(BasePermission):
    """A bearer token with the `read` scope only reads; sessions and `write` tokens may write."""

    message = "This token may only read; create a token with the scope 'write' to change things."
    code = "token_scope"

    def has_permission(self, request, view) -> bool:
        token = request.auth
        return not isinstance(token, ApiToken) or request.method in SAFE_METHODS or token.may_write


class NotBearerToken(BasePermission):
    """Signed in with a session, not a bearer token, so a token can never make another token."""

    message = (
        "Tokens are created, listed and revoked only while signed in to the site, "
        "not with a bearer token."
    )
    code = "session_required"

    def has_permission(self, request, view) -> bool:
        return not isinstance(request.auth, ApiToken)


class TeachesCourse(BasePermission):
    """The user teaches the course named in the URL (`course_id`); views load the course."""

    message = "Only the course's instructors may use this endpoint."

    def has_permission(self, request, view) -> bool:
        course = view.get_course()
        return teaches(request.user, course)
