"""Take the README's screenshots (1280 x 900 PNG) from a real server with the demo accounts.

    .venv/bin/python -m tests.browser.make_screenshots [OUTPUT_DIR]

Writes home.png, section.png, course-home.png, flashcards.png, attempt.png, review.png,
question-editor.png, lti-launch.png and lti-deep-link.png into
docs/screenshots/ (or OUTPUT_DIR). The tests do not use these files.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

from . import ui
from .conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP
from .server import KzstudyServer

BASE_DIR = Path(__file__).resolve().parents[2]
ARTICLE = (
    Path(os.environ.get("KZSTUDY_ARTICLE_DIR", BASE_DIR.parent / "shared" / "article"))
    / "human-rights-reforms-in-kazakhstan.md"
)


def start_exam(page: Page, url: str) -> None:
    page.goto(url + "/courses/demo/")
    page.get_by_role("link", name="Final exam").click()
    page.get_by_role("button", name=re.compile(r"^(Start|Continue)")).click()


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        server = KzstudyServer(
            base_dir=BASE_DIR, workdir=Path(tmp), article=ARTICLE if ARTICLE.is_file() else None
        )
        server.set_up()
        key = server.answer_key()
        server.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport=DESKTOP, reduced_motion="reduce")
                shoot(page, server.url, key, out)
                shoot_editor(
                    browser.new_page(viewport=DESKTOP, reduced_motion="reduce"), server.url, out
                )
                shoot_lti(browser.new_page(viewport=DESKTOP, reduced_motion="reduce"), server, out)
                browser.close()
        finally:
            server.stop()


def shoot(page: Page, url: str, key, out: Path) -> None:
    # Signed out: the article's home and a section's study page.
    page.goto(url + "/")
    page.screenshot(path=out / "home.png")
    page.get_by_role("link", name="Freedom of Expression and Media").click()
    page.screenshot(path=out / "section.png")

    ui.log_in(page, url, "student")

    # Some study first, so that the progress bars show something.
    page.goto(url + "/courses/demo/flashcards/")
    for rating in ("Good", "Easy", "Good", "Easy", "Good", "Good"):
        page.get_by_role("button", name=rating, exact=True).click()
    for section in ("Introduction", "Kazakhstan's State-Building Model"):
        page.goto(url + "/courses/demo/")
        page.get_by_role("link", name=f"Practice quiz for {section}").click()
        page.get_by_role("button", name=re.compile(r"^(Start|Continue)")).click()
        for number in range(1, 11):
            item = ui.shown_item(page, key)
            ui.answer(page, item, right=number % 4 != 0)
            ui.wait_saved(page)
            if number < 10:
                ui.next_question(page)
        page.get_by_role("button", name="Finish attempt…").click()
        page.get_by_role("button", name="Submit all and finish").click()
        expect(page.locator("#result-score")).to_be_visible()

    page.goto(url + "/courses/demo/")
    page.screenshot(path=out / "course-home.png")

    page.get_by_role("link", name=re.compile(r"^Flashcards")).click()
    page.get_by_text("Show answer").click()
    page.screenshot(path=out / "flashcards.png")

    # The final exam: a few answers, one flagged, then a choice question on screen.
    start_exam(page, url)
    for number in range(1, 6):
        item = ui.shown_item(page, key)
        ui.answer(page, item)
        ui.wait_saved(page)
        if number == 4:
            page.get_by_label("Flag this question for later").check()
            ui.wait_saved(page)
        ui.next_question(page)
    number = 6
    while ui.shown_item(page, key)["type"] not in ("multiple_response", "single_choice"):
        ui.next_question(page)
        number += 1
    done = {1, 2, 3, 4, 5, number}
    item = ui.shown_item(page, key)
    ui.label(ui.question(page, item["stem"]), item["choices"][0]).click()
    ui.wait_saved(page)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=out / "attempt.png")

    # Answer the rest (one wrongly) and submit, for the review.
    for number in sorted(set(range(1, 19)) - done):
        page.goto(re.sub(r"\?.*$", "", page.url) + f"?page={number}")
        item = ui.shown_item(page, key)
        ui.answer(page, item, right=number != 17)
        ui.wait_saved(page)
    page.get_by_role("button", name="Finish attempt…").click()
    page.get_by_role("button", name="Submit all and finish").click()
    expect(page.locator("#result-score")).to_be_visible()
    page.screenshot(path=out / "review.png")


def shoot_editor(page: Page, url: str, out: Path) -> None:
    """The question editor: numbered choices, the radio key, and the draft tried in place."""
    ui.log_in(page, url, "instructor")
    page.goto(url + "/teach/demo/questions/new/single_choice/")
    page.locator("textarea[name=stem]").fill(
        "Which year does the article give for the law on preventing domestic violence?"
    )
    page.locator("textarea[name=explanation]").fill("The article dates the law to 2009.")
    page.locator("select[name=section]").select_option(label="5. Women’s Rights")
    for row, text in enumerate(["2009", "2017", "2020", "2012"]):
        page.locator(f"input[name=choices-{row}-text]").fill(text)
    page.locator("input[name=choices-correct][value='0']").check()
    preview = page.locator("#live-preview")
    expect(preview.locator("fieldset.question input[type=radio]")).to_have_count(4)
    ui.label(preview, "2017").click()
    preview.get_by_role("button", name="Check the answer").click()
    expect(preview.locator("#preview-result")).to_be_visible()
    # From the choices down to the verdict, in one picture as wide as the window (measured
    # from the top of the page, which is what a full-page clip counts from).
    page.evaluate("window.scrollTo(0, 0)")
    top = page.locator("#choices-heading").bounding_box()["y"] - 48
    bottom = preview.bounding_box()["y"] + preview.bounding_box()["height"] + 16
    clip = {"x": 0, "y": top, "width": DESKTOP["width"], "height": min(bottom - top, 1100)}
    page.screenshot(path=out / "question-editor.png", full_page=True, clip=clip)


def shoot_lti(page: Page, server: KzstudyServer, out: Path) -> None:
    """kzstudy inside an LMS's frame (the in-repo test platform), and the deep-linking page."""
    from pytest_httpserver import HTTPServer

    from tests.lti.platform import INSTRUCTOR

    from .lti import live_platform

    lms_server = HTTPServer(host="127.0.0.1", port=0)
    lms_server.start()
    try:
        lms = live_platform(server, lms_server)
        lms.login_hints["ann"] = {"sub": "ann", "target": "section:introduction"}
        lms.login_hints["tess"] = {
            "sub": "tess",
            "roles": [INSTRUCTOR],
            "message_type": "LtiDeepLinkingRequest",
        }
        for hint, name in (("ann", "lti-launch.png"), ("tess", "lti-deep-link.png")):
            path = f"/course-{hint}"
            lms_server.expect_request(path).respond_with_data(
                lms.course_page(server.url, hint), content_type="text/html"
            )
            page.goto(lms.url(path))
            frame = page.frame_locator("iframe[title=kzstudy]")
            expect(frame.locator("h1").first).to_be_visible()
            page.screenshot(path=out / name)
    finally:
        lms_server.stop()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else BASE_DIR / "docs" / "screenshots")
