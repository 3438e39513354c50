"""Shared state and pooling: the database cache writes without counting its table
(kzstudy/cache.py), REDIS_URL moves the cache and the sessions to Django's Redis cache, and
PGBOUNCER=1 makes the PostgreSQL settings safe behind PgBouncer in transaction mode."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kzstudy.cache import DatabaseCache
from kzstudy.settings import database_from_url

pytestmark = pytest.mark.django_db


def table_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM kzstudy_cache")
        return cursor.fetchone()[0]


def test_the_default_cache_is_the_database_backend_that_does_not_count():
    assert isinstance(caches["default"], DatabaseCache)


def counts(captured: CaptureQueriesContext) -> int:
    return sum("COUNT(" in q["sql"].upper() for q in captured.captured_queries)


def test_a_write_does_not_count_the_whole_cache_table():
    cache = DatabaseCache("kzstudy_cache", {"OPTIONS": {"MAX_ENTRIES": 10**5, "CULL_EVERY": 500}})
    with CaptureQueriesContext(connection) as captured:
        for n in range(499):
            cache.set(f"key-{n}", n, 60)
    assert counts(captured) == 0
    with CaptureQueriesContext(connection) as captured:
        cache.add("key-0", "kept", 60)  # the 500th write: the one that counts (and culls)
        cache.touch("key-1", 120)
    assert counts(captured) == 1
    assert [cache.get(f"key-{n}") for n in range(3)] == [0, 1, 2]
    assert cache.add("new", 1, 60) is True and cache.add("new", 2, 60) is False
    assert cache.touch("missing", 60) is False


def test_culling_still_keeps_the_table_near_max_entries():
    culling = DatabaseCache("kzstudy_cache", {"OPTIONS": {"MAX_ENTRIES": 10, "CULL_EVERY": 1}})
    for n in range(40):
        culling.set(f"cull-{n}", n, 60)
    # Django culls a third of the rows once past MAX_ENTRIES: never far above it.
    assert table_rows() <= 15
    assert culling.get("cull-39") == 39


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_redis(port: int, directory) -> subprocess.Popen:
    """A throwaway redis-server on 127.0.0.1:`port` (Debian's package), once it listens."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is not installed (apt-get install redis-server)")
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(directory)],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return process


def stop_redis(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def redis_url(tmp_path):
    """A throwaway redis-server, stopped after the test."""
    port = free_port()
    process = start_redis(port, tmp_path)
    yield f"redis://127.0.0.1:{port}/0"
    stop_redis(process)


SHOW_SETTINGS = """
from django.conf import settings
from django.core.cache import cache
from kzstudy.user_sessions.backends.cached_db import SessionStore
cache.set("kzstudy-probe", 42, 60)
session = SessionStore()
session["probe"] = "kept"
session.create()
print(settings.CACHES["default"]["BACKEND"], settings.SESSION_ENGINE, cache.get("kzstudy-probe"))
print(SessionStore(session_key=session.session_key).load()["probe"])
"""


def redis_settings_env(tmp_path, redis_url: str, **more: str) -> dict[str, str]:
    """The environment of a manage.py process whose settings read REDIS_URL."""
    return {
        "SECRET_KEY": "a-test-secret-key-for-the-redis-settings-0123456789abcdef",
        "DEBUG": "1",
        "REDIS_URL": redis_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PATH": "/usr/bin:/bin",
        **more,
    }


def manage_shell(env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    """Run `code` in `manage.py shell` with this environment (its settings read at start)."""
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_redis_url_moves_the_cache_and_the_sessions_to_redis(redis_url, tmp_path):
    env = redis_settings_env(tmp_path, redis_url)
    migrate = [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"]
    subprocess.run(migrate, env=env, cwd=settings.BASE_DIR, check=True, timeout=300)
    result = manage_shell(env, SHOW_SETTINGS)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert lines[-2] == (
        "django.core.cache.backends.redis.RedisCache kzstudy.user_sessions.backends.cached_db 42"
    )
    assert lines[-1] == "kept"


def test_pgbouncer_in_transaction_mode_turns_server_side_cursors_off(monkeypatch):
    url = "postgres://kzstudy@pgbouncer.internal:6432/kzstudy"
    assert database_from_url(url)["DISABLE_SERVER_SIDE_CURSORS"] is False
    monkeypatch.setenv("PGBOUNCER", "1")
    config = database_from_url(url)
    assert config["DISABLE_SERVER_SIDE_CURSORS"] is True and config["CONN_MAX_AGE"] == 600


def test_postgresql_prepares_hot_statements_unless_behind_pgbouncer(monkeypatch):
    url = "postgres://kzstudy@db.internal:5432/kzstudy"
    options = database_from_url(url)["OPTIONS"]
    assert options["server_side_binding"] is True and options["prepare_threshold"] == 2
    monkeypatch.setenv("PGBOUNCER", "1")
    options = database_from_url(url)["OPTIONS"]
    assert "server_side_binding" not in options and "prepare_threshold" not in options


def test_sqlite_keeps_its_connections_open_between_requests_too():
    config = database_from_url("sqlite:////tmp/kzstudy-settings-test.sqlite3")
    assert config["CONN_MAX_AGE"] == 600 and config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


SILENT_REDIS_PROBE = """
import time
from django.core.cache import cache
from kzstudy.outage import is_cache_outage
began = time.monotonic()
try:
    cache.get("kzstudy-probe")
except Exception as error:
    print(type(error).__name__, is_cache_outage(error), round(time.monotonic() - began, 1))
"""


def test_a_redis_that_stops_answering_is_an_outage_within_its_timeout(tmp_path):
    """A Redis host that accepts connections but never answers (hung, or a half-open network)
    must not hold a request: past REDIS_TIMEOUT it is an outage (503), like a refused one."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        result = manage_shell(
            redis_settings_env(tmp_path, url, REDIS_TIMEOUT="0.5"), SILENT_REDIS_PROBE
        )
    finally:
        silent.close()
    assert result.returncode == 0, result.stderr
    name, outage, seconds = result.stdout.split()[-3:]
    assert (name, outage) == ("TimeoutError", "True")
    assert float(seconds) < 2.0
