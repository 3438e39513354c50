"""The cached database session store (REDIS_URL): the session from the cache when it is there,
else from the database with its user, as backends.db.

Every session is also a database row, so the cache is only a shortcut: while Redis is down (or
restarting, or read-only) sessions are read from and written to the database alone, and signed-in
requests are served as usual. Django's own store survives a failed cache read and write, but not
the cache write after a database read, the cache check for a new key or the cache delete (every
signed-in request, signing in, signing out): here those are skipped too, with one warning line.
A cache error that is not an outage (kzstudy/outage.py) is still raised.

While Redis is unreachable but keeps its data (a network cut rather than a restart), what it holds
is not updated, so a session changed or signed out meanwhile could come back from it. Each such
session is noted in the database (`StaleCachedSession`), and the worker deletes its cached copy
as soon as the cache answers it (`evict_stale_cached_sessions`, every
TASK_STALE_SESSIONS_SWEEP_SECONDS): a sign-out holds on every server within that time of the
cache being reachable, with no one flushing Redis by hand."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDatabaseSessionStore
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.cache import caches
from django.utils import timezone

from kzstudy.outage import is_cache_outage

from ..models import StaleCachedSession
from .db import UserSessionMixin

logger = logging.getLogger("kzstudy.outage")
# How long a stale session's note (and the deletion of its cached copy) outlives the change.
STALE_NOTE_KEEP_SECONDS = 60


def _skipped(operation: str, error: Exception) -> None:
    reason = f"{type(error).__name__}: {error}".splitlines()[0][:300]
    logger.warning("Cache unavailable, session %s in the database only (%s)", operation, reason)


class SessionStore(UserSessionMixin, CachedDatabaseSessionStore):
    """`SESSION_ENGINE = "kzstudy.user_sessions.backends.cached_db"`."""

    cache_key_prefix = "kzstudy.user_sessions.cached_db"

    def load(self):
        # Django's, but a cache that is down is not asked twice and does not fail the request.
        cache_down = None
        try:
            data = self._cache.get(self.cache_key)
        except Exception as error:
            # As Django: some backends raise on keys they refuse; the session is read afresh.
            data = None
            if is_cache_outage(error):
                cache_down = error
        if data is not None:
            return data
        row = self._get_session_from_db()
        if not row:
            data = {}
        else:
            data = self.decode(row.session_data)
            if cache_down is None:
                try:
                    self._cache.set(
                        self.cache_key, data, self.get_expiry_age(expiry=row.expire_date)
                    )
                except Exception as error:
                    if not is_cache_outage(error):
                        raise
                    cache_down = error
        if cache_down is not None:
            _skipped("read", cache_down)
        return data

    def exists(self, session_key):
        try:
            return super().exists(session_key)
        except Exception as error:
            if not is_cache_outage(error):
                raise
            # The database decides: it holds every session, and refuses a duplicate key.
            _skipped("key checked", error)
            return DatabaseSessionStore.exists(self, session_key)

    def save(self, must_create=False):
        DatabaseSessionStore.save(self, must_create)
        try:
            self._cache.set(self.cache_key, self._session, self.get_expiry_age())
        except Exception as error:
            if is_cache_outage(error):
                _skipped("saved", error)
                StaleCachedSession.note(self.session_key)
            else:
                # As Django: logged, the request goes on (the database has the session).
                logging.getLogger("django.contrib.sessions").exception(
                    "Error saving to cache (%s)", self._cache
                )

    def delete(self, session_key=None):
        key = session_key or self.session_key
        try:
            super().delete(session_key)
        except Exception as error:
            if not is_cache_outage(error):
                raise
            # The row is gone (deleted before the cache is asked): signed out, once the cached
            # copy is gone too.
            _skipped("deleted", error)
            if key:
                StaleCachedSession.note(key)


def evict_stale_cached_sessions(batch: int = 1000) -> int:
    """Delete from the cache the copies of the sessions changed or signed out while it could
    not be reached; how many were asked. A note is kept for STALE_NOTE_KEEP_SECONDS after it
    was made, and its copy deleted again on each run meanwhile: a server that read the row
    just before the change may cache it once more. While the cache is still out of reach,
    one warning and the notes stay. With no note, one query."""
    notes = list(StaleCachedSession.objects.values_list("session_key", flat=True)[:batch])
    if not notes:
        return 0
    cache = caches[settings.SESSION_CACHE_ALIAS]
    try:
        cache.delete_many([SessionStore.cache_key_prefix + key for key in notes])
    except Exception as error:
        if not is_cache_outage(error):
            raise
        logger.warning(
            "Cache unavailable, stale sessions waiting for it: %d (%s)", len(notes), error
        )
        return 0
    settled = timezone.now() - timedelta(seconds=STALE_NOTE_KEEP_SECONDS)
    StaleCachedSession.objects.filter(session_key__in=notes, noted_at__lt=settled).delete()
    return len(notes)
