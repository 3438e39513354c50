"""Cookies inside an LMS frame over HTTPS: SameSite=None, Secure and Partitioned (CHIPS)."""

from __future__ import annotations

from .conftest import start_login


def test_over_https_the_login_state_cookie_is_partitioned(client, platform):
    login = start_login(client, platform, secure=True)

    cookie = client.cookies[f"lti1p3-{login.state}"]
    assert cookie["samesite"] == "None" and cookie["secure"]
    assert "; Partitioned;" in cookie.output()


def test_over_https_the_launch_session_cookie_is_partitioned(client, platform):
    login = start_login(client, platform, secure=True)
    token = platform.id_token(platform.claims(nonce=login.nonce))

    response = client.post("/lti/launch/", {"id_token": token, "state": login.state}, secure=True)

    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["samesite"] == "None" and session["secure"]
    assert "Partitioned" in session.output()


def test_over_https_the_cookie_check_tests_a_partitioned_cookie(client, platform):
    page = client.get(
        "/lti/login/",
        {"iss": platform.issuer, "login_hint": "x", "target_link_uri": "https://testserver/"},
        secure=True,
    ).content.decode()
    assert "SameSite=None; secure; Partitioned" in page


def test_partitioning_can_be_turned_off(client, platform, settings):
    settings.LTI_PARTITIONED_COOKIES = False
    login = start_login(client, platform, secure=True)
    assert "Partitioned" not in client.cookies[f"lti1p3-{login.state}"].output()


def test_plain_http_cookies_are_not_partitioned(client, platform):
    login = start_login(client, platform)
    assert "Partitioned" not in client.cookies[f"lti1p3-{login.state}"].output()
