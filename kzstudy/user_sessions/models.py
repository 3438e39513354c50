from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone


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


class StaleCachedSession(models.Model):
    """A session whose copy in the cache may be stale: it was changed or signed out while the
    cache could not be reached, so only its database row says so (backends/cached_db.py).
    The worker deletes the cached copy once the cache answers (`evict_stale_cached_sessions`),
    and this note a little later."""

    session_key = models.CharField(max_length=40, primary_key=True)
    noted_at = models.DateTimeField()

    class Meta:
        db_table = "kzstudy_session_stale_cache"

    def __str__(self) -> str:
        return f"stale cached session noted {self.noted_at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def note(cls, session_key: str) -> None:
        """Note (or note again, from now) that the cached copy of a session may be stale: one
        INSERT … ON CONFLICT DO UPDATE."""
        cls.objects.bulk_create(
            [cls(session_key=session_key, noted_at=timezone.now())],
            update_conflicts=True,
            unique_fields=["session_key"],
            update_fields=["noted_at"],
        )
