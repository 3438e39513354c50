"""Grade delivery as a task of Django's tasks framework (`django.tasks`).

The outbox (`LtiScore`) stays the source of truth: a task carries no grade, only the order
"sweep the outbox now". So a task that is lost (a worker killed mid-run, an enqueue that failed
after the commit, a backend restarted) costs nothing but time: the periodic sweep
(`quizzes.periodic`) runs the same task every few seconds and takes every due row, including
rows a dead worker had claimed once their lease runs out (`outbox._claim`).

A grade queued in a transaction enqueues one sweep when that transaction commits, so grades
leave within a second or two instead of at the next periodic sweep.

Connected in `QuizzesConfig.ready`, like `receivers.py`, so the outbox (and the HTTP and JWT
libraries behind it) is imported only when a sweep runs, never when Django starts.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.tasks import task

from kzstudy.health import TASK_WORKER, record_heartbeat
from kzstudy.outage import after_commit, pending_after_commit

from ..models import LtiScore

if TYPE_CHECKING:
    from .outbox import DeliveryReport

logger = logging.getLogger("kzstudy.lti")

BATCH = 50


def deliver_all_due(batch: int = BATCH) -> DeliveryReport:
    """Send every score due now, `batch` claimed at a time, and total the outcomes."""
    from .outbox import DeliveryReport, deliver_due

    total = DeliveryReport()
    while True:
        report = deliver_due(limit=batch)
        total.sent += report.sent
        total.retrying += report.retrying
        total.failed += report.failed
        total.skipped += report.skipped
        total.errors.extend(report.errors)
        # A short batch means nothing more was due when it was claimed.
        if report.handled < batch:
            return total


@task
def deliver_grades() -> dict[str, Any]:
    """Sweep the grade outbox: send what is due, retry with backoff, give up on a grade only
    once it is `LTI_RETRY_HOURS` old (or the platform refused it).

    Safe to run on several workers at once (rows are claimed) and as often as one likes.
    """
    # The schedule runs this sweep every few seconds, so its beat says both that the schedule
    # enqueues and that a worker runs tasks (/readyz reports it).
    record_heartbeat(TASK_WORKER)
    report = deliver_all_due()
    if report.handled:
        logger.info(
            "grades: sent %s, retrying %s, failed %s", report.sent, report.retrying, report.failed
        )
    return {"sent": report.sent, "retrying": report.retrying, "failed": report.failed}


def enqueue_delivery() -> None:
    """Ask a worker to sweep the outbox now."""
    deliver_grades.enqueue()


@receiver(post_save, sender=LtiScore, dispatch_uid="kzstudy.lti.tasks.grade_queued")
def grade_queued(sender: type[LtiScore], instance: LtiScore, created: bool, **kwargs: Any) -> None:
    """A grade row was written: enqueue a sweep once its transaction commits.

    Robust: the attempt has committed by then, so an enqueue that fails (the task backend is
    down) is logged, not raised into the request; the periodic sweep sends the grade anyway.
    Once per transaction: one sweep sends all of its grades (a regrade of 300 attempts must
    not enqueue 300 sweeps).
    """
    if not created:
        return
    using = kwargs.get("using") or DEFAULT_DB_ALIAS
    if pending_after_commit(enqueue_delivery, using):
        return
    after_commit(enqueue_delivery, what="a grade sweep's enqueue", using=using)
