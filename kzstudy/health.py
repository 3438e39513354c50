"""Liveness and readiness for load balancers and orchestrators, and the workers' heartbeat.

`/healthz` answers 200 while the process serves requests and touches nothing else, so a
database outage never gets app servers restarted (they recover by themselves, see
kzstudy/outage.py). `/readyz` answers 503 when this server cannot serve: the database is
unreachable or migrations are missing. The task worker's heartbeat (written by the grade sweep,
a task the periodic schedule enqueues every few seconds: quizzes/lti/tasks.py) and the LTI
outbox are reported too, as "degraded" with 200: a stuck worker or a grade that failed for good
is worth an alert, but taking every app server out of the load balancer for it would turn a late
grade into a full outage.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kzstudy.outage import is_cache_outage
from quizzes import clock

logger = logging.getLogger("kzstudy.outage")

HEARTBEAT_KEY = "kzstudy:heartbeat:{name}"
# The background worker (`run_worker`) as seen through the tasks it runs.
TASK_WORKER = "task_worker"
WORKER_NAMES = (TASK_WORKER,)
DEFAULT_WORKER_STALE_SECONDS = 300
DEFAULT_OVERDUE_GRADE_SECONDS = 600

# Migrations once found applied stay applied for this process's life (a deploy restarts it).
_migrations_applied = False


def record_heartbeat(name: str) -> None:
    """Note that worker `name` is alive now (in the shared cache, so every server sees it).
    With the cache down (Redis) the note is skipped: the worker's work (sending grades) goes on."""
    try:
        cache.set(HEARTBEAT_KEY.format(name=name), clock.now().isoformat(), timeout=None)
    except Exception as error:
        if not is_cache_outage(error):
            raise
        logger.warning("Cache unavailable, heartbeat of %s not recorded (%s)", name, error)


def last_heartbeat(name: str) -> datetime | None:
    value = cache.get(HEARTBEAT_KEY.format(name=name))
    return datetime.fromisoformat(value) if value else None


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Never reads the database."""
    return JsonResponse({"status": "ok"})


def _database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor}


def _migrations() -> dict[str, Any]:
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            missing = [f"{m.app_label}.{m.name}" for m, _backwards in plan]
            return {"ok": False, "unapplied": missing[:20], "unapplied_count": len(missing)}
        _migrations_applied = True
    return {"ok": True}


def _workers(now: datetime) -> dict[str, Any]:
    stale_after = getattr(settings, "READY_WORKER_STALE_SECONDS", DEFAULT_WORKER_STALE_SECONDS)
    report: dict[str, Any] = {"ok": True}
    for name in WORKER_NAMES:
        try:
            beat = last_heartbeat(name)
        except Exception as error:
            if not is_cache_outage(error):
                raise
            # This server still serves (sessions fall back to the database): degraded, not
            # unready, or a Redis outage would take every app server out of the pool.
            return {"ok": False, "error": f"cache unavailable: {type(error).__name__}"}
        if beat is None:
            # No worker has run yet (a fresh install, or grades not used): nothing to judge.
            report[name] = {"last_seen": None, "age_seconds": None}
            continue
        age = (now - beat).total_seconds()
        report[name] = {"last_seen": beat.isoformat(), "age_seconds": round(age, 1)}
        if age > stale_after:
            report["ok"] = False
    return report


def _outbox(now: datetime) -> dict[str, Any]:
    from django.db.models import Count, Min, Q

    from quizzes.models import LtiScore, ScoreStatus

    overdue_after = timedelta(
        seconds=getattr(settings, "READY_OVERDUE_GRADE_SECONDS", DEFAULT_OVERDUE_GRADE_SECONDS)
    )
    waiting = LtiScore.objects.filter(status__in=[ScoreStatus.PENDING, ScoreStatus.SENDING])
    figures = waiting.aggregate(
        backlog=Count("id"),
        oldest=Min("created_at"),
        # Due long ago and still not taken: no worker is sending.
        overdue=Count("id", filter=Q(next_try_at__lt=now - overdue_after)),
    )
    oldest = figures["oldest"]
    # Grades the platform never took, retried until LTI_RETRY_HOURS or refused: they wait for
    # staff to send them again (admin, `lti_resend_failed`). A later grade of the same learner
    # and placement that arrives replaces them, and they stop counting.
    failed = LtiScore.objects.filter(status=ScoreStatus.FAILED).count()
    return {
        "ok": figures["overdue"] == 0 and failed == 0,
        "backlog": figures["backlog"],
        "overdue": figures["overdue"],
        "oldest_pending_age_seconds": round((now - oldest).total_seconds(), 1) if oldest else None,
        "failed": failed,
    }


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when this server can serve (database and migrations), else 503."""
    checks: dict[str, Any] = {}
    try:
        checks["database"] = _database()
        checks["migrations"] = _migrations()
        if checks["migrations"]["ok"]:
            now = clock.now()
            checks["worker"] = _workers(now)
            checks["outbox"] = _outbox(now)
    except DatabaseError as error:
        checks["database"] = {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
        checks.pop("migrations", None)
    ready = checks["database"]["ok"] and checks.get("migrations", {}).get("ok", False)
    degraded = ready and not all(checks.get(name, {}).get("ok", True) for name in checks)
    status = "unavailable" if not ready else "degraded" if degraded else "ok"
    response = JsonResponse({"status": status, "checks": checks}, status=200 if ready else 503)
    if not ready:
        response["Retry-After"] = "5"
        # Probes come every few seconds: the access line says it, not an error log each time.
        response._has_been_logged = True  # type: ignore[attr-defined]
    return response
