"""Deep linking: an instructor picks kzstudy content, the tool signs it back to the platform, and
the links the platform then makes open what was picked."""

from __future__ import annotations

import json
from dataclasses import replace
from html.parser import HTMLParser

import jwt
import pytest
from django.test import Client
from jwt.algorithms import RSAAlgorithm

from quizzes.lti import deep_linking, trust
from quizzes.models import Course, LtiResourceLink, Quiz, QuizMode, Section
from quizzes.selectors.delivery import quiz_list_for_course

from .conftest import launch
from .platform import DL_SETTINGS, INSTRUCTOR

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"


class _Page(HTMLParser):
    """The forms and inputs of a page, as a browser would see them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.inputs: list[dict] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append(attributes)
        elif tag == "input":
            self.inputs.append(attributes)
        elif tag == "script":
            self._in_script = True

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)

    def values(self, name: str) -> list[str]:
        return [i.get("value", "") for i in self.inputs if i.get("name") == name]


def _page(response) -> _Page:
    return _Page(response.content.decode())


def _deep_link_launch(client, platform, **claims) -> tuple[_Page, str]:
    response = launch(
        client,
        platform,
        sub="teacher-1",
        message_type="LtiDeepLinkingRequest",
        roles=[INSTRUCTOR],
        **claims,
    )
    assert response.status_code == 200, response.content[:500]
    page = _page(response)
    [token] = page.values("launch")
    assert token
    return page, token


def _submit(client, token: str, *chosen: str):
    return client.post("/lti/deep-link/", {"launch": token, "target": list(chosen)})


def _returned_jwt(response, platform) -> str:
    """The JWT of the auto-submitting form, after checking the form posts it to the platform."""
    assert response.status_code == 200, response.content[:500]
    page = _page(response)
    [form] = page.forms
    assert form["action"] == platform.url("/deep-link-return")
    assert form["method"].lower() == "post"
    assert any(".submit()" in script for script in page.scripts)
    [token] = page.values("JWT")
    return token


def _verify(token: str, platform) -> dict:
    """Check the JWT as the platform does: against the tool's published keys, by kid."""
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256"
    published = Client().get("/lti/jwks/").json()["keys"]
    jwk = next(k for k in published if k["kid"] == header["kid"])
    key = RSAAlgorithm.from_jwk(json.dumps(jwk))
    return jwt.decode(
        token,
        key,
        algorithms=["RS256"],
        audience=platform.issuer,
        issuer=platform.client_id,
        options={"require": ["exp", "iat", "iss", "aud", "nonce"]},
    )


def _course(platform) -> Course:
    return Course.objects.get(lti_issuer=platform.issuer, lti_context_id="context-1")


def test_the_placement_page_offers_home_every_section_and_every_quiz(client, platform):
    page, _ = _deep_link_launch(client, platform)

    course = _course(platform)
    sections = list(
        Section.objects.filter(article_id=course.article_id)
        .order_by("position")
        .values_list("slug", flat=True)
    )
    assert len(sections) == 9
    quizzes = [q.pk for q in quiz_list_for_course(course=course)]
    assert Quiz.objects.get(key="final-exam").pk in quizzes
    checkboxes = [i for i in page.inputs if i.get("name") == "target"]
    assert all(i["type"] == "checkbox" for i in checkboxes)
    assert [i["value"] for i in checkboxes] == (
        ["home"] + [f"section:{s}" for s in sections] + [f"quiz:{q}" for q in quizzes]
    )
    assert any(
        f["action"] == "/lti/deep-link/" and f["method"].lower() == "post" for f in page.forms
    )


def test_the_chosen_items_come_back_signed_as_a_deep_linking_response(client, platform):
    _, token = _deep_link_launch(client, platform)
    final = Quiz.objects.get(key="final-exam")
    practice = Quiz.objects.get(key="practice-introduction")
    chosen = ["home", "section:introduction", f"quiz:{final.pk}", f"quiz:{practice.pk}"]

    body = _verify(_returned_jwt(_submit(client, token, *chosen), platform), platform)

    assert body["iss"] == platform.client_id
    assert body["aud"] in (platform.issuer, [platform.issuer])
    assert body[LTI + "deployment_id"] == platform.deployment_id
    assert body[LTI + "message_type"] == "LtiDeepLinkingResponse"
    assert body[LTI + "version"] == "1.3.0"
    assert body[DL + "data"] == "opaque-platform-data"
    items = body[DL + "content_items"]
    assert [item["custom"]["target"] for item in items] == chosen
    assert all(item["type"] == "ltiResourceLink" for item in items)
    assert all(item["url"] == "http://testserver/lti/launch/" for item in items)
    by_target = {item["custom"]["target"]: item for item in items}
    graded = by_target[f"quiz:{final.pk}"]
    assert final.mode == QuizMode.GRADED
    assert graded["title"] == final.title
    assert graded["lineItem"] == {
        "scoreMaximum": 100,
        "label": final.title,
        "resourceId": f"quiz:{final.pk}",
    }
    for target in ["home", "section:introduction", f"quiz:{practice.pk}"]:
        assert "lineItem" not in by_target[target], target


def test_a_response_without_platform_data_has_no_data_claim(client, platform):
    settings = {
        "deep_link_return_url": platform.url("/deep-link-return"),
        "accept_types": ["ltiResourceLink"],
        "accept_presentation_document_targets": ["iframe"],
    }
    _, token = _deep_link_launch(client, platform, **{DL_SETTINGS: settings})

    body = _verify(_returned_jwt(_submit(client, token, "home"), platform), platform)

    assert DL + "data" not in body
    assert [item["custom"]["target"] for item in body[DL + "content_items"]] == ["home"]


@pytest.mark.parametrize(
    "target, expected_path",
    [
        ("home", "/courses/{course}/"),
        ("section:introduction", "/introduction/"),
        ("quiz:{final}", "/courses/{course}/quizzes/{final}/"),
    ],
)
def test_a_link_made_from_a_returned_item_opens_what_was_chosen(
    client, platform, target, expected_path
):
    final = Quiz.objects.get(key="final-exam")
    target = target.format(final=final.pk)
    _, token = _deep_link_launch(client, platform)
    body = _verify(_returned_jwt(_submit(client, token, target), platform), platform)
    [item] = body[DL + "content_items"]
    lineitem = None
    if "lineItem" in item:
        lineitem = platform.add_line_item(item["lineItem"]["resourceId"], item["lineItem"]["label"])

    learner = Client()
    response = launch(
        learner,
        platform,
        sub="learner-1",
        target=item["custom"]["target"],
        resource_link_id="placed-link",
        lineitem=lineitem,
    )

    course = _course(platform)
    assert response.status_code == 302, response.content[:500]
    assert expected_path.format(course=course.slug, final=final.pk) in response["Location"]
    assert learner.get(response["Location"]).status_code == 200
    link = LtiResourceLink.objects.get(platform=platform.registered, resource_link_id="placed-link")
    assert link.target == target
    assert link.lineitem_url == (lineitem or "")


def test_submitting_nothing_asks_for_a_choice_and_keeps_the_page_usable(client, platform):
    _, token = _deep_link_launch(client, platform)

    response = _submit(client, token)

    assert response.status_code == 400
    assert b"Choose at least one item to add." in response.content
    page = _page(response)
    assert page.values("launch") == [token]
    assert "home" in page.values("target")
    assert page.values("JWT") == []
    body = _verify(_returned_jwt(_submit(client, token, "home"), platform), platform)
    assert [item["custom"]["target"] for item in body[DL + "content_items"]] == ["home"]


@pytest.mark.parametrize(
    "bad_target", ["quiz:999999999", "section:no-such-section", "elsewhere", "quiz:0"]
)
def test_a_target_the_course_does_not_offer_is_refused_and_nothing_is_signed(
    client, platform, bad_target
):
    _, token = _deep_link_launch(client, platform)

    response = _submit(client, token, "home", bad_target)

    assert response.status_code == 400
    assert b"cannot be placed" in response.content
    assert bad_target.encode() in response.content
    assert _page(response).values("JWT") == []
    assert platform.url("/deep-link-return").encode() not in response.content
    # The instructor may correct the choice: the request was not used up.
    assert _submit(client, token, "home").status_code == 200


def test_the_placement_can_be_sent_only_once(client, platform):
    _, token = _deep_link_launch(client, platform)
    assert _submit(client, token, "home").status_code == 200

    again = _submit(client, token, "section:introduction")

    assert again.status_code == 400
    assert b"expired or was already used" in again.content
    assert _page(again).values("JWT") == []


@pytest.mark.parametrize("token", ["made-up-token", ""])
def test_an_unknown_placement_token_is_refused(client, platform, token):
    _deep_link_launch(client, platform)

    response = _submit(client, token, "home")

    assert response.status_code == 400
    assert b"expired or was already used" in response.content
    assert _page(response).values("JWT") == []


@pytest.mark.parametrize("accept_multiple", [False, "false"])
def test_a_platform_that_accepts_one_item_gets_one(client, platform, accept_multiple):
    settings = {
        "deep_link_return_url": platform.url("/deep-link-return"),
        "accept_types": ["ltiResourceLink"],
        "accept_presentation_document_targets": ["iframe"],
        "accept_multiple": accept_multiple,
    }
    _, token = _deep_link_launch(client, platform, **{DL_SETTINGS: settings})

    two = _submit(client, token, "home", "section:introduction")

    assert two.status_code == 400
    assert b"The platform accepts one item here; choose one." in two.content
    assert _page(two).values("JWT") == []
    body = _verify(
        _returned_jwt(_submit(client, token, "section:introduction"), platform), platform
    )
    assert len(body[DL + "content_items"]) == 1


def test_the_deep_link_page_shows_the_course_it_places_into(client, platform):
    response = launch(
        client,
        platform,
        sub="teacher-1",
        message_type="LtiDeepLinkingRequest",
        roles=[INSTRUCTOR],
    )

    assert response.status_code == 200
    assert b"Add kzstudy content to Kazakhstan 101" in response.content
    assert platform.issuer in response["Content-Security-Policy"]


def _settings_without_return_url(return_url: str | None) -> dict:
    settings = {
        "accept_types": ["ltiResourceLink"],
        "accept_presentation_document_targets": ["iframe"],
    }
    if return_url is not None:
        settings["deep_link_return_url"] = return_url
    return settings


@pytest.mark.parametrize("return_url", [None, "javascript:alert(document.cookie)", "/relative"])
def test_a_request_without_a_usable_return_url_is_refused_at_the_launch(
    client, platform, return_url
):
    response = launch(
        client,
        platform,
        sub="teacher-1",
        message_type="LtiDeepLinkingRequest",
        roles=[INSTRUCTOR],
        **{DL_SETTINGS: _settings_without_return_url(return_url)},
    )

    assert response.status_code == 400
    assert b"no usable return address" in response.content
    assert _page(response).values("launch") == []
    assert "_auth_user_id" not in client.session


def test_a_remembered_request_without_a_usable_return_url_signs_nothing(client, platform):
    _, token = _deep_link_launch(client, platform)
    pending = deep_linking.recall(token)
    bad = replace(pending, settings=_settings_without_return_url("javascript:alert(1)"))

    platform_row, course = deep_linking.placement_context(pending)

    with pytest.raises(deep_linking.DeepLinkError, match="no usable return address"):
        deep_linking.response_jwt(
            bad,
            ["home"],
            platform=platform_row,
            course=course,
            launch_url="http://testserver/lti/launch/",
        )


def test_a_placement_is_refused_once_its_platform_is_deactivated(client, platform):
    _, token = _deep_link_launch(client, platform)
    trust.platform_deactivate(platform.registered, by=None)

    response = _submit(client, token, "home")

    assert response.status_code == 403
    assert b"has been deactivated" in response.content
    assert _page(response).values("JWT") == []


@pytest.mark.parametrize(
    ("gone", "status", "message"),
    [
        ("course", 404, b"no longer exists"),
        ("platform", 403, b"not registered with kzstudy"),
    ],
)
def test_a_placement_whose_course_or_platform_was_deleted_is_refused_not_a_500(
    client, platform, gone, status, message
):
    _, token = _deep_link_launch(client, platform)
    (_course(platform) if gone == "course" else platform.registered).delete()

    response = _submit(client, token, "home")

    assert response.status_code == status
    assert message in response.content
    assert _page(response).values("JWT") == []
