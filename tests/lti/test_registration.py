"""Dynamic registration with the test platform over real HTTP: the administrator confirms, the
tool registers itself and stores the platform, awaiting a site administrator's approval; once
approved, launches from it work. (Registration links that activate at once: test_trust.py.)"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from quizzes.lti import claims, trust
from quizzes.models import LtiDeployment, LtiPlatform, PlatformStatus, RegisteredVia

from .conftest import launch

TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"


class _Form(HTMLParser):
    """The fields of the page's registration form."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self._inside = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form" and attributes.get("action", "").startswith("/lti/register/"):
            self.action = attributes["action"]
            self._inside = True
        elif tag == "input" and self._inside and "name" in attributes:
            self.fields[attributes["name"]] = attributes.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False


def _config_url(platform) -> str:
    return platform.url("/.well-known/openid-configuration")


def _confirm(client, platform, token: str = "reg-token-1"):
    return client.get(
        "/lti/register/",
        {"openid_configuration": _config_url(platform), "registration_token": token},
    )


def _register(client, platform, token: str = "reg-token-1", path: str = "/lti/register/"):
    """Confirm, then post the confirmation page's form as the administrator's browser would."""
    confirm = client.get(
        path, {"openid_configuration": _config_url(platform), "registration_token": token}
    )
    assert confirm.status_code == 200, confirm.content[:500]
    form = _Form(confirm.content.decode())
    assert form.action == path
    return client.post(form.action, form.fields)


def _stored(platform) -> bool:
    return LtiPlatform.objects.filter(issuer=platform.issuer).exists()


def test_the_confirmation_page_names_the_platform_and_the_tool_urls(client, unregistered_platform):
    platform = unregistered_platform

    response = _confirm(client, platform)

    assert response.status_code == 200
    page = response.content.decode()
    host = platform.issuer.removeprefix("http://")
    assert f"Register kzstudy with {host} (testplatform)" in page
    assert "the registration waits for their approval" in " ".join(page.split())
    assert platform.issuer in page
    assert "http://testserver/lti/login/" in page
    assert "http://testserver/lti/launch/" in page
    assert "http://testserver/lti/jwks/" in page
    assert _Form(page).fields == {
        "openid_configuration": _config_url(platform),
        "registration_token": "reg-token-1",
    }
    assert not _stored(platform)
    assert platform.registrations == []


def test_registering_sends_the_tool_registration_and_closes_the_window(
    client, unregistered_platform
):
    platform = unregistered_platform

    response = _register(client, platform)

    assert response.status_code == 200, response.content[:500]
    assert b"org.imsglobal.lti.close" in response.content
    assert re.search(
        rb"postMessage\(\{\s*subject:\s*\"org\.imsglobal\.lti\.close\"", response.content
    )
    [sent] = platform.registrations
    assert sent["initiate_login_uri"] == "http://testserver/lti/login/"
    assert sent["redirect_uris"] == ["http://testserver/lti/launch/"]
    assert sent["jwks_uri"] == "http://testserver/lti/jwks/"
    assert sent["token_endpoint_auth_method"] == "private_key_jwt"
    assert sent["response_types"] == ["id_token"]
    assert set(sent["grant_types"]) == {"implicit", "client_credentials"}
    scopes = sent["scope"].split()
    assert claims.SCOPE_SCORE in scopes
    assert claims.SCOPE_LINEITEM in scopes
    assert claims.SCOPE_NRPS in scopes
    # The test platform does not list these, so the tool does not ask for them.
    assert claims.SCOPE_LINEITEM_READONLY not in scopes
    assert claims.SCOPE_RESULT_READONLY not in scopes
    tool = sent[TOOL_CONFIGURATION]
    assert tool["target_link_uri"] == "http://testserver/lti/launch/"
    assert tool["domain"] == "testserver"
    deep_linking = [m for m in tool["messages"] if m["type"] == "LtiDeepLinkingRequest"]
    assert deep_linking
    assert deep_linking[0]["target_link_uri"] == "http://testserver/lti/launch/"
    [register_request] = platform.requests["register"]
    assert register_request.headers["Authorization"] == "Bearer reg-token-1"


def test_registering_stores_the_platform_awaiting_approval(client, unregistered_platform):
    platform = unregistered_platform

    response = _register(client, platform)

    page = " ".join(response.content.decode().split())
    assert "waits for the kzstudy administrator's approval" in page
    stored = LtiPlatform.objects.get(issuer=platform.issuer)
    assert stored.client_id == platform.client_id
    assert stored.registered_via == RegisteredVia.DYNAMIC
    assert stored.name == f"{platform.issuer.removeprefix('http://')} (testplatform)"
    assert stored.auth_login_url == platform.auth_url
    assert stored.auth_token_url == platform.token_url
    assert stored.key_set_url == platform.jwks_url
    assert not stored.is_active
    assert stored.status == PlatformStatus.PENDING
    assert stored.approved_at is None
    assert list(LtiDeployment.objects.filter(platform=stored).values_list("deployment_id")) == [
        (platform.deployment_id,)
    ]


def test_a_dynamically_registered_platform_can_launch_once_approved(
    client, unregistered_platform, admin_user
):
    platform = unregistered_platform
    _register(client, platform)
    trust.platform_approve(LtiPlatform.objects.get(issuer=platform.issuer), by=admin_user)

    response = launch(client, platform, sub="learner-1")

    assert response.status_code == 302, response.content[:500]
    assert response["Location"].startswith("/courses/")
    assert client.get(response["Location"]).status_code == 200


def test_registering_again_never_changes_the_existing_registration(
    client, unregistered_platform, admin_user
):
    platform = unregistered_platform
    _register(client, platform)
    stored = LtiPlatform.objects.get(issuer=platform.issuer)
    trust.platform_approve(stored, by=admin_user)
    LtiPlatform.objects.filter(pk=stored.pk).update(auth_login_url="https://lms.example/auth")

    response = _register(client, platform)

    assert response.status_code == 409
    assert "a registration never replaces another" in response.content.decode()
    [unchanged] = LtiPlatform.objects.filter(issuer=platform.issuer)
    assert unchanged.auth_login_url == "https://lms.example/auth"
    assert unchanged.is_active
    assert unchanged.approved_by == admin_user
    assert LtiDeployment.objects.filter(platform=unchanged).count() == 1


def _assert_refused(response, message: str, platform) -> None:
    assert response.status_code == 400
    assert "could not complete this registration" in response.content.decode()
    assert message in response.content.decode()
    assert not _stored(platform)
    assert platform.registrations == []


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_request_without_openid_configuration_is_refused(client, unregistered_platform, method):
    response = getattr(client, method)("/lti/register/", {"registration_token": "reg-token-1"})

    _assert_refused(response, "has no openid_configuration", unregistered_platform)


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    "url",
    [
        "ftp://platform.example/.well-known/openid-configuration",
        "javascript:alert(document.cookie)",
        "/.well-known/openid-configuration",
        "file:///etc/passwd",
    ],
)
def test_a_configuration_url_that_is_not_http_is_refused(
    client, unregistered_platform, method, url
):
    response = getattr(client, method)(
        "/lti/register/", {"openid_configuration": url, "registration_token": "reg-token-1"}
    )

    _assert_refused(response, "must be an absolute", unregistered_platform)
    assert unregistered_platform.requests["openid"] == []


def _crafted(httpserver, path: str, **respond):
    httpserver.expect_request(path).respond_with_data(**respond)
    return httpserver.url_for(path)


def _config_without(platform, name: str) -> str:
    config = platform.openid_configuration()
    del config[name]
    return json.dumps(config)


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    "respond, message",
    [
        ({"response_data": "gone", "status": 404}, "configuration could not be read"),
        (
            {"response_data": "{not json", "content_type": "application/json"},
            "configuration could not be read",
        ),
        (
            {"response_data": '["a list"]', "content_type": "application/json"},
            "is not a JSON object",
        ),
        ("without registration_endpoint", "lacks registration_endpoint"),
    ],
    ids=["404", "invalid-json", "not-an-object", "no-registration-endpoint"],
)
def test_an_unusable_configuration_is_refused(
    client, unregistered_platform, httpserver, method, respond, message
):
    platform = unregistered_platform
    if respond == "without registration_endpoint":
        respond = {
            "response_data": _config_without(platform, "registration_endpoint"),
            "content_type": "application/json",
        }
    url = _crafted(httpserver, "/crafted/openid-configuration", **respond)

    response = getattr(client, method)(
        "/lti/register/", {"openid_configuration": url, "registration_token": "reg-token-1"}
    )

    _assert_refused(response, message, platform)


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_issuer_on_another_host_than_the_configuration_is_refused(
    client, unregistered_platform, httpserver, method
):
    platform = unregistered_platform
    config = {**platform.openid_configuration(), "issuer": "https://evil.example"}
    url = _crafted(
        httpserver,
        "/evil/openid-configuration",
        response_data=json.dumps(config),
        content_type="application/json",
    )

    response = getattr(client, method)(
        "/lti/register/", {"openid_configuration": url, "registration_token": "reg-token-1"}
    )

    _assert_refused(response, "issuer is not on the configuration", platform)
    assert not LtiPlatform.objects.filter(issuer="https://evil.example").exists()


def test_a_registration_the_platform_refuses_stores_nothing(client, unregistered_platform):
    platform = unregistered_platform

    response = _register(client, platform, token="wrong-token")

    assert response.status_code == 400
    assert "The platform refused the registration" in response.content.decode()
    assert "401" in response.content.decode()
    assert not _stored(platform)
    assert platform.registrations == []
    assert len(platform.requests["register"]) == 1
    assert b"org.imsglobal.lti.close" not in response.content


def test_a_long_configuration_url_is_accepted(client, unregistered_platform):
    platform = unregistered_platform
    url = _config_url(platform) + "?registration_token=" + "t" * 900

    response = client.get("/lti/register/", {"openid_configuration": url})

    assert response.status_code == 200, response.content[:500]
    assert "Register kzstudy with " in response.content.decode()
    assert platform.requests["openid"][0].args["registration_token"] == "t" * 900


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("jwks_uri", "/jwks?" + "x" * 600, "jwks_uri is longer than 500 characters"),
        ("issuer", "/" + "i" * 300, "issuer is longer than 255 characters"),
        ("authorization_server", "/" + "a" * 600, "authorization_server is longer than 500"),
    ],
)
def test_configuration_values_too_long_to_store_are_refused(
    client, unregistered_platform, httpserver, field, value, message
):
    platform = unregistered_platform
    config = {**platform.openid_configuration(), field: platform.issuer + value}
    url = _crafted(
        httpserver,
        "/long/openid-configuration",
        response_data=json.dumps(config),
        content_type="application/json",
    )

    response = client.post(
        "/lti/register/", {"openid_configuration": url, "registration_token": "reg-token-1"}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not _stored(platform)


@pytest.mark.parametrize(
    "answer, message",
    [
        ({"client_id": "c" * 256}, "client_id is longer than 255 characters"),
        ({}, "has no usable client_id"),
        ({"client_id": 42}, "has no usable client_id"),
        (
            {"client_id": "ok", TOOL_CONFIGURATION: {"deployment_id": "d" * 256}},
            "deployment_id is longer than 255 characters",
        ),
        (["not", "an", "object"], "answer is not a JSON object"),
    ],
    ids=["long-client-id", "no-client-id", "numeric-client-id", "long-deployment", "list"],
)
def test_an_unusable_registration_answer_stores_nothing(
    client, unregistered_platform, httpserver, answer, message
):
    platform = unregistered_platform
    httpserver.expect_request("/odd/register", method="POST").respond_with_json(answer)
    config = {
        **platform.openid_configuration(),
        "registration_endpoint": platform.url("/odd/register"),
    }
    url = _crafted(
        httpserver,
        "/odd/openid-configuration",
        response_data=json.dumps(config),
        content_type="application/json",
    )

    response = client.post(
        "/lti/register/", {"openid_configuration": url, "registration_token": "reg-token-1"}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not _stored(platform)
    assert not LtiDeployment.objects.filter(platform__issuer=platform.issuer).exists()


def test_an_operator_can_turn_dynamic_registration_off(client, unregistered_platform, settings):
    from quizzes.models import LtiPlatform

    settings.LTI_DYNAMIC_REGISTRATION = False
    response = client.get(
        "/lti/register/",
        {
            "openid_configuration": unregistered_platform.url("/.well-known/openid-configuration"),
            "registration_token": "reg-token-1",
        },
    )
    assert response.status_code == 403
    assert "ask the kzstudy administrator for a registration link" in response.content.decode()
    assert not LtiPlatform.objects.exists()
    assert unregistered_platform.requests["openid"] == []


def test_a_registration_without_a_deployment_id_warns_that_launches_will_wait(
    client, unregistered_platform
):
    platform = unregistered_platform
    platform.deployment_id = ""  # the platform's answer carries no deployment id

    response = _register(client, platform)

    assert response.status_code == 200
    assert "sent no deployment" in response.content.decode()
    assert not LtiPlatform.objects.get(issuer=platform.issuer).deployments.exists()


def test_a_registration_with_a_deployment_id_does_not_warn(client, unregistered_platform):
    response = _register(client, unregistered_platform)
    assert "sent no deployment" not in response.content.decode()


@pytest.mark.parametrize(
    "configuration, name",
    [
        (
            {claims.PLATFORM_CONFIGURATION: {"product_family_code": "moodle"}},
            "lms.school.example (moodle)",
        ),
        ({claims.PLATFORM_CONFIGURATION: {"product_family_code": 7}}, "lms.school.example"),
        ({}, "lms.school.example"),
    ],
)
def test_platforms_are_named_after_their_site_not_only_their_product(configuration, name):
    from quizzes.lti.registration import platform_name

    assert platform_name({"issuer": "https://lms.school.example", **configuration}) == name
