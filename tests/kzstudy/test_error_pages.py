"""Error pages in the site's style (issue #14 item 5): 403 says why, 404 names the path, 500
renders without the database, the API keeps its JSON envelope; the favicon is linked."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = [pytest.mark.urls("tests.reliability.fault_urls"), pytest.mark.django_db]


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=False)


def test_a_refused_page_says_why_in_the_sites_style(client):
    response = client.get("/forbidden/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "You can't open this page" in page
    assert "Only the course&#x27;s instructors may open this page." in page
    assert 'class="navbar' in page and "Log in</a> and try again" in page


def test_a_missing_page_names_the_path(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page and "<code>/no/such/page/</code>" in page
    assert 'href="/"' in page


def test_a_bug_answers_the_sites_500_page(client):
    response = client.get("/broken/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert 'class="navbar' in page and "Traceback" not in page


def test_api_errors_keep_the_json_envelope(client):
    missing = client.get("/api/v1/no-such-endpoint/")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_every_page_links_the_favicon_and_favicon_ico_leads_to_it(client):
    home = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/kzstudy/favicon.svg" type="image/svg+xml">' in home
    redirect = client.get("/favicon.ico")
    assert redirect.status_code == 301 and redirect["Location"] == "/static/kzstudy/favicon.svg"
    icon = client.get(redirect["Location"])
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content)
