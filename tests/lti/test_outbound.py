"""Every URL a platform names (registration, JWKS, token, grades, roster, deep-link return) goes
through the outbound policy: nothing reaches a private address under production settings, a
malformed URL is a 400, and no page shows what a platform answered.

`production` is the policy a deployment runs with (plain http kept on, since the test platform
serves http); `campus` additionally lists the loopback network, as an operator lists an LMS on
the campus network, so the test platform itself stays reachable while other private and
metadata addresses stay refused.
"""

from __future__ import annotations

import html
import json

import pytest
from pytest_httpserver import HTTPServer

from quizzes.lti import registration
from quizzes.lti.outbox import deliver_due
from quizzes.lti.registration import RegistrationError, ToolUrls
from quizzes.models import (
    Course,
    LtiContext,
    LtiPlatform,
    LtiResourceLink,
    LtiScore,
    Quiz,
    ScoreStatus,
)

from .conftest import launch
from .platform import AGS, DL_SETTINGS, INSTRUCTOR, LTI, NRPS
from .test_grades import finish, launched_learner

SECRET = "SECRET-FROM-INSIDE-THE-NETWORK"


def _deep_linking(return_url: str) -> dict:
    return {
        DL_SETTINGS: {
            "deep_link_return_url": return_url,
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["iframe"],
        }
    }


@pytest.fixture
def production(settings):
    settings.OUTBOUND_ALLOW_HTTP = True
    settings.OUTBOUND_ALLOW_PRIVATE_NETWORKS = False
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    return settings


@pytest.fixture
def campus(production):
    production.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8", "::1/128"]
    return production


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _course_of(response) -> Course:
    """The course a successful launch landed in (its redirect names the course's slug)."""
    assert response.status_code == 302, response.content[:500]
    return Course.objects.get(slug=response["Location"].split("/")[2])


# -- the roster (item 3) --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status, body", [(500, f"<h1>{SECRET}</h1>"), (200, f"{SECRET} is no JSON")], ids=str
)
def test_roster_page_never_shows_the_platforms_reply(client, platform, httpserver, status, body):
    exam = Quiz.objects.get(key="final-exam")
    course = _course_of(launch(client, platform, sub="teacher", roles=[INSTRUCTOR]))
    httpserver.expect_request("/internal/admin").respond_with_data(body, status=status)
    LtiContext.objects.filter(course=course).update(
        memberships_url=httpserver.url_for("/internal/admin")
    )

    page = client.get(f"/teach/{course.slug}/roster/")
    api = client.get(f"/api/v1/courses/{course.pk}/quizzes/{exam.pk}/roster/")

    assert page.status_code == 502 and api.status_code == 502
    assert SECRET not in _text(page)
    assert SECRET not in json.dumps(api.json())
    expected = "HTTP 500" if status == 500 else "did not answer with JSON"
    assert expected in _text(page)
    assert expected in api.json()["error"]["message"]


@pytest.mark.parametrize(
    "claim, url",
    [
        (NRPS, {"context_memberships_url": "http://169.254.169.254/latest/meta-data/"}),
        (NRPS, {"context_memberships_url": "http://[::1"}),
        (AGS, {"scope": [], "lineitems": "http://10.0.0.5/admin"}),
        (
            AGS,
            {"scope": [], "lineitems": "https://lms.example/li", "lineitem": "http://[fd00::1]/"},
        ),
        (AGS, {"scope": [], "lineitems": "https://lms.example/" + "x" * 500}),
    ],
    ids=["roster-on-metadata", "roster-malformed", "lineitems-private", "lineitem-ula", "long"],
)
def test_a_launch_naming_an_unusable_service_url_is_refused_and_stores_nothing(
    client, platform, campus, claim, url
):
    response = launch(client, platform, sub="teacher", roles=[INSTRUCTOR], **{claim: url})

    assert response.status_code == 400
    assert "service URL" in _text(response)
    assert not Course.objects.filter(lti_context_id="context-1").exists()
    assert not LtiContext.objects.exists()
    assert not LtiResourceLink.objects.exists()


def test_a_launch_with_public_service_urls_stores_them(client, platform, campus):
    lineitems = "https://lms.example/courses/1/lineitems"
    response = launch(
        client,
        platform,
        **{AGS: {"scope": [], "lineitems": lineitems}, NRPS: {"context_memberships_url": ""}},
    )

    assert response.status_code == 302
    assert LtiResourceLink.objects.get().lineitems_url == lineitems


# -- grades, tokens and keys in production (items 3 and 5) ---------------------------------------


def test_in_production_no_grade_request_reaches_a_private_address(
    client, platform, production, settings
):
    settings.OUTBOUND_ALLOW_PRIVATE_NETWORKS = True  # launch and queue as usual...
    exam = Quiz.objects.get(key="final-exam")
    user, course, _ = launched_learner(client, platform, exam)
    finish(exam, user, course)
    settings.OUTBOUND_ALLOW_PRIVATE_NETWORKS = False  # ...then the worker runs in production
    platform.requests.clear()

    report = deliver_due()

    score = LtiScore.objects.get()
    assert report.sent == 0 and score.status != ScoreStatus.SENT
    assert score.last_error == (
        "token request: The platform's address points to a private or local address."
    )
    assert dict(platform.requests) == {}


def test_a_line_item_id_on_a_metadata_address_is_never_stored_or_called(client, platform, campus):
    """The platform's line item container names the URL scores go to; it is checked before it
    is stored, like the launch's own service URLs."""
    exam = Quiz.objects.get(key="final-exam")
    user, course, _ = launched_learner(client, platform, exam, lineitem=False)
    bad = "http://169.254.169.254/latest/meta-data/"
    platform.line_items[bad] = {"id": bad, "resourceId": f"quiz:{exam.pk}", "scoreMaximum": 100}
    finish(exam, user, course)

    deliver_due()

    score = LtiScore.objects.get()
    assert score.status == ScoreStatus.FAILED
    assert score.last_error == ("line items: the line item's id points to a cloud metadata address")
    assert LtiResourceLink.objects.get().lineitem_url == ""


def test_a_launch_whose_key_set_is_on_a_private_address_is_refused_in_production(
    client, platform, production
):
    """Whatever fetches the platform's keys (ours, or pylti1p3 should it ever try) meets the
    policy: the launch is refused and the JWKS endpoint never sees a request."""
    response = launch(client, platform)

    assert response.status_code == 400
    assert "signature cannot be checked" in _text(response)
    assert platform.requests["jwks"] == []


def test_the_launch_page_never_shows_what_the_key_set_url_answered(client, platform, httpserver):
    httpserver.expect_request("/internal/keys").respond_with_data(SECRET, status=500)
    LtiPlatform.objects.filter(pk=platform.registered.pk).update(
        key_set_url=httpserver.url_for("/internal/keys")
    )

    response = launch(client, platform)

    assert response.status_code == 400
    assert "HTTP 500" in _text(response)
    assert SECRET not in _text(response)


# -- registration (items 2, 5 and 14) ------------------------------------------------------------


def test_register_with_malformed_ipv6_url_is_a_400(client, db):
    response = client.get("/lti/register/", {"openid_configuration": "http://[::1"})

    assert response.status_code == 400
    assert "openid_configuration is not a valid URL" in _text(response)
    assert not LtiPlatform.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://[::1",
        "https://[v1.x]/",
        "https://lms.example:99999/",
        "https://lms.example:port/",
        "https://a..b.example/openid",
        "https://" + "x" * 70 + ".example/openid",
        "https://user:pw@lms.example/openid",
        "https://lms.example/\x00",
        "https://[fe80::1%25eth0]/",
    ],
)
def test_registration_never_answers_500_to_a_malformed_url(client, db, production, url):
    response = client.get("/lti/register/", {"openid_configuration": url})

    assert response.status_code == 400
    assert not LtiPlatform.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/.well-known/openid-configuration",
        "https://10.1.2.3/openid",
        "https://[::1]/x",
        "https://[::ffff:127.0.0.1]/x",
        "http://localhost/openid",
        "http://169.254.169.254/latest/meta-data/",
    ],
)
def test_registration_will_not_call_into_a_private_network(client, db, production, url):
    response = client.get("/lti/register/", {"openid_configuration": url})

    assert response.status_code == 400
    assert "openid_configuration points to a" in _text(response)
    assert not LtiPlatform.objects.exists()


@pytest.fixture
def public_platform(production):
    """A platform on 127.0.0.2, treated as public (listed network); 127.0.0.1 stays private."""
    production.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    server = HTTPServer(host="127.0.0.2", port=0)
    server.start()
    yield server
    server.clear()
    server.stop()


def _configuration(server: HTTPServer, **changes) -> dict:
    issuer = server.url_for("/").rstrip("/")
    return {
        "issuer": issuer,
        "authorization_endpoint": issuer + "/auth",
        "token_endpoint": issuer + "/token",
        "jwks_uri": issuer + "/jwks",
        "registration_endpoint": issuer + "/register",
        **changes,
    }


TOOL = ToolUrls(
    login="https://tool.example/lti/login/",
    launch="https://tool.example/lti/launch/",
    jwks="https://tool.example/lti/jwks/",
    domain="tool.example",
)


def test_a_configuration_that_redirects_elsewhere_is_refused(public_platform, httpserver):
    """An open redirect on an LMS's host must not hand the registration another configuration
    (issue #11 item 2): redirects are refused, the target is never asked."""
    httpserver.expect_request("/evil-config").respond_with_json({"issuer": "x"})
    public_platform.expect_request("/openid").respond_with_data(
        "", status=302, headers={"Location": httpserver.url_for("/evil-config")}
    )

    with pytest.raises(RegistrationError, match="redirect"):
        registration.platform_configuration(public_platform.url_for("/openid"), "")

    assert httpserver.log == []


def test_a_registration_endpoint_on_a_private_address_is_never_called(public_platform, httpserver):
    """The configuration comes from a public host, but names an inside address to POST to."""
    httpserver.expect_request("/register", method="POST").respond_with_json({"client_id": "c"})
    public_platform.expect_request("/openid").respond_with_json(
        _configuration(public_platform, registration_endpoint=httpserver.url_for("/register"))
    )

    with pytest.raises(RegistrationError, match="registration_endpoint points to a private"):
        registration.platform_configuration(public_platform.url_for("/openid"), "")

    assert httpserver.log == []


def test_a_registration_endpoint_whose_name_resolves_inside_is_refused_at_connect(
    public_platform, httpserver
):
    url = f"http://localhost.:{httpserver.port}/register"
    httpserver.expect_request("/register", method="POST").respond_with_json({"client_id": "c"})
    config = _configuration(public_platform, registration_endpoint=url)

    with pytest.raises(RegistrationError) as refused:
        registration.send_client_registration(config, TOOL, "token")

    assert refused.value.message == (
        "The registration did not go through. The platform could not be reached."
    )
    assert httpserver.log == []


@pytest.mark.parametrize("status", [400, 500])
def test_registration_errors_never_quote_the_platform(public_platform, status):
    public_platform.expect_request("/openid").respond_with_data(SECRET, status=status)
    public_platform.expect_request("/register", method="POST").respond_with_data(
        SECRET, status=status
    )

    with pytest.raises(RegistrationError) as configuration:
        registration.platform_configuration(public_platform.url_for("/openid"), "")
    with pytest.raises(RegistrationError) as registering:
        registration.send_client_registration(_configuration(public_platform), TOOL, "")

    assert configuration.value.message == (
        f"The platform's configuration could not be read. The platform answered with HTTP {status}."
    )
    assert registering.value.message == f"The platform refused the registration (HTTP {status})."
    assert SECRET not in configuration.value.message + registering.value.message


# -- deep linking and launch presentation (item 14) ----------------------------------------------


@pytest.mark.parametrize(
    "return_url",
    ["http://[::1", "https://lms.example:99999/return", "https://user:pw@lms.example/return"],
)
def test_a_malformed_deep_link_return_url_is_a_400_not_a_500(client, platform, return_url):
    response = launch(
        client,
        platform,
        sub="teacher-1",
        message_type="LtiDeepLinkingRequest",
        roles=[INSTRUCTOR],
        **_deep_linking(return_url),
    )

    assert response.status_code == 400
    assert "no usable return address" in _text(response)
    assert "_auth_user_id" not in client.session


def test_a_deep_link_return_url_on_a_metadata_address_is_refused(client, platform, campus):
    response = launch(
        client,
        platform,
        sub="teacher-1",
        message_type="LtiDeepLinkingRequest",
        roles=[INSTRUCTOR],
        **_deep_linking("http://169.254.169.254/"),
    )

    assert response.status_code == 400
    assert "cloud metadata address" in _text(response)


def test_a_malformed_launch_presentation_return_url_does_not_break_the_launch(client, platform):
    response = launch(
        client, platform, **{LTI + "launch_presentation": {"return_url": "http://[::1"}}
    )

    assert response.status_code == 302
