"""Invalid launches: each is refused with a page saying why, changes nothing, signs no one in,
and is logged."""

from __future__ import annotations

import base64
import html
import json
import logging
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F
from django.test import Client

from quizzes.models import (
    Course,
    Enrolment,
    LtiIdentity,
    LtiLoginState,
    LtiPlatform,
    LtiResourceLink,
    Quiz,
)

from .conftest import launch, start_login
from .platform import INSTRUCTOR, LTI, new_rsa_key

User = get_user_model()


@pytest.fixture(autouse=True)
def _capture_lti_warnings(caplog):
    caplog.set_level(logging.WARNING, logger="kzstudy.lti")


def _records():
    """What a refused launch may leave behind: users, identities, courses, enrolments, links."""
    return {
        "users": User.objects.count(),
        "identities": LtiIdentity.objects.count(),
        "courses": Course.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "links": LtiResourceLink.objects.count(),
    }


def _post(client, platform, *, edit=None, token_kwargs=None, **claims):
    """Log in, build the claims, let `edit` spoil them, sign and post the launch."""
    login = start_login(client, platform)
    body = platform.claims(nonce=login.nonce, **claims)
    if edit is not None:
        edit(body)
    token = platform.id_token(body, **(token_kwargs or {}))
    return client.post("/lti/launch/", {"id_token": token, "state": login.state})


def _assert_refused(client, response, caplog, before, *, status, phrase, what="launch"):
    assert response.status_code == status
    page = html.unescape(response.content.decode())
    assert f"kzstudy could not complete this {what}" in page
    assert phrase in page
    assert _records() == before
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert client.get("/api/v1/me/").status_code in (401, 403)
    warnings = [
        r.getMessage()
        for r in caplog.records
        if r.name == "kzstudy.lti" and r.levelno == logging.WARNING
    ]
    assert any(f"LTI {what} refused ({status})" in m and phrase in m for m in warnings), warnings


def _set(name, value):
    def edit(body):
        body[name] = value

    return edit


def _drop(*names):
    def edit(body):
        for name in names:
            body.pop(name, None)

    return edit


def _times(*, iat, exp):
    def edit(body):
        now = int(time.time())
        body["iat"], body["exp"] = now + iat, now + exp

    return edit


def _privacy_launch(body):
    body[LTI + "message_type"] = "DataPrivacyLaunchRequest"
    body[LTI + "for_user"] = {"user_id": "learner-2"}
    for name in ("context", "resource_link"):
        body.pop(LTI + name, None)


def _review_launch(body):
    body[LTI + "message_type"] = "LtiSubmissionReviewRequest"
    body[LTI + "for_user"] = {"user_id": "learner-2"}
    body["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"]["lineitem"] = "http://x/li/1"


REFUSED = [
    pytest.param(
        {"edit": _times(iat=-600, exp=-120)}, 400, "Signature has expired", id="exp-past-leeway"
    ),
    pytest.param(
        {"edit": _times(iat=3600, exp=3900)}, 400, "not yet valid (iat)", id="iat-in-the-future"
    ),
    pytest.param(
        {"edit": _set("aud", "another-tool")}, 403, "platform is not registered", id="wrong-aud"
    ),
    pytest.param(
        {"edit": lambda body: body.update(aud=[body["aud"], "another-tool"])},
        400,
        "several audiences and no matching azp",
        id="several-auds-without-azp",
    ),
    pytest.param(
        {"edit": lambda body: body.update(aud=[body["aud"], "another-tool"], azp="another-tool")},
        403,
        "platform is not registered",
        id="azp-another-tool",
    ),
    pytest.param(
        {"edit": _set("azp", 42)}, 400, "azp is not this tool's client id", id="azp-not-a-string"
    ),
    pytest.param(
        {"token_kwargs": {"key": new_rsa_key()}},
        400,
        "Signature verification failed",
        id="signed-by-another-key-under-the-kid",
    ),
    pytest.param(
        {"token_kwargs": {"alg": "HS256"}}, 400, "must be signed with RS256", id="alg-hs256"
    ),
    pytest.param(
        {"edit": _set("nonce", "not-the-nonce-of-this-login")},
        400,
        "nonce does not match its login",
        id="foreign-nonce",
    ),
    pytest.param(
        {"edit": _set("iss", "https://lms.elsewhere.example")},
        403,
        "platform is not registered",
        id="unknown-issuer",
    ),
    pytest.param(
        {"edit": _set(LTI + "deployment_id", "deployment-unknown")},
        403,
        "deployment of kzstudy is not registered",
        id="unknown-deployment",
    ),
    pytest.param(
        {"edit": _drop(LTI + "deployment_id")},
        403,
        "deployment of kzstudy is not registered",
        id="no-deployment",
    ),
    pytest.param(
        {"message_type": "LtiStartProctoring"},
        400,
        "Unrecognized message type",
        id="unknown-message-type",
    ),
    pytest.param(
        {"edit": _privacy_launch},
        400,
        "does not handle DataPrivacyLaunchRequest",
        id="privacy-launch-not-offered",
    ),
    pytest.param(
        {"edit": _review_launch},
        400,
        "does not handle LtiSubmissionReviewRequest",
        id="submission-review-not-offered",
    ),
    pytest.param({"edit": _set(LTI + "version", "1.1")}, 400, "expected 1.3.0", id="version-1.1"),
    pytest.param({"edit": _drop("sub")}, 400, 'missing the "sub" claim', id="no-sub"),
    pytest.param({"edit": _drop(LTI + "roles")}, 400, "Missing Roles Claim", id="no-roles"),
    pytest.param({"roles": "Learner"}, 400, "roles claim is not a list", id="roles-not-a-list"),
    pytest.param(
        {"edit": _drop(LTI + "resource_link")},
        400,
        "Missing Resource Link Id",
        id="no-resource-link",
    ),
    pytest.param(
        {"edit": _set(LTI + "resource_link", {"id": 7, "title": "x"})},
        400,
        "resource link has no valid id",
        id="resource-link-id-not-a-string",
    ),
    # PostgreSQL cannot store or compare a NUL: an id holding one is refused, not a 500.
    pytest.param({"sub": "learner-\x00-1"}, 400, "sub holds control characters", id="nul-in-sub"),
    # Half a surrogate pair (JSON's \ud800) cannot be encoded for a database or a page.
    pytest.param(
        {"sub": "learner-\ud800-1"}, 400, "sub holds control characters", id="surrogate-in-sub"
    ),
    pytest.param(
        {"context": {"id": "context-\udfff", "title": "x"}},
        400,
        "context claim has no valid id",
        id="surrogate-in-context-id",
    ),
    pytest.param(
        {"edit": _set(LTI + "deployment_id", "deployment-\x00")},
        400,
        "deployment id holds control characters",
        id="nul-in-deployment-id",
    ),
    pytest.param(
        {"context": {"id": "context-\x00", "title": "x"}},
        400,
        "context claim has no valid id",
        id="nul-in-context-id",
    ),
    pytest.param(
        {"resource_link_id": "link-\x00"},
        400,
        "resource link has no valid id",
        id="nul-in-resource-link-id",
    ),
    pytest.param({"target": "quiz:abc"}, 400, "is not 'home', 'quiz:<id>'", id="target-malformed"),
    pytest.param(
        {"target": "section:no-such-section"},
        400,
        "which this course's article lacks",
        id="target-unknown-section",
    ),
    pytest.param(
        {"message_type": "LtiDeepLinkingRequest"},
        403,
        "Only instructors can add kzstudy content",
        id="learner-deep-linking",
    ),
]


@pytest.mark.parametrize(("launch_kwargs", "status", "phrase"), REFUSED)
def test_invalid_launch_is_refused_without_a_trace(
    client, platform, caplog, launch_kwargs, status, phrase
):
    before = _records()
    response = _post(client, platform, **launch_kwargs)
    _assert_refused(client, response, caplog, before, status=status, phrase=phrase)


def test_a_token_expired_within_the_leeway_is_accepted(client, platform):
    response = _post(client, platform, edit=_times(iat=-330, exp=-30))

    assert response.status_code == 302
    assert client.get("/api/v1/me/").status_code == 200


def test_alg_none_is_refused(client, platform, caplog):
    def b64(part: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()

    before = _records()
    login = start_login(client, platform)
    header = {"alg": "none", "typ": "JWT", "kid": platform.kid}
    token = f"{b64(header)}.{b64(platform.claims(nonce=login.nonce))}."
    response = client.post("/lti/launch/", {"id_token": token, "state": login.state})

    _assert_refused(
        client, response, caplog, before, status=400, phrase="must be signed with RS256"
    )


def test_unknown_kid_is_refused_after_refetching_the_platform_keys(client, platform, caplog):
    assert launch(Client(), platform).status_code == 302  # caches the platform's JWKS
    assert len(platform.requests["jwks"]) == 1
    # Past the refetch throttle, as a real platform's next launch would be.
    LtiPlatform.objects.filter(pk=platform.registered.pk).update(
        key_set_fetched_at=F("key_set_fetched_at") - timedelta(minutes=1)
    )
    before = _records()

    response = _post(client, platform, token_kwargs={"kid": "no-such-key", "key": new_rsa_key()})

    _assert_refused(
        client, response, caplog, before, status=400, phrase="no key with kid 'no-such-key'"
    )
    assert len(platform.requests["jwks"]) == 2


def test_replayed_launch_is_refused(client, platform, caplog):
    login = start_login(client, platform)
    token = platform.id_token(platform.claims(nonce=login.nonce))
    form = {"id_token": token, "state": login.state}
    assert client.post("/lti/launch/", form).status_code == 302

    # The same browser posting it again, and an attacker who copied the post and its cookie.
    again = client.post("/lti/launch/", form)
    assert again.status_code == 400
    assert "already used or has expired" in html.unescape(again.content.decode())
    attacker = Client()
    attacker.cookies[f"lti1p3-{login.state}"] = login.state
    before = _records()
    response = attacker.post("/lti/launch/", form)

    _assert_refused(
        attacker, response, caplog, before, status=400, phrase="already used or has expired"
    )


def test_launch_without_state_is_refused(client, platform, caplog):
    login = start_login(client, platform)
    token = platform.id_token(platform.claims(nonce=login.nonce))
    before = _records()

    response = client.post("/lti/launch/", {"id_token": token})

    _assert_refused(client, response, caplog, before, status=400, phrase="has no state")


def test_launch_from_a_browser_without_the_login_cookie_is_refused(client, platform, caplog):
    login = start_login(client, platform)
    token = platform.id_token(platform.claims(nonce=login.nonce))
    other_browser = Client()
    before = _records()

    response = other_browser.post("/lti/launch/", {"id_token": token, "state": login.state})

    _assert_refused(
        other_browser,
        response,
        caplog,
        before,
        status=400,
        phrase="did not keep kzstudy's login cookie",
    )


def test_launch_after_the_login_expired_is_refused(client, platform, caplog):
    login = start_login(client, platform)
    LtiLoginState.objects.filter(state=login.state).update(
        created_at=F("created_at") - timedelta(minutes=11)
    )
    token = platform.id_token(platform.claims(nonce=login.nonce))
    before = _records()

    response = client.post("/lti/launch/", {"id_token": token, "state": login.state})

    _assert_refused(
        client, response, caplog, before, status=400, phrase="already used or has expired"
    )


def test_login_from_an_unknown_issuer_is_refused(client, db, caplog):
    before = _records()

    response = client.get(
        "/lti/login/",
        {
            "iss": "https://lms.elsewhere.example",
            "login_hint": "hint-1",
            "target_link_uri": "http://testserver/lti/launch/",
            "lti1p3_new_window": "1",
        },
    )

    _assert_refused(
        client,
        response,
        caplog,
        before,
        status=403,
        phrase="platform is not registered",
        what="login",
    )
    assert not LtiLoginState.objects.exists()


def test_launch_signed_by_another_registered_platform_than_its_login_is_refused(
    client, platform, caplog
):
    other = LtiPlatform.objects.create(
        name="Other",
        issuer="https://lms.other.example",
        client_id="other-client",
        auth_login_url="https://lms.other.example/auth",
        auth_token_url="https://lms.other.example/token",
        key_set_url=platform.jwks_url,
    )
    other.deployments.create(deployment_id=platform.deployment_id)
    before = _records()

    response = _post(
        client, platform, edit=lambda body: body.update(iss=other.issuer, aud=other.client_id)
    )

    _assert_refused(client, response, caplog, before, status=403, phrase="another platform")


@pytest.mark.parametrize("quiz_state", ["missing", "unpublished"])
def test_target_quiz_the_course_does_not_offer_is_refused(client, platform, caplog, quiz_state):
    quiz = Quiz.objects.get(key="final-exam")
    if quiz_state == "unpublished":
        Quiz.objects.filter(pk=quiz.pk).update(is_published=False)
        quiz_id = quiz.pk
    else:
        quiz_id = Quiz.objects.order_by("-pk").first().pk + 1000
    before = _records()

    response = _post(client, platform, target=f"quiz:{quiz_id}")

    _assert_refused(
        client,
        response,
        caplog,
        before,
        status=400,
        phrase=f"opens quiz {quiz_id}, which this course does not offer",
    )


@pytest.mark.parametrize(
    ("form", "phrase"),
    [
        pytest.param({"id_token": "a.b"}, "JWT must contain 3 parts", id="two-parts"),
        pytest.param({"id_token": "a.b.c"}, "can't be decoded", id="not-base64-json"),
        pytest.param({}, "Missing id_token", id="no-id-token"),
    ],
)
def test_garbage_id_token_is_refused(client, platform, caplog, form, phrase):
    login = start_login(client, platform)
    before = _records()

    response = client.post("/lti/launch/", {**form, "state": login.state})

    _assert_refused(client, response, caplog, before, status=400, phrase=phrase)


def test_a_json_body_that_is_not_an_object_is_refused(client, platform, caplog):
    login = start_login(client, platform)
    part = base64.urlsafe_b64encode(b"[1, 2]").rstrip(b"=").decode()
    header = base64.urlsafe_b64encode(b'{"alg": "RS256"}').rstrip(b"=").decode()
    before = _records()

    response = client.post(
        "/lti/launch/", {"id_token": f"{header}.{part}.sig", "state": login.state}
    )

    _assert_refused(client, response, caplog, before, status=400, phrase="has no issuer")


def test_launch_by_get_is_not_allowed(client, platform, caplog):
    login = start_login(client, platform)
    token = platform.id_token(platform.claims(nonce=login.nonce))
    before = _records()

    response = client.get("/lti/launch/", {"id_token": token, "state": login.state})

    assert response["Allow"] == "POST"
    _assert_refused(client, response, caplog, before, status=405, phrase="link in your course")


def test_instructor_deep_linking_is_not_refused(client, platform):
    """The counterpart of the learner case above: the role, not the message, is refused."""
    response = _post(client, platform, message_type="LtiDeepLinkingRequest", roles=[INSTRUCTOR])
    assert response.status_code == 200
    assert "Add kzstudy content to Kazakhstan 101" in response.content.decode()


def test_nul_in_names_and_titles_is_dropped_instead_of_a_500(client, platform):
    response = _post(
        client,
        platform,
        sub="learner-1",
        name="Ann\x00 Lee",
        given_name="Ann\x00",
        family_name="Lee\x00\n",
        email="ann\x00@lms.example",
        context={"id": "context-1", "title": "History\x00 101", "label": "H\x00"},
        edit=lambda body: body[LTI + "resource_link"].update(title="Quiz\x00 one"),
    )

    assert response.status_code == 302, response.content[:500]
    user = LtiIdentity.objects.get(sub="learner-1").user
    assert (user.first_name, user.last_name, user.email) == ("Ann", "Lee", "ann@lms.example")
    assert Course.objects.get(lti_context_id="context-1").title == "History 101"
    assert LtiResourceLink.objects.get().title == "Quiz one"


def test_a_lone_surrogate_in_names_and_titles_is_dropped_instead_of_a_500(client, platform):
    response = _post(
        client,
        platform,
        sub="learner-2",
        given_name="Ann\ud800",
        family_name="Lee",
        context={"id": "context-2", "title": "History\udc00 101"},
    )

    assert response.status_code == 302, response.content[:500]
    assert LtiIdentity.objects.get(sub="learner-2").user.first_name == "Ann"
    assert Course.objects.get(lti_context_id="context-2").title == "History 101"
