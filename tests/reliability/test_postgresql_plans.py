"""The plans of an exam's prepared statements follow its tables as they grow (issue #12).

A prepared statement keeps the plan PostgreSQL chose for it until its tables are analysed
again (autovacuum: about once a minute at most), so a plan made in an exam's first seconds,
on a step table of a page or two, served every later answer: the write limit's count of an
attempt's steps read the whole table on each. kzstudy's connections cost a random page as
an SSD does (1.1, `DATABASE_RANDOM_PAGE_COST`), where index paths win on smaller tables than
at PostgreSQL's default of 4, and drop their prepared statements every few seconds between
requests, so they are planned again for the tables as they are (kzstudy/postgresql_backend).

PostgreSQL only (the `postgresql` marker)."""

from __future__ import annotations

import time

import pytest
from django.db import connection, transaction

from kzstudy.postgresql_backend import base as backend

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def _prepared_here() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        return cursor.fetchone()[0]


def _a_hot_read() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM quizzes_responsestep WHERE response_id = %s", [1])
        return cursor.fetchone()[0]


def test_our_connections_cost_a_random_page_as_an_ssd_does():
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"


def test_prepared_statements_are_planned_again_once_their_plans_are_old():
    for _ in range(3):
        _a_hot_read()  # prepared from its second run on (prepare_threshold)
    assert _prepared_here() >= 1

    connection.close_if_unusable_or_obsolete()  # between two requests, plans still young
    assert _prepared_here() >= 1

    connection._plans_since = time.monotonic() - backend.PLANS_MAX_AGE_SECONDS
    connection.close_if_unusable_or_obsolete()  # between two requests, plans now old

    _prepared_here()  # the next query, then psycopg's DEALLOCATE ALL
    assert _prepared_here() == 0
    # psycopg forgot its names too: the same statement runs, and is prepared afresh.
    assert [_a_hot_read() for _ in range(3)] == [0, 0, 0]
    assert _prepared_here() >= 1


def test_plans_dropped_again_and_again_never_leave_a_statement_missing():
    """Regression: a refresh that found nothing prepared, then one that did, left psycopg
    naming statements the server had dropped (every later request of that worker: 500)."""
    for cycle in range(4):
        connection._plans_since = time.monotonic() - backend.PLANS_MAX_AGE_SECONDS
        connection.close_if_unusable_or_obsolete()
        if cycle % 2:
            assert [_a_hot_read() for _ in range(4)] == [0, 0, 0, 0]
            assert _prepared_here() >= 1
    connection._plans_since = time.monotonic() - backend.PLANS_MAX_AGE_SECONDS
    connection.close_if_unusable_or_obsolete()
    assert [_a_hot_read() for _ in range(4)] == [0, 0, 0, 0]


def test_plans_are_never_dropped_inside_a_transaction():
    for _ in range(3):
        _a_hot_read()
    with transaction.atomic():
        connection._plans_since = time.monotonic() - backend.PLANS_MAX_AGE_SECONDS
        connection._plan_again()
        assert _prepared_here() >= 1
