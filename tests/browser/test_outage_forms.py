"""A form sent during a database outage: the "try again" page takes the writer back to their
form with what they typed still in it, and the form saves once the database is back."""

from __future__ import annotations

import re
import sqlite3

from playwright.sync_api import Page, expect

from . import ui
from .server import KzstudyServer

COURSE = "/teach/demo"
STEM = "Which body did the 2017 amendments give the power to check laws against the Constitution?"


def test_going_back_from_the_outage_page_keeps_the_typed_question_and_it_saves_afterwards(
    outage_server: KzstudyServer, page: Page
):
    server = outage_server
    ui.log_in(page, server.url, "instructor")
    page.goto(f"{server.url}{COURSE}/questions/new/single_choice/")
    form_url = page.url
    page.locator("textarea[name=stem]").fill(STEM)
    page.locator("textarea[name=explanation]").fill("The 2022 amendments set up the Court.")
    page.locator("select[name=section]").select_option(index=1)
    for row, text in enumerate(["The Constitutional Court", "The Senate", "The Mazhilis"]):
        page.locator(f"input[name=choices-{row}-text]").fill(text)
    page.locator("input[name=choices-correct]").first.check()

    holder = sqlite3.connect(server.database_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another writer holds the database
    try:
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_role("heading", name="Try again in a moment")).to_be_visible()
        expect(page.get_by_text("may not have been saved")).to_be_visible()
        page.get_by_role("link", name="Go back to the form").click()
        expect(page).to_have_url(form_url)
        # What the instructor typed is still in the form, as after the browser's Back button.
        expect(page.locator("textarea[name=stem]")).to_have_value(STEM)
        expect(page.locator("input[name=choices-0-text]")).to_have_value("The Constitutional Court")
    finally:
        holder.rollback()
        holder.close()

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(r"^Preview"))).to_be_visible()
    expect(page.locator(".question-stem").first).to_have_text(STEM)
