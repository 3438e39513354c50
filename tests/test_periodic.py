"""The worker's periodic schedule: each task is enqueued at once, then every so many seconds; a
failing entry is logged and tried again without holding up the others; old task rows go."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from quizzes.lti.tasks import deliver_grades
from quizzes.periodic import Periodic, Scheduler, default_schedule, prune_task_results
from quizzes.tasks import close_overdue_attempts, make_missed_study_cards, refresh_item_analyses

pytestmark = pytest.mark.django_db

SWEEP = "quizzes.lti.tasks.deliver_grades"
OVERDUE = "quizzes.tasks.close_overdue_attempts"


@pytest.fixture(autouse=True)
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASK_GRADE_SWEEP_SECONDS = 15
    settings.TASK_OVERDUE_SWEEP_SECONDS = 60
    settings.TASK_ITEM_ANALYSIS_SWEEP_SECONDS = 300
    settings.TASK_STUDY_CARDS_SWEEP_SECONDS = 300


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


def enqueued(path: str) -> int:
    return DBTaskResult.objects.filter(task_path=path).count()


def test_each_task_is_enqueued_at_once_then_every_interval():
    clock = Clock()
    scheduler = Scheduler(default_schedule(database_backend=False), monotonic=clock)

    assert scheduler.run_due() == [
        deliver_grades.name,
        close_overdue_attempts.name,
        refresh_item_analyses.name,
        make_missed_study_cards.name,
        "clear_expired_sessions",
        "evict_stale_cached_sessions",
        "prune_sign_in_logs",
    ]
    assert scheduler.run_due() == []
    clock.seconds += 15
    assert scheduler.run_due() == [deliver_grades.name, "evict_stale_cached_sessions"]
    clock.seconds += 45
    assert scheduler.run_due() == [
        deliver_grades.name,
        close_overdue_attempts.name,
        "evict_stale_cached_sessions",
    ]

    assert (enqueued(SWEEP), enqueued(OVERDUE)) == (3, 2)


def test_the_database_backend_schedule_also_prunes_old_task_rows():
    names = [entry.name for entry in default_schedule(database_backend=True)]
    assert names == [
        deliver_grades.name,
        close_overdue_attempts.name,
        refresh_item_analyses.name,
        make_missed_study_cards.name,
        "clear_expired_sessions",
        "evict_stale_cached_sessions",
        "prune_sign_in_logs",
        "prune_task_results",
    ]


def test_a_failing_entry_is_tried_again_and_does_not_hold_up_the_others(caplog):
    clock = Clock()
    failures = []

    def broken() -> None:
        failures.append(clock.seconds)
        raise ValueError("misconfigured")

    entries = [
        Periodic(name="broken", every=30, run=broken),
        *default_schedule(database_backend=False),
    ]
    scheduler = Scheduler(entries, monotonic=clock)

    assert scheduler.run_due() == [
        deliver_grades.name,
        close_overdue_attempts.name,
        refresh_item_analyses.name,
        make_missed_study_cards.name,
        "clear_expired_sessions",
        "evict_stale_cached_sessions",
        "prune_sign_in_logs",
    ]
    clock.seconds += 1
    assert scheduler.run_due() == []  # the others wait their interval; the broken one retried
    assert len(failures) == 2
    assert "Task schedule: broken failed" in caplog.text


def test_pruning_deletes_finished_task_rows_older_than_the_kept_days(settings):
    settings.TASK_RESULTS_KEEP_DAYS = 7
    old, recent, waiting = (deliver_grades.enqueue() for _ in range(3))
    now = timezone.now()
    DBTaskResult.objects.filter(id=old.id).update(
        status="SUCCESSFUL", finished_at=now - timedelta(days=8)
    )
    DBTaskResult.objects.filter(id=recent.id).update(
        status="SUCCESSFUL", finished_at=now - timedelta(days=6)
    )

    assert prune_task_results() == 1

    remaining = {str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)}
    assert remaining == {str(recent.id), str(waiting.id)}


def test_the_schedule_signs_out_sessions_past_their_expiry():
    from django.test import Client

    from kzstudy.user_sessions.models import UserSession
    from tests.factories import UserFactory

    Client().force_login(UserFactory())
    Client().force_login(UserFactory())
    UserSession.objects.filter(pk=UserSession.objects.first().pk).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    entry = next(
        e for e in default_schedule(database_backend=False) if e.name == "clear_expired_sessions"
    )
    entry.run()
    assert UserSession.objects.count() == 1
    assert UserSession.objects.get().expire_date > timezone.now()


def test_the_schedule_prunes_sign_in_records_older_than_the_kept_days(settings):
    """Every login and LTI launch leaves a sign-in record (django-axes); a daily entry keeps
    the table from growing without end."""
    from axes.models import AccessFailureLog, AccessLog

    settings.SIGN_IN_LOGS_KEEP_DAYS = 30
    now = timezone.now()
    old = AccessLog.objects.create(username="old", ip_address="10.0.0.1", user_agent="t")
    recent = AccessLog.objects.create(username="new", ip_address="10.0.0.2", user_agent="t")
    AccessLog.objects.filter(pk=old.pk).update(attempt_time=now - timedelta(days=31))
    failed = AccessFailureLog.objects.create(username="old", ip_address="10.0.0.1", user_agent="t")
    AccessFailureLog.objects.filter(pk=failed.pk).update(attempt_time=now - timedelta(days=40))
    entry = next(
        e for e in default_schedule(database_backend=False) if e.name == "prune_sign_in_logs"
    )
    assert entry.run() == 2
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not AccessFailureLog.objects.exists()
