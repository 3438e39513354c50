"""Configuration from the environment: production checks, database tuning."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from kzstudy.settings import database_from_url

PRODUCTION_ENV = {
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "kzstudy.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://kzstudy.example.org",
    "PATH": "/usr/bin:/bin",
}


def manage(*args, env, tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
        timeout=120,
        check=False,
    )


def test_check_deploy_reports_nothing_with_production_values(tmp_path):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV, tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_without_debug_a_secret_key_is_required(tmp_path):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    code = "from django.db import connection; c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    result = manage("shell", "-c", code, env={**PRODUCTION_ENV, "DEBUG": "1"}, tmp_path=tmp_path)
    assert result.stdout.strip().splitlines()[-1] == "wal", result.stderr
    config = database_from_url("sqlite:///x.sqlite3")
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_postgresql_keeps_persistent_checked_connections():
    config = database_from_url("postgres://u:p@127.0.0.1:5432/kz")
    assert config["ENGINE"] == "kzstudy.postgresql_backend"
    assert config["CONN_MAX_AGE"] == 600 and config["CONN_HEALTH_CHECKS"] is True


def test_postgresql_connections_cost_a_random_page_as_an_ssd_does_unless_told_otherwise(
    monkeypatch,
):
    url = "postgres://u@db.example/kz"
    assert database_from_url(url)["OPTIONS"]["options"] == "-c random_page_cost=1.1"
    monkeypatch.setenv("DATABASE_RANDOM_PAGE_COST", "2")
    assert database_from_url(url)["OPTIONS"]["options"] == "-c random_page_cost=2.0"
    monkeypatch.setenv("DATABASE_RANDOM_PAGE_COST", "")
    assert "options" not in database_from_url(url)["OPTIONS"]
    own = database_from_url(url + "?options=-c%20work_mem%3D8MB")
    assert own["OPTIONS"]["options"] == "-c work_mem=8MB"
    # PgBouncer refuses startup options: there it is set on the database (docs/operations.md).
    monkeypatch.setenv("DATABASE_RANDOM_PAGE_COST", "1.1")
    monkeypatch.setenv("PGBOUNCER", "1")
    assert "options" not in database_from_url(url)["OPTIONS"]


@pytest.mark.django_db
def test_postgresql_connections_give_up_on_a_silent_host_within_seconds():
    """An unresponsive database host becomes a 503 (kzstudy/outage.py), not a hung request."""
    assert database_from_url("postgres://u@db.example/kz")["OPTIONS"]["connect_timeout"] == 5
    own = database_from_url("postgres://u@db.example/kz?connect_timeout=2&sslmode=require")
    assert own["OPTIONS"]["connect_timeout"] == 2
    assert own["OPTIONS"]["sslmode"] == "require"


def test_the_suite_runs_on_the_database_named_by_database_url():
    expected = (
        "postgresql" if settings.DATABASE_URL.startswith(("postgres", "postgresql")) else "sqlite"
    )
    assert connection.vendor == expected


def test_error_messages_render_as_styled_alerts_on_every_page():
    """Django tags errors "error", which Bootstrap does not style; every page's base shows them
    as danger alerts (issue #14: error messages rendered unstyled)."""
    from django.contrib import messages
    from django.contrib.messages.storage.base import Message
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    html = render_to_string(
        "base.html",
        {"messages": [Message(messages.ERROR, "That could not be done.")]},
        request=request,
    )
    assert 'class="alert alert-danger"' in html
    assert "That could not be done." in html
