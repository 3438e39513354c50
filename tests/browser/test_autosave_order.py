"""The attempt page's autosave sends a question's saves one at a time: a change made while the
previous save is on its way waits for its answer, so an older answer can never land on top of a
newer one (or meet it as a conflict that reloads the page)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from . import ui
from .server import KzstudyServer

pytestmark = pytest.mark.browser

# Each save request's start and end, and the first one held back a while, as a slow server
# would: the page's script calls window.fetch, so the record sees what it sends and when.
RECORD_SAVES = """() => {
  const real = window.fetch;
  window.saveLog = [];
  window.fetch = async function (url, options) {
    if (!String(url).endsWith("/save/")) return real.apply(this, arguments);
    const entry = {start: performance.now(), end: null};
    window.saveLog.push(entry);
    const reply = await real.apply(this, arguments);
    if (window.saveLog.length === 1) await new Promise((done) => setTimeout(done, 1500));
    entry.end = performance.now();
    return reply;
  };
}"""


def test_a_change_made_while_a_save_is_on_its_way_is_saved_after_it_and_stays(
    server: KzstudyServer, answer_key: dict[str, dict[str, Any]], new_page: Callable[..., Page]
):
    server.shell(
        "from django.contrib.auth import get_user_model; "
        "from quizzes.models import Course, Enrolment; "
        "user = get_user_model().objects.create_user('orderly', password='orderly'); "
        "Enrolment.objects.create(user=user, course=Course.objects.get(slug='demo'))"
    )
    page = new_page()
    ui.log_in(page, server.url, "orderly")
    page.goto(f"{server.url}/courses/demo/")
    page.get_by_role("link", name="Practice quiz for Introduction").click()
    page.get_by_role("button", name=re.compile(r"^(Start|Continue)")).click()
    base = page.url.split("?")[0]
    item = ui.shown_item(page, answer_key)
    number = 1
    while item["type"] not in ("single_choice", "true_false"):
        number += 1
        page.goto(f"{base}?page={number}")
        item = ui.shown_item(page, answer_key)
    page.evaluate(RECORD_SAVES)

    ui.answer(page, item, right=False)  # saved slowly...
    page.wait_for_function("window.saveLog.length === 1")
    ui.answer(page, item, right=True)  # ...and changed again while that save is on its way
    expect(page.get_by_text(re.compile(r"^Saved at "))).to_be_visible(timeout=10_000)
    page.wait_for_function("window.saveLog.every((entry) => entry.end !== null)")

    log = page.evaluate("window.saveLog")
    assert len(log) == 2, log
    assert log[1]["start"] >= log[0]["end"], "the newer save left before the older was answered"
    page.reload()
    ui.expect_answered(page, item)
