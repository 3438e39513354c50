"""API tokens: scopes, expiry, last use, and no token made, listed or revoked by a token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from quizzes import clock
from quizzes.models import ApiToken
from quizzes.services.tokens import token_create
from tests.api.test_permission_matrix import CASES, build_world, url
from tests.factories import course_with_learner

pytestmark = pytest.mark.django_db
API = "/api/v1"


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def error_code(reply) -> str:
    return reply.json()["error"]["code"]


@pytest.fixture
def learner():
    return course_with_learner()[1]


def test_bearer_token_cannot_mint_tokens(learner):
    token, secret = token_create(user=learner, name="script", scope="write", actor=learner)
    client = bearer(secret)
    minted = client.post(f"{API}/tokens/", {"name": "child", "scope": "write"}, format="json")
    assert minted.status_code == 403 and error_code(minted) == "session_required"
    assert client.get(f"{API}/tokens/").status_code == 403
    other, _ = token_create(user=learner, name="other", scope="read", actor=learner)
    assert client.delete(f"{API}/tokens/{other.pk}/").status_code == 403
    assert ApiToken.objects.count() == 2 and not ApiToken.objects.filter(revoked_at__isnull=False)
    # Revoked (from a browser session), the token leaves nothing behind that still works.
    session = APIClient()
    session.force_login(learner)
    assert session.delete(f"{API}/tokens/{token.pk}/").status_code == 204
    assert client.get(f"{API}/me/").status_code == 401


def test_expired_token_is_refused(learner):
    token, secret = token_create(
        user=learner, name="script", scope="read", lifetime_days=1, actor=learner
    )
    assert bearer(secret).get(f"{API}/me/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=clock.now() - timedelta(seconds=1))
    refused = bearer(secret).get(f"{API}/me/")
    assert refused.status_code == 401 and error_code(refused) == "token_expired"
    assert (
        "expired" in refused.json()["error"]["message"] and refused["WWW-Authenticate"] == "Bearer"
    )


def test_read_scope_token_cannot_write():
    world = build_world()
    for role in ("learner", "instructor", "admin"):
        _, secret = token_create(
            user=world.users[role], name="read", scope="read", actor=world.users[role]
        )
        client = bearer(secret)
        for case in (c for c in CASES if c.method != "get"):
            body = case.body(world) if case.body else None
            reply = getattr(client, case.method)(url(case, world), body, format="json")
            expected = "session_required" if "token" in case.name else "token_scope"
            assert (reply.status_code, error_code(reply)) == (403, expected), (role, case.name)
    world.attempt.refresh_from_db()
    assert world.attempt.state == "in_progress"
    assert not world.attempt.responses.filter(answer__isnull=False).exists()


def test_read_scope_token_reads_and_write_scope_token_writes():
    world = build_world()
    learner = world.users["learner"]
    reader = bearer(token_create(user=learner, name="r", scope="read", actor=learner)[1])
    writer = bearer(token_create(user=learner, name="w", scope="write", actor=learner)[1])
    assert reader.get(f"{API}/attempts/{world.attempt.pk}/").status_code == 200
    assert writer.post(f"{API}/quizzes/{world.open_quiz.pk}/attempts/", {}).status_code == 201


def test_a_token_is_used_for_its_owner_and_records_use_at_most_hourly(learner):
    token, secret = token_create(user=learner, name="script", scope="read", actor=learner)
    recent = clock.now() - timedelta(minutes=30)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)
    assert bearer(secret).get(f"{API}/me/").status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at == recent
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent - timedelta(hours=1))
    bearer(secret).get(f"{API}/me/")
    assert ApiToken.objects.get(pk=token.pk).last_used_at > recent


def test_a_session_creates_a_token_with_its_scope_and_lifetime(learner):
    session = APIClient()
    session.force_login(learner)
    reply = session.post(
        f"{API}/tokens/",
        {"name": "export", "scope": "write", "expires_in_days": 30},
        format="json",
    )
    assert reply.status_code == 201
    body = reply.json()
    token = ApiToken.objects.get(pk=body["id"])
    assert body["scope"] == token.scope == "write"
    assert timedelta(days=29, hours=23) < token.expires_at - clock.now() <= timedelta(days=30)
    listed = session.get(f"{API}/tokens/").json()["results"][0]
    assert listed["scope"] == "write" and listed["expires_at"] == body["expires_at"]


def test_a_new_token_reads_only_and_lives_90_days_unless_asked(learner):
    session = APIClient()
    session.force_login(learner)
    body = session.post(f"{API}/tokens/", {"name": "dash"}, format="json").json()
    token = ApiToken.objects.get(pk=body["id"])
    assert token.scope == "read"
    assert timedelta(days=89, hours=23) < token.expires_at - clock.now() <= timedelta(days=90)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"scope": "admin"}, "scope"),
        ({"expires_in_days": 0}, "expires_in_days"),
        ({"expires_in_days": 366}, "expires_in_days"),
        ({"expires_in_days": "soon"}, "expires_in_days"),
    ],
)
def test_a_bad_scope_or_lifetime_is_refused_and_creates_nothing(learner, fields, field):
    session = APIClient()
    session.force_login(learner)
    reply = session.post(f"{API}/tokens/", {"name": "x", **fields}, format="json")
    assert reply.status_code == 400 and reply.json()["error"]["field"] == field
    assert not ApiToken.objects.exists()


def test_the_command_sets_scope_and_lifetime(learner, capsys):
    call_command("api_token", learner.username, "--scope", "write", "--expires-in", "7")
    secret = capsys.readouterr().out.strip()
    token = ApiToken.objects.get()
    assert token.scope == "write" and token.expires_at - clock.now() <= timedelta(days=7)
    assert bearer(secret).post(f"{API}/quizzes/987654/attempts/", {}).status_code == 404
    call_command("api_token", learner.username)
    assert ApiToken.objects.latest("pk").scope == "read"


@pytest.mark.parametrize("days", ["0", "366"])
def test_the_command_refuses_a_lifetime_out_of_bounds(learner, days):
    with pytest.raises(CommandError, match="1 to 365 days"):
        call_command("api_token", learner.username, "--expires-in", days)
    assert not ApiToken.objects.exists()
