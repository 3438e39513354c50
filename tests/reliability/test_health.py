"""/healthz says the process answers; /readyz whether this server can serve, and how the
grade worker and the LTI outbox are doing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from kzstudy import health
from quizzes import clock
from quizzes.models import Course, LtiIdentity, LtiPlatform, LtiResourceLink, LtiScore
from tests.factories import CourseFactory

from .faults import locked_default_database


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=False)


def queue_score(*, age: timedelta, next_try_in: timedelta = timedelta(0)) -> LtiScore:
    """A grade waiting in the outbox, queued `age` ago."""
    course: Course = CourseFactory()
    platform = LtiPlatform.objects.create(
        issuer=f"https://lms-{course.pk}.example",
        client_id="c",
        auth_login_url="https://lms.example/auth",
        auth_token_url="https://lms.example/token",
        key_set_url="https://lms.example/jwks",
    )
    link = LtiResourceLink.objects.create(
        platform=platform, resource_link_id="l", course=course, target="quiz:1"
    )
    user = get_user_model().objects.create_user(username=f"graded-{course.pk}")
    identity = LtiIdentity.objects.create(issuer=platform.issuer, sub="s", user=user)
    now = clock.now()
    return LtiScore.objects.create(
        link=link,
        identity=identity,
        reason="submit",
        score_given=50,
        created_at=now - age,
        next_try_at=now - age + next_try_in,
    )


def test_liveness_answers_without_the_database(client, tmp_path, django_db_blocker):
    with django_db_blocker.unblock(), locked_default_database(tmp_path):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_ready_when_the_database_answers_and_migrations_are_applied(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["migrations"]["ok"]
    assert body["checks"]["outbox"] == {
        "ok": True,
        "backlog": 0,
        "overdue": 0,
        "oldest_pending_age_seconds": None,
        "failed": 0,
    }
    assert body["checks"]["worker"]["task_worker"] == {"last_seen": None, "age_seconds": None}


def test_not_ready_while_the_database_is_down(client, tmp_path, django_db_blocker):
    with django_db_blocker.unblock(), locked_default_database(tmp_path):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Retry-After"]
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["ok"] is False
    assert "database is locked" in body["checks"]["database"]["error"]


def test_not_ready_while_migrations_are_missing(client, tmp_path, django_db_blocker, monkeypatch):
    """An empty database (a deploy that forgot `migrate`)."""
    import sqlite3

    from django.db import connections
    from django.db.utils import ConnectionHandler

    monkeypatch.setattr(health, "_migrations_applied", False)
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).close()
    handler = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(empty)}}
    )
    original = connections["default"]
    with django_db_blocker.unblock():
        connections["default"] = handler["default"]
        try:
            response = client.get("/readyz")
        finally:
            connections["default"].close()
            connections["default"] = original
    assert response.status_code == 503
    migrations = response.json()["checks"]["migrations"]
    assert migrations["ok"] is False
    assert "contenttypes.0001_initial" in migrations["unapplied"]
    assert migrations["unapplied_count"] > len(migrations["unapplied"])  # quizzes' too, unlisted


@pytest.mark.django_db
def test_a_stale_worker_heartbeat_is_reported_as_degraded_but_still_ready(client, settings):
    settings.READY_WORKER_STALE_SECONDS = 60
    from quizzes.lti.tasks import deliver_grades

    deliver_grades.call()  # the grade sweep the worker runs on schedule beats for it
    fresh = client.get("/readyz").json()
    assert fresh["status"] == "ok"
    assert fresh["checks"]["worker"]["task_worker"]["age_seconds"] < 60

    from django.core.cache import cache

    old = (clock.now() - timedelta(minutes=5)).isoformat()
    cache.set(health.HEARTBEAT_KEY.format(name=health.TASK_WORKER), old, timeout=None)
    response = client.get("/readyz")
    assert response.status_code == 200  # a late grade is no reason to stop serving exams
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["worker"]["task_worker"]["age_seconds"] >= 300


@pytest.mark.django_db
def test_the_outbox_backlog_and_its_oldest_grade_are_reported(client, settings):
    settings.READY_OVERDUE_GRADE_SECONDS = 600
    queue_score(age=timedelta(minutes=3))
    queue_score(age=timedelta(minutes=1), next_try_in=timedelta(minutes=5))  # backing off
    body = client.get("/readyz").json()
    assert body["status"] == "ok"
    outbox = body["checks"]["outbox"]
    assert outbox["backlog"] == 2 and outbox["overdue"] == 0
    assert 170 <= outbox["oldest_pending_age_seconds"] <= 200

    queue_score(age=timedelta(minutes=30))  # due half an hour ago, taken by no worker
    body = client.get("/readyz").json()
    assert body["status"] == "degraded"
    assert body["checks"]["outbox"]["overdue"] == 1
    assert body["checks"]["outbox"]["oldest_pending_age_seconds"] >= 1800


@pytest.mark.django_db
def test_grades_that_failed_for_good_are_reported_as_degraded_but_still_ready(client):
    """They wait for staff to send them again: an alert, never a reason to stop serving."""
    score = queue_score(age=timedelta(days=8))
    LtiScore.objects.filter(pk=score.pk).update(status="failed")
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["outbox"]["failed"] == 1 and body["checks"]["outbox"]["ok"] is False
    assert body["checks"]["outbox"]["backlog"] == 0
