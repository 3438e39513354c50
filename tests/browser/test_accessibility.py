"""Every page a learner sees, checked with axe-core at desktop width and on a 375 px phone."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from . import ui
from .conftest import DESKTOP
from .server import KzstudyServer

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}
BLOCKING = {"serious", "critical"}
QUESTION_TYPES = {
    "single_choice",
    "multiple_response",
    "true_false",
    "short_answer",
    "numeric",
    "matching",
    "ordering",
}


class Audit:
    """Runs axe on pages at both widths and keeps every problem for one report at the end."""

    def __init__(self) -> None:
        self.axe = Axe()
        self.problems: list[str] = []
        self.checked: list[str] = []

    def check(self, page: Page, name: str) -> None:
        # axe reads the document at once: a page still loading has none to read.
        page.wait_for_load_state("load")
        for width, viewport in (("desktop", DESKTOP), ("375px", PHONE)):
            page.set_viewport_size(viewport)
            where = f"{name} ({width}, {page.url})"
            results = self.axe.run(page)
            for violation in results.response["violations"]:
                if violation["impact"] in BLOCKING:
                    targets = [", ".join(map(str, node["target"])) for node in violation["nodes"]]
                    self.problems.append(
                        f"{where}: {violation['impact']} {violation['id']}: "
                        f"{violation['help']} -> {targets[:5]}"
                    )
            if viewport is PHONE:
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                if scroll_width > PHONE["width"] + 1:
                    wide = page.evaluate(WIDEST_ELEMENTS, PHONE["width"])
                    self.problems.append(
                        f"{where}: scrolls sideways ({scroll_width}px wide): {wide}"
                    )
        page.set_viewport_size(DESKTOP)
        self.checked.append(name)


# The elements sticking out past the right edge, for the failure message.
WIDEST_ELEMENTS = """(width) => Array.from(document.querySelectorAll('body *'))
    .filter(e => e.getBoundingClientRect().right > width + 1)
    .slice(-5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
        (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : ''))"""


def walk_attempt(
    page: Page, key: dict[str, dict[str, Any]], audit: Audit, seen: set[str], label: str
) -> None:
    """Check the attempt's page for each question type not seen yet, then answer it (later
    pages then show answered questions in the navigation)."""
    # The question comes after the navigation in the page: once it is there, so is the list.
    expect(page.locator("fieldset[data-question]")).to_have_count(1)
    count = page.locator(".quiz-nav").get_by_role("link").count()
    base = page.url.split("?")[0]
    for number in range(1, count + 1):
        page.goto(f"{base}?page={number}")
        item = ui.shown_item(page, key)
        if item["type"] in seen:
            continue
        seen.add(item["type"])
        audit.check(page, f"{label}, a {item['type']} question")
        if not ui.question(page, item["stem"]).locator(":disabled").count():  # else: locked
            ui.answer(page, item)
            ui.wait_saved(page)


def test_learner_pages_have_no_serious_or_critical_axe_violations(
    server: KzstudyServer,
    answer_key: dict[str, dict[str, Any]],
    new_page: Callable[..., Page],
):
    audit = Audit()
    url = server.url

    # Reduced motion: no check ever samples a colour halfway through a transition.
    # Signed out: the home page, a section's study page (plain and with a passage
    # highlighted), the login page and a page that does not exist.
    visitor = new_page(reduced_motion="reduce")
    visitor.goto(url + "/")
    audit.check(visitor, "home (signed out)")
    visitor.get_by_role("link", name="Introduction", exact=True).click()
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("Introduction")
    audit.check(visitor, "section page")
    quoted = next(
        i["source_quote"]
        for i in answer_key.values()
        if i["section_slug"] == "introduction" and i["source_quote"]
    )
    visitor.goto(f"{visitor.url}?highlight={quote(quoted)}#passage")
    expect(visitor.locator("#passage mark")).to_have_count(1)
    audit.check(visitor, "section page with a highlighted passage")
    visitor.goto(url + "/accounts/login/")
    audit.check(visitor, "login")
    response = visitor.goto(url + "/no-such-page/")
    assert response is not None and response.status == 404
    audit.check(visitor, "page not found")

    # Signed in as a learner.
    page = new_page(reduced_motion="reduce")
    ui.log_in(page, url, "student")
    expect(page).to_have_url(url + "/courses/demo/")
    audit.check(page, "course home")

    page.get_by_role("link", name=re.compile(r"^Flashcards")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Flashcards")
    audit.check(page, "flashcards")
    page.get_by_text("Show answer").click()
    expect(page.locator("#card-back")).to_be_visible()
    audit.check(page, "flashcards, answer shown")

    # The final exam: its rules, each question type, the confirmation, the review.
    page.goto(url + "/courses/demo/")
    page.get_by_role("link", name="Final exam").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Final exam")
    audit.check(page, "quiz detail")
    page.get_by_role("button", name=re.compile(r"^(Start|Continue)")).click()
    expect(page.get_by_role("timer")).to_be_visible()
    seen: set[str] = set()
    walk_attempt(page, answer_key, audit, seen, "final exam")
    page.get_by_role("button", name="Finish attempt…").click()
    expect(page.get_by_role("alert")).to_contain_text("not answered")
    audit.check(page, "submit confirmation")
    page.get_by_role("button", name="Submit all and finish").click()
    expect(page.locator("#result-score")).to_be_visible()
    audit.check(page, "review")

    # A practice question the Final exam may draw, before the exam is behind the learner, with
    # the exam set to key-free practice (as shipped it is exam only: practice never draws its
    # questions): it takes no check and says why, and the review keeps its result hidden.
    with exam_questions_in_practice(server):
        page.goto(url + "/courses/demo/")
        page.get_by_role("link", name="Practice quiz for Law Enforcement Abuse").click()
        page.get_by_role("button", name=re.compile(r"^(Start|Continue)")).click()
        expect(page.locator("fieldset[data-question]")).to_have_count(1)
        base = page.url.split("?")[0]
        for number in range(1, 15):
            page.goto(f"{base}?page={number}")
            if page.locator("[data-role=withheld]").count():
                break
        expect(page.locator("[data-role=withheld]")).to_contain_text("Final exam")
        audit.check(page, "practice question, feedback withheld for the exam")
        page.get_by_role("button", name="Finish attempt…").click()
        page.get_by_role("button", name="Submit all and finish").click()
        expect(page.get_by_text("Result hidden for now").first).to_be_visible()
        audit.check(page, "practice review, results withheld for the exam")

    # Practice quizzes (unlimited attempts) for the types the exam did not draw, and the
    # feedback of a checked answer: the Final exam keeps its own questions, so practice gives
    # feedback on every question it draws.
    sections = ["Introduction", "Women’s Rights", "Freedom of Religion", "The Way Forward"]
    audit_practice(page, url, sections, answer_key, audit, seen)
    assert seen == QUESTION_TYPES, f"never met: {QUESTION_TYPES - seen}"

    page.goto(url + "/courses/demo/attempts/")
    expect(page.get_by_role("heading", name="My attempts")).to_be_visible()
    audit.check(page, "my attempts")

    assert not audit.problems, f"{len(audit.problems)} serious or critical problems:\n" + "\n".join(
        audit.problems
    )


@contextmanager
def exam_questions_in_practice(server: KzstudyServer) -> Iterator[None]:
    """For a while, the shared server's Final exam as key-free practice and the law
    enforcement practice quiz drawing every question of its section, the exam's among them;
    then both as shipped."""
    final = (
        "from quizzes.models import Question, Quiz, QuizSlot; Quiz.objects.filter(key='final-exam')"
    )
    slots = "QuizSlot.objects.filter(quiz__key='practice-law-enforcement-abuse')"
    every = (
        "Question.objects.published().filter("
        "section__slug='law-enforcement-abuse', course__isnull=True).count()"
    )
    server.shell(f"{final}.update(exam_protection='key_free'); {slots}.update(pool_count={every})")
    try:
        yield
    finally:
        server.shell(f"{final}.update(exam_protection='exam_only'); {slots}.update(pool_count=10)")


def audit_practice(
    page: Page,
    url: str,
    sections: list[str],
    answer_key: dict[str, dict[str, Any]],
    audit: Audit,
    seen: set[str],
) -> None:
    """Practice quizzes until every question type has been audited, with checked feedback."""
    for n, section in enumerate(sections):
        if n > 0 and seen >= QUESTION_TYPES:
            break
        page.goto(url + "/courses/demo/")
        page.get_by_role("link", name=f"Practice quiz for {section}").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Practice: {section}")
        if n == 0:
            audit.check(page, "practice quiz detail")
        page.get_by_role("button", name=re.compile(r"^(Start|Continue)")).click()
        if n == 0:
            # Feedback on a wrong try, then on the right answer (with the article's words).
            item = ui.shown_item(page, answer_key)
            ui.answer(page, item, right=False)
            page.get_by_role("button", name="Check").click()
            expect(page.locator("[data-role=feedback] .alert-danger")).to_be_visible()
            audit.check(page, "practice question, wrong answer checked")
            page.reload()
            ui.answer(page, item)
            page.get_by_role("button", name="Check").click()
            # Right after one wrong try: correct, with the mark that try left (not green).
            expect(page.locator("[data-role=feedback] .alert-info")).to_contain_text(
                re.compile(r"^Correct — .* after one wrong try\.")
            )
            page.reload()
            expect(page.locator("[data-role=feedback] blockquote")).to_be_visible()
            audit.check(page, "practice question, right answer checked")
        walk_attempt(page, answer_key, audit, seen, f"practice: {section}")
