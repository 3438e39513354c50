"""Authentication from the user read with the session (see the package's docstring)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, load_backend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from .backends.db import user_id_of


def _preloaded_user(request: HttpRequest):
    """The user read with the session row, when Django's own checks accept it; else None,
    and the caller falls back to `django.contrib.auth.get_user`.

    Only a `ModelBackend` user is taken from the row: that backend's `get_user` is exactly
    "the row with this id, if it may authenticate", which is what the JOIN read."""
    session = request.session
    user_id = user_id_of(session)  # loads the session row, and with it the user
    user = getattr(session, "preloaded_user", None)
    if user is None or user_id is None or user.pk != user_id:
        return None
    backend_path = session.get(BACKEND_SESSION_KEY)
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    backend = load_backend(backend_path)
    if not isinstance(backend, ModelBackend) or not backend.user_can_authenticate(user):
        return None
    session_hash = session.get(HASH_SESSION_KEY)
    if not session_hash or not constant_time_compare(session_hash, user.get_session_auth_hash()):
        # Fallback secrets, a changed password: Django's path decides (and flushes).
        return None
    return user


def get_user(request: HttpRequest):
    if not hasattr(request, "_cached_user"):
        request._cached_user = _preloaded_user(request) or auth.get_user(request)
    return request._cached_user


class UserSessionAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, taking the user from the session's row when it can."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))
