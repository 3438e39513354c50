"""LTI in a real browser: a platform's course page frames kzstudy, the learner goes through the
login, the platform's authorisation and the launch, and works signed in inside the frame; an
instructor places content with deep linking and the platform receives the signed choice."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import jwt
import pytest
import requests
from axe_playwright_python.sync_playwright import Axe
from jwt.algorithms import RSAAlgorithm
from playwright.sync_api import Page, expect
from pytest_httpserver import HTTPServer

from tests.lti.platform import INSTRUCTOR, TestPlatform

from . import ui
from .conftest import CHROMIUM, CHROMIUM_ARGS
from .lti import live_platform
from .server import KzstudyServer

BLOCKING = {"serious", "critical"}
LAUNCH_PRESENTATION = "https://purl.imsglobal.org/spec/lti/claim/launch_presentation"
# The LMS page is served as http://lms.test:<port>, another site than the tool on 127.0.0.1.
CROSS_SITE_ARGS = [
    *CHROMIUM_ARGS,
    "--ignore-certificate-errors",
    "--host-resolver-rules=MAP lms.test 127.0.0.1",
]


@pytest.fixture
def platform_server() -> Iterator[HTTPServer]:
    # On 127.0.0.1 like the tool: same site, so plain-http cookies work inside the frame.
    # One per test: each test registers its own platform (a new client id), and kzstudy rightly
    # refuses a second registration of one issuer into a course another registration created.
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def lms(server: KzstudyServer, platform_server: HTTPServer) -> Iterator[TestPlatform]:
    platform_server.clear()
    yield live_platform(server, platform_server)


def final_exam_id(server: KzstudyServer) -> int:
    out = server.shell(
        "from quizzes.models import Quiz; print(Quiz.objects.get(key='final-exam').pk)"
    )
    return int(out.strip().splitlines()[-1])


def serve_course_page(lms: TestPlatform, server: KzstudyServer, login_hint: str) -> str:
    lms.server.expect_request("/course").respond_with_data(
        lms.course_page(server.url, login_hint), content_type="text/html"
    )
    return lms.url("/course")


def test_a_learner_launched_in_the_platforms_frame_lands_on_the_quiz_signed_in(
    server: KzstudyServer, lms: TestPlatform, new_page: Callable[..., Page]
):
    exam = final_exam_id(server)
    lms.login_hints["ann"] = {"sub": "ann", "target": f"quiz:{exam}", "given_name": "Ann"}
    page = new_page()

    page.goto(serve_course_page(lms, server, "ann"))

    frame = page.frame_locator("iframe[title=kzstudy]")
    expect(frame.get_by_role("heading", name="Final exam")).to_be_visible()
    expect(frame.get_by_text("Signed in as")).to_contain_text("Ann")
    tool_frame = next(f for f in page.frames if f.url.startswith(server.url))
    assert tool_frame.url.endswith(f"/quizzes/{exam}/")
    me = tool_frame.evaluate("fetch('/api/v1/me/').then(r => r.json())")
    assert me["username"].startswith("lti-")
    frame.get_by_role("button", name="Start").first.click()
    expect(frame.get_by_text("Question 1")).to_be_visible()


def test_an_instructor_places_the_final_exam_with_deep_linking_in_a_new_window(
    server: KzstudyServer, lms: TestPlatform, new_page: Callable[..., Page]
):
    """The path a browser that blocks cookies in frames takes: kzstudy in its own window."""
    exam = final_exam_id(server)
    lms.login_hints["tess"] = {
        "sub": "tess",
        "roles": [INSTRUCTOR],
        "message_type": "LtiDeepLinkingRequest",
    }
    page = new_page()
    query = urlencode(
        {
            "iss": lms.issuer,
            "login_hint": "tess",
            "target_link_uri": f"{server.url}/lti/launch/",
            "client_id": lms.client_id,
            "lti1p3_new_window": "1",
        }
    )

    page.goto(f"{server.url}/lti/login/?{query}")

    expect(
        page.get_by_role("heading", name="Add kzstudy content to Kazakhstan 101")
    ).to_be_visible()
    problems = [
        f"{v['id']}: {v['help']}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in BLOCKING
    ]
    assert problems == [], problems
    page.get_by_label("Final exam").check()
    page.get_by_role("button", name="Add to course").click()
    expect(page.get_by_role("heading", name="Content added")).to_be_visible()

    [token] = lms.deep_link_returns
    header = jwt.get_unverified_header(token)
    published = requests.get(server.url + "/lti/jwks/", timeout=10).json()["keys"]
    key = RSAAlgorithm.from_jwk(json.dumps(next(k for k in published if k["kid"] == header["kid"])))
    claims = jwt.decode(token, key, algorithms=["RS256"], audience=lms.issuer)
    [item] = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["custom"] == {"target": f"quiz:{exam}"}
    assert item["lineItem"]["scoreMaximum"] == 100


def test_the_login_page_offers_a_new_window_when_the_frame_cannot_keep_cookies(
    server: KzstudyServer, lms: TestPlatform, new_page: Callable[..., Page]
):
    lms.login_hints["ann"] = {"sub": "ann"}
    page = new_page()
    # What a browser blocking third-party cookies does to the frame's test cookie.
    page.add_init_script(
        "Object.defineProperty(document, 'cookie', {get: () => '', set: () => true});"
    )

    page.goto(serve_course_page(lms, server, "ann"))

    frame = page.frame_locator("iframe[title=kzstudy]")
    link = frame.get_by_text("Open kzstudy in a new window")
    expect(link).to_be_visible()
    with page.context.expect_page() as opened:
        link.click()
    window = opened.value
    expect(window.get_by_text("Signed in as")).to_contain_text("Given")
    assert window.url.startswith(server.url + "/courses/")


def test_a_learner_finishes_the_graded_quiz_in_the_frame_and_the_platform_gets_the_score(
    server: KzstudyServer,
    lms: TestPlatform,
    new_page: Callable[..., Page],
    answer_key: dict[str, dict[str, Any]],
):
    exam = final_exam_id(server)
    lms.login_hints["bo"] = {"sub": "bo", "target": f"quiz:{exam}"}
    page = new_page()
    page.goto(serve_course_page(lms, server, "bo"))
    frame = page.frame_locator("iframe[title=kzstudy]")
    frame.get_by_role("button", name="Start").first.click()
    expect(frame.get_by_text("Question 1")).to_be_visible()
    tool = next(f for f in page.frames if f.url.startswith(server.url))

    total = 18
    for number in range(1, total + 1):
        ui.expect_question_number(tool, number)
        ui.answer(tool, ui.shown_item(tool, answer_key), right=number <= 9)
        ui.wait_saved(tool)
        if number < total:
            tool.get_by_role("button", name="Next").click()
    tool.get_by_role("button", name="Finish attempt…").click()
    tool.get_by_role("button", name="Submit all and finish").click()
    expect(tool.locator("#result-score")).to_be_visible()

    # The worker, as an operator runs it: one command, its own process.
    assert "1 sent" in server.manage("lti_worker", "--once")

    [item] = lms.line_items.values()
    assert item["resourceId"] == f"quiz:{exam}"
    [score] = lms.scores[item["id"]]
    assert score["userId"] == "bo"
    assert score["scoreGiven"] == 50.0 and score["scoreMaximum"] == 100.0
    assert score["gradingProgress"] == "FullyGraded"
    assert "0 sent" in server.manage("lti_worker", "--once")


@pytest.fixture(scope="module")
def https_twins(server: KzstudyServer, tmp_path_factory) -> Iterator[dict[str, KzstudyServer]]:
    """The same kzstudy (same database) over HTTPS: partitioned cookies as shipped, and off."""
    twins = {}
    for name, env in (("partitioned", {}), ("unpartitioned", {"LTI_PARTITIONED_COOKIES": "0"})):
        twin = KzstudyServer(
            base_dir=server.base_dir,
            workdir=tmp_path_factory.mktemp(f"https-{name}"),
            article=None,
            database_url=server.database_url,
            tls=True,
            extra_env=env,
        )
        twin.manage("collectstatic", "--noinput", "-v", "0")
        twin.start()
        twins[name] = twin
    yield twins
    for twin in twins.values():
        twin.stop()


@pytest.fixture(scope="module")
def cross_site_browser(browser):
    """Chromium trusting the test certificate; like any Chromium here, it blocks plain
    third-party cookies in frames and keeps partitioned ones."""
    chromium = browser.browser_type.launch(executable_path=CHROMIUM, args=CROSS_SITE_ARGS)
    yield chromium
    chromium.close()


def open_in_lms_frame(lms: TestPlatform, tool: KzstudyServer, browser, hint: str):
    path = f"/course-{hint}"
    course_page = f"http://lms.test:{lms.server.port}{path}"
    lms.login_hints[hint] = {
        "sub": hint,
        "given_name": hint.title(),
        # Where the LMS shows the tool: kzstudy lets that origin frame its pages.
        LAUNCH_PRESENTATION: {"document_target": "iframe", "return_url": course_page},
    }
    lms.server.expect_request(path).respond_with_data(
        lms.course_page(tool.url, hint), content_type="text/html"
    )
    page = browser.new_page(ignore_https_errors=True)
    page.goto(course_page)
    return page, page.frame_locator("iframe[title=kzstudy]")


def test_over_https_partitioned_cookies_keep_kzstudy_working_in_a_cross_site_frame(
    https_twins: dict[str, KzstudyServer], lms: TestPlatform, cross_site_browser
):
    _, frame = open_in_lms_frame(lms, https_twins["partitioned"], cross_site_browser, "cy")

    expect(frame.get_by_text("Signed in as")).to_contain_text("Cy")
    frame.get_by_role("link", name="Flashcards").first.click()
    expect(frame.get_by_text("Signed in as")).to_contain_text("Cy")


def test_without_partitioned_cookies_the_same_frame_must_open_a_new_window(
    https_twins: dict[str, KzstudyServer], lms: TestPlatform, cross_site_browser
):
    _, frame = open_in_lms_frame(lms, https_twins["unpartitioned"], cross_site_browser, "di")

    expect(frame.get_by_text("Open kzstudy in a new window")).to_be_visible()


def test_registration_through_an_admins_link_in_the_browser_and_the_lti_pages_pass_axe(
    server: KzstudyServer, platform_server: HTTPServer, new_page: Callable[..., Page]
):
    platform_server.clear()
    lms = live_platform(server, platform_server, register=False)
    page = new_page()
    problems: list[str] = []

    def audit(name: str) -> None:
        problems.extend(
            f"{name}: {v['id']}: {v['help']}"
            for v in Axe().run(page).response["violations"]
            if v["impact"] in BLOCKING
        )

    # kzstudy's administrator creates a one-time registration link in the admin...
    page.goto(f"{server.url}/admin/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("admin")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{server.url}/admin/")
    page.goto(f"{server.url}/admin/quizzes/ltiregistrationinvite/add/")
    page.get_by_role("textbox", name="For:").fill("The test LMS")
    page.get_by_role("button", name="Save", exact=True).click()
    message = page.locator(".messagelist").inner_text()
    link = re.search(r"http://\S+/lti/register/[A-Za-z0-9_-]{43}/", message)
    assert link, message

    # ...and the LMS's administrator pastes it as the tool URL.
    query = urlencode(
        {
            "openid_configuration": lms.url("/.well-known/openid-configuration"),
            "registration_token": "reg-token-1",
        }
    )
    page.goto(f"{link.group(0)}?{query}")
    heading = page.get_by_role(
        "heading", name=re.compile(r"^Register kzstudy with .+ \(testplatform\)$")
    )
    expect(heading).to_be_visible()
    expect(
        page.get_by_text("This registration link comes from the kzstudy administrator")
    ).to_be_visible()
    audit("registration")
    page.get_by_role("button", name="Register kzstudy").click()
    expect(page.get_by_role("heading", name="kzstudy is registered")).to_be_visible()
    expect(page.get_by_text("waits for the kzstudy administrator")).to_have_count(0)
    audit("registered")
    [sent] = lms.registrations
    assert sent["initiate_login_uri"] == f"{server.url}/lti/login/"
    active = server.shell(
        "from quizzes.models import LtiPlatform; "
        f"print(LtiPlatform.objects.get(client_id={lms.client_id!r}).is_active)"
    )
    assert active.strip().splitlines()[-1] == "True"

    # The link worked once.
    page.goto(f"{link.group(0)}?{query}")
    expect(page.get_by_text("This registration link is not valid")).to_be_visible()

    page.goto(f"{server.url}/lti/launch/")
    expect(
        page.get_by_role("heading", name="kzstudy could not complete this launch")
    ).to_be_visible()
    audit("refused launch")
    assert problems == [], problems
