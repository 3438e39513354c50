from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class UserSession(AbstractBaseSession):
    """A server-side session; `user` is who signed in with it (none before signing in)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta(AbstractBaseSession.Meta):
        db_table = "kzstudy_session"

    @classmethod
    def get_session_store_class(cls):
        from .backends.db import SessionStore

        return SessionStore
