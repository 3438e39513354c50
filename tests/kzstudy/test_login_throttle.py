"""Login throttling (django-axes): repeated wrong passwords lock a username out from an address.

Time passes by ageing the stored attempts, as the rest of the suite ages stored deadlines.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SITE_LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
PASSWORD = "correct horse battery"
LIMIT = 5


@pytest.fixture
def ann():
    return UserFactory(username="ann", password=PASSWORD)


@pytest.fixture
def admin_user():
    return UserFactory(username="root", password=PASSWORD, is_staff=True, is_superuser=True)


def sign_in(client, url: str, username: str, password: str, **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


def fail(client, url: str, username: str, times: int, **extra) -> list[int]:
    """Post a wrong password `times` times; the status of each reply."""
    return [sign_in(client, url, username, f"wrong {n}", **extra).status_code for n in range(times)]


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_site_login_locks_out_after_repeated_failures(client, ann):
    assert fail(client, SITE_LOGIN, "ann", LIMIT) == [200] * (LIMIT - 1) + [429]
    refused = sign_in(client, SITE_LOGIN, "ann", PASSWORD)
    assert refused.status_code == 429
    assert not is_signed_in(client)


def test_admin_login_locks_out_after_repeated_failures(client, admin_user):
    assert fail(client, ADMIN_LOGIN, "root", LIMIT)[-1] == 429
    refused = sign_in(client, ADMIN_LOGIN, "root", PASSWORD)
    assert refused.status_code == 429
    assert not is_signed_in(client)
    assert client.get("/admin/").status_code == 302  # still sent to the login page


def test_the_lockout_page_is_the_sites_own_and_says_when_to_retry(client, ann):
    fail(client, SITE_LOGIN, "ann", LIMIT)
    page = sign_in(client, SITE_LOGIN, "ann", PASSWORD)
    text = page.content.decode()
    assert page.status_code == 429 and page["Content-Type"].startswith("text/html")
    assert "Too many failed sign-ins" in text and "15 minutes" in text
    assert 'class="navbar' in text  # the site's layout, not a bare text
    assert page["Retry-After"] == "900"


def test_the_lockout_ends_after_the_cool_off(client, ann):
    fail(client, SITE_LOGIN, "ann", LIMIT)
    age_attempts(16)
    assert sign_in(client, SITE_LOGIN, "ann", PASSWORD).status_code == 302
    assert is_signed_in(client)


def test_the_lockout_still_holds_before_the_cool_off_ends(client, ann):
    fail(client, SITE_LOGIN, "ann", LIMIT)
    age_attempts(14)
    assert sign_in(client, SITE_LOGIN, "ann", PASSWORD).status_code == 429


def age_attempts(minutes: int) -> None:
    """Let `minutes` pass for the stored failures."""
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= timedelta(minutes=minutes)
        attempt.save(update_fields=["attempt_time"])


def test_trying_again_while_locked_out_starts_the_wait_over(client, ann):
    fail(client, SITE_LOGIN, "ann", LIMIT)
    age_attempts(14)
    assert sign_in(client, SITE_LOGIN, "ann", PASSWORD).status_code == 429
    age_attempts(14)
    assert sign_in(client, SITE_LOGIN, "ann", PASSWORD).status_code == 429


def test_the_wrong_passwords_tried_are_not_stored(client, ann):
    sign_in(client, SITE_LOGIN, "ann", "my-bank-password")
    assert "my-bank-password" not in AccessAttempt.objects.get().post_data


def test_a_successful_sign_in_resets_the_count(client, ann):
    fail(client, SITE_LOGIN, "ann", LIMIT - 1)
    assert sign_in(client, SITE_LOGIN, "ann", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    assert fail(client, SITE_LOGIN, "ann", LIMIT - 1) == [200] * (LIMIT - 1)


def test_a_lockout_holds_one_username_from_one_address_only(client, ann):
    UserFactory(username="bea", password=PASSWORD)
    fail(client, SITE_LOGIN, "ann", LIMIT, REMOTE_ADDR="198.51.100.7")
    # Ann at home is not locked out by someone guessing her password elsewhere...
    assert (
        sign_in(client, SITE_LOGIN, "ann", PASSWORD, REMOTE_ADDR="203.0.113.9").status_code == 302
    )
    client.post(reverse("logout"))
    # ...nor is another user who shares the guesser's address (a school's network).
    assert (
        sign_in(client, SITE_LOGIN, "bea", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 302
    )


def test_a_forged_forwarded_for_header_does_not_dodge_the_lockout(client, ann):
    statuses = [
        sign_in(
            client, SITE_LOGIN, "ann", f"wrong {n}", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"
        ).status_code
        for n in range(LIMIT)
    ]
    assert statuses[-1] == 429
    assert (
        sign_in(client, SITE_LOGIN, "ann", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code
        == 429
    )


def test_behind_a_trusted_proxy_the_address_the_proxy_saw_is_counted(client, ann, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    # The attacker at 198.51.100.7 prepends a different made-up address to every try.
    for n in range(LIMIT):
        sign_in(
            client,
            SITE_LOGIN,
            "ann",
            "wrong",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.7",
            **proxy,
        )
    locked = sign_in(
        client, SITE_LOGIN, "ann", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy
    )
    assert locked.status_code == 429
    # Ann, behind the same proxy but at her own address, signs in.
    mine = sign_in(client, SITE_LOGIN, "ann", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy)
    assert mine.status_code == 302


def test_signed_in_requests_write_nothing_for_login_throttling(client, ann):
    assert sign_in(client, SITE_LOGIN, "ann", PASSWORD).status_code == 302
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert not [q["sql"] for q in queries if "axes_" in q["sql"]]


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, None, "10.0.0.2"),
        (0, "192.0.2.1", "10.0.0.2"),  # no trusted proxy: the header is anyone's
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "192.0.2.1, 198.51.100.7", "198.51.100.7"),
        (2, "192.0.2.1, 198.51.100.7, 10.0.0.1", "198.51.100.7"),
        (2, "198.51.100.7", "10.0.0.2"),  # fewer hops than proxies: not through the chain
        (1, "", "10.0.0.2"),
        (1, "not-an-address", "10.0.0.2"),
        (1, "2001:DB8:0:0::1", "2001:db8::1"),
    ],
)
def test_the_client_address_comes_only_from_trusted_hops(
    proxies, forwarded_for, expected, settings, rf
):
    from kzstudy.login_throttle import client_ip

    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for is not None else {}
    assert client_ip(rf.post(SITE_LOGIN, REMOTE_ADDR="10.0.0.2", **headers)) == expected
