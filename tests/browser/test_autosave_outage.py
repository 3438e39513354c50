"""The attempt page's autosave during a database outage: it says "Not saved — retrying", never
"Saved", keeps trying with a growing delay, and saves the answer once the database is back."""

from __future__ import annotations

import re
import sqlite3
import time

from playwright.sync_api import Page, expect

from . import ui
from .server import KzstudyServer

RETRYING = "Not saved — retrying…"


def stored_answer(page: Page, server: KzstudyServer, attempt: int, question: str) -> object:
    """The answer the server keeps, as its API shows it to the learner (with the page's
    session cookie)."""
    document = page.request.get(f"{server.url}/api/v1/attempts/{attempt}/").json()
    return next(q["answer"] for q in document["questions"] if str(q["id"]) == question)


def test_the_autosave_retries_through_an_outage_and_never_claims_an_unsaved_answer_saved(
    outage_server: KzstudyServer, page: Page
):
    server = outage_server
    key = server.answer_key()
    quiz = server.shell(
        "from quizzes.models import Quiz; print(Quiz.objects.get(key='final-exam').pk)"
    ).splitlines()[-1]
    ui.log_in(page, server.url, "student")
    page.goto(f"{server.url}/courses/demo/quizzes/{quiz}/")
    page.get_by_role("button", name="Start").first.click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+/"))
    attempt = int(re.search(r"/attempts/(\d+)/", page.url).group(1))
    item = ui.shown_item(page, key)
    question = page.locator("fieldset[data-question]").get_attribute("data-question")
    ui.answer(page, item)
    ui.wait_saved(page)
    saved_before = stored_answer(page, server, attempt, question)
    assert saved_before is not None

    status = page.locator("#save-status")
    holder = sqlite3.connect(server.database_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another writer holds the database
    try:
        ui.answer(page, item, right=False)
        expect(status).to_have_text(RETRYING, timeout=10_000)
        expect(status).to_have_class(re.compile(r"\btext-danger\b"))
        # However long it lasts, the page never says the changed answer is saved.
        deadline = time.monotonic() + 4
        while time.monotonic() < deadline:
            assert not ui.SAVED.match(status.inner_text())
            time.sleep(0.2)
        assert stored_answer(page, server, attempt, question) == saved_before
    finally:
        holder.rollback()
        holder.close()

    # The database is back: the next try saves the changed answer, with no reload.
    expect(status).to_have_text(ui.SAVED, timeout=30_000)
    assert stored_answer(page, server, attempt, question) not in (saved_before, None)
