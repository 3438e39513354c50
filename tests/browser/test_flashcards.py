"""Flashcards in a real browser: reveal then rate by keyboard, the interval on each button,
undo, the screen-reader announcement, and axe on the page before and after the reveal."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from . import ui
from .server import KzstudyServer
from .test_accessibility import Audit

pytestmark = pytest.mark.browser

# A learner of the demo course of their own, so no other test's ratings change their queue.
NEW_LEARNER = """
from django.contrib.auth import get_user_model
from quizzes.models import Course, Enrolment
user, _ = get_user_model().objects.get_or_create(username="cards")
user.set_password("cards")
user.save()
Enrolment.objects.get_or_create(
    course=Course.objects.get(slug="demo"), user=user, defaults={"role": "learner"}
)
"""


def test_a_learner_reveals_with_space_rates_with_3_and_undoes_with_u(
    server: KzstudyServer, page: Page
):
    server.shell(NEW_LEARNER)
    ui.log_in(page, server.url, "cards")
    page.goto(f"{server.url}/courses/demo/flashcards/")
    audit = Audit()
    audit.check(page, "flashcards")

    status = page.locator("#queue-status")
    front = page.locator("#card-front")
    back = page.locator("#card-back")
    expect(status).to_have_text("20 cards due")  # the default daily limit of new cards
    first = front.inner_text()
    expect(back).to_be_hidden()
    expect(page.get_by_role("button", name=re.compile(r"^Good"))).to_have_count(0)
    expect(page.locator("#flashcard-keys")).to_contain_text("Space shows the answer")

    # A rating key before the answer is shown does nothing.
    page.keyboard.press("3")
    expect(back).to_be_hidden()
    expect(status).to_have_text("20 cards due")

    # Space shows the answer, moves focus to it and says what comes next.
    page.keyboard.press("Space")
    expect(back).to_be_visible()
    expect(back).to_be_focused()
    expect(page.locator("#flashcard-announce")).to_have_text(
        "Answer shown. Rate it: 1 Again, 2 Hard, 3 Good, 4 Easy."
    )
    expect(page.get_by_role("button", name="Show answer")).to_be_hidden()
    # Each button says when the card comes back: the learning steps in minutes, Easy in days.
    for name, interval in (("Again", "1 min"), ("Hard", "6 min"), ("Good", "10 min")):
        button = page.get_by_role("button", name=re.compile(rf"^{name}, next in "))
        expect(button.locator("[data-interval]")).to_have_text(interval)
    easy = page.get_by_role("button", name=re.compile(r"^Easy, next in \d+ days$"))
    expect(easy.locator("[data-interval]")).to_have_text(re.compile(r"^\d+ d$"))
    audit.check(page, "flashcards, answer shown")

    # 3 rates Good: the next card, one new card fewer for today.
    page.keyboard.press("3")
    expect(status).to_have_text("19 cards due")
    expect(front).not_to_have_text(first)
    undo = page.get_by_role("button", name="Undo the last rating (Good)")
    expect(undo).to_have_attribute("aria-keyshortcuts", "U Control+Z")

    # U takes it back: the same card again, its answer hidden, the count restored.
    page.keyboard.press("u")
    expect(page.get_by_role("status").filter(has_text="Rating undone (Good)")).to_be_visible()
    expect(front).to_have_text(first)
    expect(status).to_have_text("20 cards due")
    expect(back).to_be_hidden()

    # Again, then Ctrl+Z: undo works from either key.
    page.keyboard.press("Space")
    page.keyboard.press("1")
    expect(status).to_have_text("19 cards due")
    page.keyboard.press("Control+z")
    expect(page.get_by_role("status").filter(has_text="Rating undone (Again)")).to_be_visible()
    expect(front).to_have_text(first)
    expect(page.get_by_role("button", name=re.compile(r"^Undo"))).to_have_count(0)
    assert not audit.problems, "\n".join(audit.problems)
