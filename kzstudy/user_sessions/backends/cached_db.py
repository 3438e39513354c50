"""The cached database session store (REDIS_URL): the session from the cache when it is there,
else from the database with its user, as backends.db."""

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDatabaseSessionStore

from .db import UserSessionMixin


class SessionStore(UserSessionMixin, CachedDatabaseSessionStore):
    """`SESSION_ENGINE = "kzstudy.user_sessions.backends.cached_db"`."""

    cache_key_prefix = "kzstudy.user_sessions.cached_db"
