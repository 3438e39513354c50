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


def needed(missing: str | None, variable: str) -> None:
    """Nothing when what a test needs is here; else a failure where `variable`=1 says it is
    required (CI), a skip elsewhere."""
    if missing is None:
        return
    if os.environ.get(variable) == "1":
        pytest.fail(f"{missing}, and {variable}=1")
    pytest.skip(missing)


def installed(program: str, name: str, package: str, variable: str) -> str:
    """The path of a Debian program a test runs, as `needed` says when it is missing."""
    missing = (
        None if os.path.exists(program) else f"{name} is not installed (apt-get install {package})"
    )
    needed(missing, variable)
    return program


@pytest.fixture(scope="session")
def haproxy() -> str:
    return installed(HAPROXY, "HAProxy", "haproxy", "KZSTUDY_REQUIRE_HAPROXY")


@pytest.fixture(scope="session")
def pgbouncer() -> str:
    return installed(PGBOUNCER, "PgBouncer", "pgbouncer", "KZSTUDY_REQUIRE_PGBOUNCER")


@pytest.fixture(scope="session")
def as_root() -> None:
    needed(
        None if os.geteuid() == 0 else "mounting a small file system needs root",
        "KZSTUDY_REQUIRE_FAULTS",
    )


@pytest.fixture(scope="module")
def pg_cluster():
    """A PostgreSQL server of the test's own, to restart at will (Debian's postgresql)."""
    from .pg_cluster import PgCluster, postgresql_bin

    bin_dir = postgresql_bin()
    needed(
        "PostgreSQL's server programs are not installed (apt-get install postgresql)"
        if bin_dir is None
        else None,
        "KZSTUDY_REQUIRE_POSTGRES",
    )
    cluster = PgCluster(bin_dir)
    yield cluster
    cluster.stop()
