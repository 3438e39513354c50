"""Sessions that carry their user: one query for both, and every check Django makes kept."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kzstudy.user_sessions.models import UserSession
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-password-1"


def signed_in(client, user):
    client.force_login(user)
    return client


def user_table_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if 'FROM "auth_user"' in q["sql"]]


def test_a_signed_in_request_reads_its_session_and_user_in_one_query(client):
    user = UserFactory()
    signed_in(client, user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["username"] == user.username
    session_reads = [q["sql"] for q in captured.captured_queries if "kzstudy_session" in q["sql"]]
    assert len(session_reads) == 1
    assert "JOIN" in session_reads[0]
    assert user_table_reads(captured.captured_queries) == []


def test_signing_in_records_the_user_on_the_session_row(client):
    user = UserFactory()
    user.set_password(PASSWORD)
    user.save()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    row = UserSession.objects.get(session_key=client.cookies["sessionid"].value)
    assert row.user_id == user.pk


def test_a_password_changed_elsewhere_signs_the_session_out(client):
    user = UserFactory()
    signed_in(client, user)
    assert client.get("/api/v1/me/").status_code == 200
    user.set_password("a-different-password-2")
    user.save()
    response = client.get("/api/v1/me/")
    assert response.status_code in (401, 403)
    assert not UserSession.objects.filter(session_key=client.cookies["sessionid"].value).exists()


def test_a_deactivated_user_is_signed_out_on_the_next_request(client):
    user = UserFactory()
    signed_in(client, user)
    user.is_active = False
    user.save()
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_deleting_a_user_deletes_their_sessions(client):
    user = UserFactory()
    signed_in(client, user)
    assert UserSession.objects.filter(user=user).count() == 1
    user.delete()
    assert not UserSession.objects.exists()


def test_an_expired_session_signs_nobody_in(client):
    user = UserFactory()
    signed_in(client, user)
    UserSession.objects.update(expire_date="2000-01-01T00:00:00Z")
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_a_session_whose_user_id_was_tampered_with_is_not_trusted(client):
    """The row's user must be the user the session data names: both are checked."""
    user, other = UserFactory(), UserFactory()
    signed_in(client, user)
    UserSession.objects.update(user=other)
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["username"] == user.username


def test_the_upgrade_keeps_everyone_signed_in_from_djangos_session_table():
    user = UserFactory()
    old = DjangoSessionStore()
    old[SESSION_KEY] = str(user.pk)
    old.create()
    anonymous = DjangoSessionStore()
    anonymous["cart"] = "kept"
    anonymous.create()
    migration = importlib.import_module(
        "kzstudy.user_sessions.migrations.0002_keep_signed_in_sessions"
    )
    migration.copy_sessions(apps, None)
    copied = dict(UserSession.objects.values_list("session_key", "user_id"))
    assert copied == {old.session_key: user.pk, anonymous.session_key: None}
    store = UserSession.get_session_store_class()(session_key=old.session_key)
    assert store.load()[SESSION_KEY] == str(user.pk)
