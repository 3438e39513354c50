"""Grades leave through Django's tasks framework: a queued grade enqueues one sweep when its
transaction commits, the worker (django-tasks-db, the real database backend) runs it, and the
outbox stays the source of truth, so a lost or failed enqueue costs only time.

The tests that run django-tasks-db's worker in this process commit for real (transactional):
the worker drops a connection left inside a transaction, as it must between tasks, so it cannot
run inside the test's own. They build their grade rows from factories."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from kzstudy.health import TASK_WORKER, last_heartbeat
from quizzes import clock
from quizzes.lti.tasks import deliver_grades
from quizzes.models import (
    LtiIdentity,
    LtiResourceLink,
    LtiScore,
    Quiz,
    ScoreReason,
    ScoreStatus,
)
from tests.factories import CourseFactory, UserFactory

from .test_grades import finish, launched_learner

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
SWEEP = "quizzes.lti.tasks.deliver_grades"


@pytest.fixture
def database_tasks(settings):
    """Tasks go to django-tasks-db's queue table, as in production."""
    settings.TASKS = DATABASE_BACKEND


@pytest.fixture
def exam() -> Quiz:
    return Quiz.objects.get(key="final-exam")


def sweeps() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=SWEEP))


def run_worker(*args: str) -> None:
    call_command("run_worker", "--batch", *args, stdout=io.StringIO(), stderr=io.StringIO())


def test_a_submitted_grade_enqueues_a_sweep_when_the_attempt_commits(
    client, platform, exam, database_tasks, django_capture_on_commit_callbacks
):
    user, course, _ = launched_learner(client, platform, exam)

    with django_capture_on_commit_callbacks() as pending:
        finish(exam, user, course)
        assert sweeps() == []  # nothing leaves before the attempt commits
    for callback in pending:
        callback()

    [sweep] = sweeps()
    assert sweep.status == "READY"


def queue_grade(score: int) -> LtiScore:
    """A grade for the launched learner's placement, written as the outbox writes one."""
    now = clock.now()
    return LtiScore.objects.create(
        link=LtiResourceLink.objects.get(),
        identity=LtiIdentity.objects.get(),
        reason=ScoreReason.SUBMIT,
        score_given=score,
        next_try_at=now,
        created_at=now,
    )


def test_a_rolled_back_grade_enqueues_nothing(
    client, platform, exam, database_tasks, django_capture_on_commit_callbacks
):
    launched_learner(client, platform, exam)

    with (
        django_capture_on_commit_callbacks(execute=True) as pending,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue_grade(50)
        raise RuntimeError("the attempt's transaction fails")

    assert pending == [] and sweeps() == []


def test_grades_queued_in_one_transaction_enqueue_a_single_sweep(
    client, platform, exam, database_tasks, django_capture_on_commit_callbacks
):
    launched_learner(client, platform, exam)

    # A regrade queues one grade per attempt it changes, all in one transaction.
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for score in (40, 60, 80):
            queue_grade(score)

    assert LtiScore.objects.count() == 3
    assert len(sweeps()) == 1


def test_a_failed_enqueue_does_not_fail_the_submission_and_the_grade_still_leaves(
    client, platform, exam, settings, django_capture_on_commit_callbacks, caplog
):
    # A task backend that refuses the task (a misconfigured queue) stands for one that is down.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["elsewhere"]}
    }
    user, course, lineitem = launched_learner(client, platform, exam)

    with django_capture_on_commit_callbacks(execute=True):
        attempt = finish(exam, user, course)

    assert attempt.state == "submitted"
    assert "enqueue_delivery" in caplog.text  # logged, not raised into the request
    assert LtiScore.objects.get().status == ScoreStatus.PENDING
    call_command("lti_worker", "--once", stdout=io.StringIO())  # a sweep, as the schedule's
    assert [s["scoreGiven"] for s in platform.scores[lineitem]] == [100.0]


def committed_grade(platform, score: int = 100) -> str:
    """A learner's grade written to the outbox outside any transaction (so its sweep is
    enqueued at once); the line item's URL."""
    lineitem = platform.add_line_item("quiz:1")
    course = CourseFactory(lti_issuer=platform.issuer, lti_context_id="ctx")
    link = LtiResourceLink.objects.create(
        platform=platform.registered,
        resource_link_id="link-1",
        course=course,
        target="quiz:1",
        lineitem_url=lineitem,
    )
    identity = LtiIdentity.objects.create(
        issuer=platform.issuer, sub="learner-1", user=UserFactory()
    )
    now = clock.now()
    LtiScore.objects.create(
        link=link,
        identity=identity,
        reason=ScoreReason.SUBMIT,
        score_given=score,
        next_try_at=now,
        created_at=now,
    )
    return lineitem


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_sweep_and_the_grade_reaches_the_platform(platform, database_tasks):
    lineitem = committed_grade(platform)
    [sweep] = sweeps()  # enqueued by the grade's commit

    run_worker("--no-schedule")

    [score] = platform.scores[lineitem]
    assert score["userId"] == "learner-1" and score["scoreGiven"] == 100.0
    assert LtiScore.objects.get().status == ScoreStatus.SENT
    sweep.refresh_from_db()
    assert sweep.status == "SUCCESSFUL"
    assert sweep.return_value == {"sent": 1, "retrying": 0, "failed": 0}
    assert last_heartbeat(TASK_WORKER) is not None  # /readyz sees the worker


@pytest.mark.django_db(transaction=True)
def test_a_lost_sweep_costs_nothing_the_schedule_sends_the_grade(platform, database_tasks):
    lineitem = committed_grade(platform)
    DBTaskResult.objects.all().delete()  # the task is lost (a queue emptied, a backend reset)

    run_worker()  # the schedule enqueues a sweep of its own

    assert [s["scoreGiven"] for s in platform.scores[lineitem]] == [100.0]
    assert LtiScore.objects.get().status == ScoreStatus.SENT


def test_the_sweep_task_sends_nothing_twice(client, platform, exam):
    user, course, lineitem = launched_learner(client, platform, exam)
    finish(exam, user, course)

    assert deliver_grades.call() == {"sent": 1, "retrying": 0, "failed": 0}
    assert deliver_grades.call() == {"sent": 0, "retrying": 0, "failed": 0}
    assert len(platform.scores[lineitem]) == 1
