"""Tokens, the content endpoints, the error envelope and the published schema."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from quizzes.models import ApiToken
from tests.factories import course_with_learner

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def session_api():
    _, learner = course_with_learner()
    api = APIClient()
    api.force_login(learner)
    return api, learner


def test_a_token_is_shown_once_authenticates_and_stops_when_revoked(session_api):
    api, learner = session_api
    created = api.post(f"{API}/tokens/", {"name": "my dashboard"}, format="json")
    assert created.status_code == 201
    secret = created.json()["token"]
    assert secret.startswith("kz_") and ApiToken.objects.get().token_hash != secret
    assert "token" not in api.get(f"{API}/tokens/").json()["results"][0]
    bearer = APIClient()
    bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert bearer.get(f"{API}/me/").json()["username"] == learner.username
    assert ApiToken.objects.get().last_used_at is not None
    assert api.delete(f"{API}/tokens/{created.json()['id']}/").status_code == 204
    refused = bearer.get(f"{API}/me/")
    assert (
        refused.status_code == 401
        and refused.json()["error"]["message"] == "The token is unknown or revoked."
    )


def test_a_token_cannot_be_revoked_by_someone_else(session_api):
    api, _ = session_api
    token_id = api.post(f"{API}/tokens/", {"name": "x"}, format="json").json()["id"]
    other = APIClient()
    other.force_authenticate(course_with_learner()[1])
    assert other.delete(f"{API}/tokens/{token_id}/").status_code == 404
    assert ApiToken.objects.get().revoked_at is None


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer kz_not-a-real-token"])
def test_malformed_or_unknown_bearer_tokens_are_401(header):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=header)
    reply = api.get(f"{API}/me/")
    assert reply.status_code == 401 and set(reply.json()["error"]) == {
        "code",
        "message",
        "field",
        "details",
    }


def test_token_names_are_validated(session_api):
    api, _ = session_api
    reply = api.post(f"{API}/tokens/", {"name": ""}, format="json")
    assert reply.status_code == 400 and reply.json()["error"]["field"] == "name"
    assert not ApiToken.objects.exists()


def test_articles_sections_and_glossary(session_api):
    api, _ = session_api
    articles = api.get(f"{API}/articles/").json()["results"]
    assert [a["slug"] for a in articles] == ["human-rights-reforms-in-kazakhstan"]
    assert len(articles[0]["sections"]) == 9
    section = api.get(
        f"{API}/articles/human-rights-reforms-in-kazakhstan/sections/law-enforcement-abuse/"
    ).json()
    assert section["heading"] == "Law Enforcement Abuse" and 3 <= len(section["key_points"]) <= 6
    assert "militsiya" in {c["slug"] for c in section["concepts"]}
    glossary = api.get(
        f"{API}/articles/human-rights-reforms-in-kazakhstan/glossary/", {"page_size": 200}
    ).json()
    assert glossary["count"] >= 35
    assert api.get(f"{API}/articles/nope/").status_code == 404


def test_the_schema_and_its_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    body = schema.json()
    paths = body["paths"]
    for path in (
        "/api/v1/me/",
        "/api/v1/quizzes/",
        "/api/v1/quizzes/{quiz_id}/attempts/",
        "/api/v1/attempts/{attempt_id}/answers/{question_id}/",
        "/api/v1/attempts/{attempt_id}/submit/",
        "/api/v1/attempts/{attempt_id}/",
    ):
        assert path in paths
    assert (
        "409" in paths["/api/v1/attempts/{attempt_id}/answers/{question_id}/"]["put"]["responses"]
    )
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower() and "unpkg" not in docs


def test_unknown_api_paths_answer_in_the_error_envelope(client):
    reply = client.get("/api/v1/no-such-endpoint/")
    assert reply.status_code == 404 and reply["Content-Type"] == "application/json"
    assert reply.json()["error"]["code"] == "not_found"
    assert "<html" in client.get("/no-such-page/").content.decode().lower()


def test_an_admin_can_create_a_token_from_the_command_line(capsys):
    from django.core.management import CommandError, call_command

    _, learner = course_with_learner()
    call_command("api_token", learner.username, "--name", "ops")
    secret = capsys.readouterr().out.strip()
    bearer = APIClient()
    bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert bearer.get(f"{API}/me/").json()["username"] == learner.username
    with pytest.raises(CommandError, match="No user"):
        call_command("api_token", "nobody")
