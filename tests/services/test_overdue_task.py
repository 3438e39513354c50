"""Closing overdue attempts runs as a task of Django's tasks framework: enqueued by the worker's
schedule (or by anyone) and run by django-tasks-db's worker, on the real database backend.

The worker's tests commit for real (transactional): the worker drops a connection left inside
a transaction, as it must between tasks, so it cannot run inside the test's own."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from quizzes import clock
from quizzes.models import Attempt
from quizzes.services.attempts import answers_save, attempt_start
from quizzes.tasks import close_overdue_attempts
from tests.factories import (
    CourseFactory,
    SectionFactory,
    enrol,
    fixed_quiz,
    key_answer,
    make_question,
)

OVERDUE_TASK = "quizzes.tasks.close_overdue_attempts"


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def abandoned(db, monkeypatch) -> Attempt:
    """A timed attempt with one right answer saved, whose time ran out five minutes ago."""
    section = SectionFactory()
    course = CourseFactory(article=section.article)
    learner = enrol(course)
    question = make_question(section=section)
    quiz = fixed_quiz([question], article=course.article, mode="graded", time_limit_minutes=30)
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    answers_save(
        attempt_id=attempt.pk,
        user=learner,
        answers={question.pk: key_answer(question.current_version)},
    )
    monkeypatch.setattr(clock, "now", lambda: attempt.deadline + timedelta(minutes=5))
    return attempt


def run_worker(*args: str) -> None:
    call_command("run_worker", "--batch", *args, stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_an_enqueued_overdue_task_and_submits_the_attempt(
    abandoned, database_tasks
):
    close_overdue_attempts.enqueue()

    run_worker("--no-schedule")

    abandoned.refresh_from_db()
    assert abandoned.state == "submitted" and abandoned.score == 1
    assert abandoned.submitted_at == abandoned.deadline
    [result] = DBTaskResult.objects.filter(task_path=OVERDUE_TASK)
    assert result.status == "SUCCESSFUL" and result.return_value == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_schedule_closes_overdue_attempts_without_anyone_enqueueing(
    abandoned, database_tasks
):
    run_worker()

    abandoned.refresh_from_db()
    assert abandoned.state == "submitted"


def test_the_overdue_task_leaves_attempts_with_time_left_open(abandoned):
    abandoned_deadline = abandoned.deadline
    Attempt.objects.filter(pk=abandoned.pk).update(deadline=abandoned_deadline + timedelta(hours=1))

    assert close_overdue_attempts.call() == 0

    abandoned.refresh_from_db()
    assert abandoned.state == "in_progress"


def test_the_command_closes_overdue_attempts_in_its_own_process_once(abandoned):
    out = io.StringIO()
    call_command("close_overdue_attempts", stdout=out)
    call_command("close_overdue_attempts", stdout=out)

    assert out.getvalue().splitlines() == [
        "Closed 1 overdue attempt.",
        "Closed 0 overdue attempts.",
    ]
