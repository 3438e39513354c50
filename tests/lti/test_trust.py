"""Who becomes a trusted platform: a dynamic registration without a registration link waits for a
site administrator's approval and can neither log in nor launch until then; a one-time
registration link (from the admin or `lti_invite`) activates the platform it registers."""

from __future__ import annotations

import hashlib
import html
import io
import re
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from quizzes import clock
from quizzes.lti import trust
from quizzes.models import (
    Course,
    Enrolment,
    LtiIdentity,
    LtiLoginState,
    LtiPlatform,
    LtiRegistrationInvite,
    PlatformStatus,
    RegisteredVia,
)

from .conftest import launch, start_login
from .test_registration import _register

LINK = re.compile(r"/lti/register/([A-Za-z0-9_-]{43})/")


def _records() -> tuple[int, int, int]:
    return Course.objects.count(), LtiIdentity.objects.count(), Enrolment.objects.count()


def _page(response) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


def _login(client, platform):
    return client.get(
        "/lti/login/",
        {
            "iss": platform.issuer,
            "login_hint": "hint-1",
            "target_link_uri": "http://testserver/lti/launch/",
            "client_id": platform.client_id,
            "lti_deployment_id": platform.deployment_id,
            "lti1p3_new_window": "1",
        },
    )


# -- open registration: stored, never trusted ---------------------------------------------------


def test_anonymous_registration_leaves_no_active_platform(client, unregistered_platform):
    platform = unregistered_platform

    response = _register(client, platform)

    assert response.status_code == 200
    assert LtiPlatform.objects.filter(issuer=platform.issuer).exists()
    assert not LtiPlatform.objects.filter(is_active=True).exists()
    assert _login(Client(), platform).status_code == 403


def test_login_from_a_platform_awaiting_approval_is_refused_before_any_state(
    client, unregistered_platform
):
    # Otherwise a made-up platform could start a login in a victim's browser and answer it
    # with a token for an account of its choosing (login CSRF).
    platform = unregistered_platform
    _register(Client(), platform)

    response = _login(client, platform)

    assert response.status_code == 403
    assert "waiting for the kzstudy administrator's approval" in _page(response)
    assert not LtiLoginState.objects.exists()
    assert not [name for name in response.cookies if name.startswith("lti1p3-")]
    assert platform.requests["auth"] == []


def test_a_launch_from_a_deactivated_platform_is_refused_and_creates_nothing(
    client, platform, admin_user
):
    login = start_login(client, platform)
    trust.platform_deactivate(platform.registered, by=admin_user)
    before = _records()

    token = platform.id_token(platform.claims(nonce=login.nonce))
    response = client.post("/lti/launch/", {"id_token": token, "state": login.state})

    assert response.status_code == 403
    assert "has been deactivated" in _page(response)
    assert _records() == before
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_a_deactivated_platforms_instructors_stop_teaching(client, platform, admin_user):
    from .platform import INSTRUCTOR

    launch(client, platform, sub="teacher-1", roles=[INSTRUCTOR])
    course = Course.objects.get(lti_issuer=platform.issuer)
    assert client.get(f"/teach/{course.slug}/").status_code == 200

    trust.platform_deactivate(platform.registered, by=admin_user)

    assert client.get(f"/teach/{course.slug}/").status_code == 403


def test_open_registration_pauses_while_too_many_platforms_await_approval(
    client, unregistered_platform, settings
):
    settings.LTI_MAX_PENDING_PLATFORMS = 1
    LtiPlatform.objects.create(
        issuer="https://waiting.example",
        client_id="c1",
        auth_login_url="https://waiting.example/auth",
        auth_token_url="https://waiting.example/token",
        key_set_url="https://waiting.example/jwks",
        registered_via=RegisteredVia.DYNAMIC,
        is_active=False,
    )

    response = client.get(
        "/lti/register/",
        {"openid_configuration": unregistered_platform.url("/.well-known/openid-configuration")},
    )

    assert response.status_code == 503
    assert "ask the administrator for a registration link" in _page(response)
    assert unregistered_platform.requests["openid"] == []


# -- approval -----------------------------------------------------------------------------------


def test_approving_in_the_admin_records_who_and_when_and_lets_the_platform_launch(
    admin_client, admin_user, unregistered_platform
):
    platform = unregistered_platform
    _register(Client(), platform)
    stored = LtiPlatform.objects.get(issuer=platform.issuer)

    response = admin_client.post(
        "/admin/quizzes/ltiplatform/",
        {"action": "approve", "_selected_action": [stored.pk]},
        follow=True,
    )

    assert "1 platforms approved." in _page(response)
    stored.refresh_from_db()
    assert stored.status == PlatformStatus.ACTIVE
    assert stored.approved_by == admin_user
    assert clock.now() - stored.approved_at < timedelta(minutes=1)
    assert launch(Client(), platform).status_code == 302


def test_deactivating_in_the_admin_records_who_and_when(admin_client, admin_user, platform):
    admin_client.post(
        "/admin/quizzes/ltiplatform/",
        {"action": "deactivate", "_selected_action": [platform.registered.pk]},
    )

    stored = LtiPlatform.objects.get(pk=platform.registered.pk)
    assert stored.status == PlatformStatus.DEACTIVATED
    assert stored.deactivated_by == admin_user
    assert stored.deactivated_at is not None
    assert _login(Client(), platform).status_code == 403


def test_the_admin_lists_platforms_awaiting_approval(admin_client, unregistered_platform):
    _register(Client(), unregistered_platform)

    response = admin_client.get("/admin/quizzes/ltiplatform/", {"status": "pending"})

    assert response.status_code == 200
    assert unregistered_platform.client_id in _page(response)
    assert "awaiting approval" in _page(response)


# -- registration links -------------------------------------------------------------------------


def _invite_from_the_admin(admin_client) -> str:
    response = admin_client.post(
        "/admin/quizzes/ltiregistrationinvite/add/",
        {"note": "Moodle of School A", "days": "3"},
        follow=True,
    )
    assert response.status_code == 200
    [token] = LINK.findall(_page(response))
    return token


def test_a_registration_link_from_the_admin_activates_the_platform_at_once(
    client, admin_client, admin_user, unregistered_platform
):
    platform = unregistered_platform
    token = _invite_from_the_admin(admin_client)

    response = _register(client, platform, path=f"/lti/register/{token}/")

    assert response.status_code == 200, response.content[:500]
    assert "waits for" not in _page(response)
    stored = LtiPlatform.objects.get(issuer=platform.issuer)
    assert stored.is_active
    assert stored.registered_via == RegisteredVia.INVITE
    assert stored.approved_by == admin_user
    invite = LtiRegistrationInvite.objects.get()
    assert invite.note == "Moodle of School A"
    assert invite.platform == stored
    assert invite.used_at is not None
    assert launch(Client(), platform).status_code == 302


def test_only_the_hash_of_a_registration_link_is_stored(db):
    created = trust.invite_create(created_by=None, note="x")

    stored = LtiRegistrationInvite.objects.get()
    assert stored.token_hash == hashlib.sha256(created.token.encode()).hexdigest()
    assert created.token not in str(list(LtiRegistrationInvite.objects.values()))


def test_a_registration_link_works_only_once(client, unregistered_platform):
    platform = unregistered_platform
    created = trust.invite_create(created_by=None)
    _register(client, platform, path=created.path)
    platform.client_id += "-second"
    fetched = len(platform.requests["openid"])

    response = client.get(
        created.path, {"openid_configuration": platform.url("/.well-known/openid-configuration")}
    )

    assert response.status_code == 403
    assert "already used, has expired or never existed" in _page(response)
    assert len(platform.requests["openid"]) == fetched
    assert LtiPlatform.objects.count() == 1


def test_a_registration_link_spent_between_confirming_and_registering_stores_nothing(
    client, unregistered_platform
):
    platform = unregistered_platform
    created = trust.invite_create(created_by=None)
    query = {
        "openid_configuration": platform.url("/.well-known/openid-configuration"),
        "registration_token": "reg-token-1",
    }
    assert client.get(created.path, query).status_code == 200
    LtiRegistrationInvite.objects.update(used_at=clock.now())

    response = client.post(created.path, query)

    assert response.status_code == 403
    assert not LtiPlatform.objects.exists()


def test_an_expired_registration_link_is_refused(client, unregistered_platform):
    created = trust.invite_create(created_by=None, days=1)
    LtiRegistrationInvite.objects.update(expires_at=clock.now() - timedelta(seconds=1))

    response = _register_refused(client, unregistered_platform, created.path)

    assert response.status_code == 403


@pytest.mark.parametrize(
    "token",
    ["x" * 43, "short", "a" * 200, "%00" + "a" * 40],
    ids=["unknown", "short", "long", "nul"],
)
def test_a_made_up_registration_link_is_refused(client, unregistered_platform, token):
    response = _register_refused(client, unregistered_platform, f"/lti/register/{token}/")

    assert response.status_code in (400, 403, 404)


def _register_refused(client, platform, path):
    response = client.post(
        path,
        {
            "openid_configuration": platform.url("/.well-known/openid-configuration"),
            "registration_token": "reg-token-1",
        },
    )
    assert platform.requests["openid"] == []
    assert platform.registrations == []
    assert not LtiPlatform.objects.exists()
    return response


def test_registration_links_work_when_open_registration_is_off(
    client, unregistered_platform, settings
):
    settings.LTI_DYNAMIC_REGISTRATION = False
    created = trust.invite_create(created_by=None)

    response = _register(client, unregistered_platform, path=created.path)

    assert response.status_code == 200
    assert LtiPlatform.objects.get().is_active


def test_a_registration_link_cannot_replace_an_existing_registration(client, platform):
    created = trust.invite_create(created_by=None)  # the test platform answers the same client id

    response = _register(client, platform, path=created.path)

    assert response.status_code == 409
    assert LtiPlatform.objects.get().registered_via == RegisteredVia.MANUAL
    assert LtiRegistrationInvite.objects.get().used_at is None


# -- the command --------------------------------------------------------------------------------


def test_lti_invite_prints_a_link_that_registers_once(client, unregistered_platform):
    out = io.StringIO()
    call_command(
        "lti_invite", "--note", "Canvas", "--base-url", "https://kz.example/", stdout=out,
        stderr=io.StringIO(),
    )  # fmt: skip

    link = out.getvalue().strip()
    assert link.startswith("https://kz.example/lti/register/")
    [token] = LINK.findall(link)
    assert LtiRegistrationInvite.objects.get().note == "Canvas"
    assert _register(client, unregistered_platform, path=f"/lti/register/{token}/").status_code == (
        200
    )
    assert LtiPlatform.objects.get().is_active


@pytest.mark.parametrize(
    "args", [["--days", "0"], ["--days", "91"], ["--base-url", "ftp://kz.example"]]
)
def test_lti_invite_refuses_bad_options_and_creates_nothing(db, args):
    with pytest.raises(CommandError):
        call_command("lti_invite", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert not LtiRegistrationInvite.objects.exists()


def test_a_platform_added_in_the_admin_is_active_and_approved_by_whoever_added_it(
    admin_client, admin_user
):
    response = admin_client.post(
        "/admin/quizzes/ltiplatform/add/",
        {
            "name": "School LMS",
            "issuer": "https://lms.school.example",
            "client_id": "abc",
            "auth_login_url": "https://lms.school.example/auth",
            "auth_token_url": "https://lms.school.example/token",
            "auth_audience": "",
            "key_set_url": "https://lms.school.example/jwks",
            "admins_see_platform_courses": "on",
            "is_active": "on",
            "deployments-TOTAL_FORMS": "1",
            "deployments-INITIAL_FORMS": "0",
            "deployments-0-deployment_id": "1",
        },
    )

    assert response.status_code == 302, _page(response)[:2000]
    platform = LtiPlatform.objects.get()
    assert platform.status == PlatformStatus.ACTIVE
    assert platform.approved_by == admin_user
    assert list(platform.deployments.values_list("deployment_id", flat=True)) == ["1"]


def test_the_registration_link_pages_of_the_admin_never_show_a_token(admin_client):
    token = _invite_from_the_admin(admin_client)
    invite = LtiRegistrationInvite.objects.get()

    pages = [
        admin_client.get("/admin/quizzes/ltiregistrationinvite/"),
        admin_client.get(f"/admin/quizzes/ltiregistrationinvite/{invite.pk}/change/"),
    ]

    for page in pages:
        assert page.status_code == 200
        assert token not in page.content.decode()
        assert invite.token_hash not in page.content.decode()
    assert "usable" in _page(pages[0])


def test_a_revoked_registration_link_no_longer_works(admin_client, client, unregistered_platform):
    token = _invite_from_the_admin(admin_client)

    admin_client.post(
        "/admin/quizzes/ltiregistrationinvite/",
        {"action": "revoke", "_selected_action": [LtiRegistrationInvite.objects.get().pk]},
    )

    response = _register_refused(client, unregistered_platform, f"/lti/register/{token}/")
    assert response.status_code == 403
