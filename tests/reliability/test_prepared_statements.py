"""On PostgreSQL the exam's hot statements are planned once per connection (issue #12)."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.factories import UserFactory

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]


def test_a_statement_run_again_on_postgresql_is_planned_once(client, postgres_url):
    """The session read of every signed-in request is prepared on its connection after its
    second run, so PostgreSQL parses and plans it once, not per request."""
    client.force_login(UserFactory())
    for _ in range(3):
        assert client.get("/api/v1/me/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("kzstudy_session" in statement for statement in prepared), prepared
