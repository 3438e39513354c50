"""A session engine for tests/reliability/test_redis_outage.py: Django's own `cached_db` store
with the project's session rows, as the project's was before it survived a Redis outage. Its
read writes the session to the cache unguarded, so with Redis down every signed-in request
raises redis' ConnectionError: the outage the 503 path must catch."""

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDatabaseSessionStore

from kzstudy.user_sessions.backends.db import UserSessionMixin


class SessionStore(UserSessionMixin, CachedDatabaseSessionStore):
    cache_key_prefix = "tests.reliability.stock_sessions"
