"""What the fault tests need, and where they run.

- `sqlite_server`: a live server on its own SQLite file; run in the suite's SQLite pass only
  (deselected when DATABASE_URL names PostgreSQL: the same test twice would only cost time).
- `postgresql`: a live server on the suite's PostgreSQL; run in the PostgreSQL pass only.
  KZSTUDY_REQUIRE_POSTGRES=1 (CI's PostgreSQL pass) makes a missing PostgreSQL a failure.
- `haproxy`: also needs Debian's haproxy; KZSTUDY_REQUIRE_HAPROXY=1 makes it required.
- `pgbouncer`: also needs Debian's pgbouncer; KZSTUDY_REQUIRE_PGBOUNCER=1 makes it required.
- `chaos`: the fault-injection runs (PostgreSQL servers of their own); `make chaos` runs
  them at full size.
- `needs_root`: mounts a small file system to fill it or make it read-only; CI runs as root,
  elsewhere it is skipped unless KZSTUDY_REQUIRE_FAULTS=1.
"""

from __future__ import annotations

import os
import shutil

import pytest

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


def suite_on_postgresql() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_configure(config):
    for marker in (
        "sqlite_server: a live server on its own SQLite file (the SQLite pass)",
        "postgresql: a live server on the suite's PostgreSQL (the PostgreSQL pass)",
        "haproxy: two app servers behind HAProxy",
        "pgbouncer: an app server behind PgBouncer in transaction mode",
        "needs_root: mounts a small file system",
        "chaos: the fault-injection runs of `make chaos` (short versions in CI)",
    ):
        config.addinivalue_line("markers", marker)


def pytest_collection_modifyitems(config, items):
    on_postgresql = suite_on_postgresql()
    required = os.environ.get("KZSTUDY_REQUIRE_POSTGRES") == "1"
    keep, drop = [], []
    for item in items:
        if (item.get_closest_marker("sqlite_server") and on_postgresql) or (
            item.get_closest_marker("postgresql") and not on_postgresql and not required
        ):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The suite's PostgreSQL (DATABASE_URL); a failure where it is required and missing."""
    if not suite_on_postgresql():
        pytest.fail("these tests need DATABASE_URL=postgres://…, and KZSTUDY_REQUIRE_POSTGRES=1")
    return os.environ["DATABASE_URL"]


@pytest.fixture(scope="session")
def haproxy() -> str:
    if not os.path.exists(HAPROXY):
        reason = "HAProxy is not installed (apt-get install haproxy)"
        if os.environ.get("KZSTUDY_REQUIRE_HAPROXY") == "1":
            pytest.fail(f"{reason}, and KZSTUDY_REQUIRE_HAPROXY=1")
        pytest.skip(reason)
    return HAPROXY


@pytest.fixture(scope="session")
def pgbouncer() -> str:
    if not os.path.exists(PGBOUNCER):
        reason = "PgBouncer is not installed (apt-get install pgbouncer)"
        if os.environ.get("KZSTUDY_REQUIRE_PGBOUNCER") == "1":
            pytest.fail(f"{reason}, and KZSTUDY_REQUIRE_PGBOUNCER=1")
        pytest.skip(reason)
    return PGBOUNCER


@pytest.fixture(scope="session")
def as_root() -> None:
    if os.geteuid() != 0:
        reason = "mounting a small file system needs root"
        if os.environ.get("KZSTUDY_REQUIRE_FAULTS") == "1":
            pytest.fail(f"{reason}, and KZSTUDY_REQUIRE_FAULTS=1")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def pg_cluster():
    """A PostgreSQL server of the test's own, to restart at will (Debian's postgresql)."""
    from .pg_cluster import PgCluster, postgresql_bin

    bin_dir = postgresql_bin()
    if bin_dir is None:
        reason = "PostgreSQL's server programs are not installed (apt-get install postgresql)"
        if os.environ.get("KZSTUDY_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{reason}, and KZSTUDY_REQUIRE_POSTGRES=1")
        pytest.skip(reason)
    cluster = PgCluster(bin_dir)
    yield cluster
    cluster.stop()
