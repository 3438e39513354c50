"""`manage.py run_worker` (make worker): django-tasks-db's worker with the periodic schedule; it
refuses what it cannot do with a clear error, and enqueues only for another TASKS backend."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.tasks import default_task_backend
from django_tasks_db.models import DBTaskResult

pytestmark = pytest.mark.django_db

SCHEDULED = {
    "quizzes.lti.tasks.deliver_grades",
    "quizzes.tasks.close_overdue_attempts",
    "quizzes.tasks.refresh_item_analyses",
    "quizzes.tasks.make_missed_study_cards",
}


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("run_worker", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.parametrize("interval", ["0", "-1", "nan"])
def test_run_worker_refuses_an_interval_that_is_not_positive(database_tasks, interval):
    with pytest.raises(CommandError, match="--interval"):
        run("--interval", interval, "--batch")


def test_run_worker_refuses_to_run_tasks_of_another_backend():
    # The test settings' dummy backend stands for Celery or RQ: their own workers run tasks.
    with pytest.raises(CommandError, match="--schedule-only"):
        run("--batch")


def test_run_worker_schedule_only_enqueues_the_periodic_tasks_for_another_backend():
    default_task_backend.clear()

    run("--batch", "--schedule-only")

    assert {result.task.module_path for result in default_task_backend.results} == SCHEDULED


# Committed for real: the worker drops a connection left inside a transaction (the test's).
@pytest.mark.django_db(transaction=True)
def test_run_worker_batch_runs_the_schedule_then_every_waiting_task(database_tasks):
    run("--batch")

    finished = DBTaskResult.objects.filter(status="SUCCESSFUL")
    assert set(finished.values_list("task_path", flat=True)) == SCHEDULED
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()


def test_run_worker_refuses_schedule_only_with_no_schedule(database_tasks):
    with pytest.raises(CommandError):
        run("--batch", "--schedule-only", "--no-schedule")
