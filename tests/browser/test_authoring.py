"""Authoring in the browser (issue #14 items 5, 10, 11): the question editor's radio key, rows
added in place, the live preview that grades, the searchable pickers, shared content copied
into a course, and tables whose action column stays on screen. axe checks every page touched.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from . import ui
from .server import KzstudyServer
from .test_accessibility import PHONE, Audit

pytestmark = pytest.mark.browser

COURSE = "/teach/demo"
STEM = "Which year does the article give for the law on preventing domestic violence?"
# Set on the page by the test; still there afterwards means the page was never reloaded.
MARKER = "window.__sameDocument"


def mark_document(page: Page) -> None:
    page.evaluate(f"{MARKER} = true")


def expect_same_document(page: Page) -> None:
    assert page.evaluate(f"{MARKER} === true"), "the page was reloaded"


def no_serious_axe_violations(audit: Audit, page: Page, name: str) -> None:
    """axe on the page at desktop and phone width: no serious or critical violation, and no
    sideways scrolling on the phone."""
    audit.check(page, name)
    assert not audit.problems, "\n".join(audit.problems)


def choice_row(page: Page, number: int):
    return page.locator("#question-editor .formset[data-prefix=choices] .formset-row").nth(
        number - 1
    )


def test_an_instructor_writes_a_question_with_rows_added_in_place_and_tries_it_before_saving(
    server: KzstudyServer, page: Page
):
    audit = Audit()
    ui.log_in(page, server.url, "instructor")
    page.goto(f"{server.url}{COURSE}/questions/new/single_choice/")
    mark_document(page)

    # "Correct" is one radio group: marking a second row unmarks the first.
    radios = page.locator("input[name=choices-correct]")
    expect(radios).to_have_count(4)
    expect(choice_row(page, 1).locator("legend")).to_have_text("Choice 1")
    page.locator("textarea[name=stem]").fill(STEM)
    page.locator("textarea[name=explanation]").fill("The article dates the law to 2009.")
    page.locator("select[name=section]").select_option(label="5. Women’s Rights")
    for row, text in enumerate(["2009", "2017", "2020", "2012"]):
        page.locator(f"input[name=choices-{row}-text]").fill(text)

    # A fifth row, added without a reload, numbered and focused for typing.
    page.get_by_role("button", name="Add a row: choice").click()
    expect(radios).to_have_count(5)
    expect(choice_row(page, 5).locator("legend")).to_have_text("Choice 5")
    expect(page.locator("input[name=choices-4-text]")).to_be_focused()
    page.keyboard.type("2015")
    choice_row(page, 5).get_by_label("Correct").check()
    choice_row(page, 1).get_by_label("Correct").check()
    expect(page.locator("input[name=choices-correct]:checked")).to_have_count(1)
    expect(choice_row(page, 1).get_by_label("Correct")).to_be_checked()

    # The concept picker: type, then pick the match.
    concepts = page.get_by_role("combobox", name="Concepts")
    concepts.fill("preventi")
    page.locator(
        ".ts-dropdown .option", has_text="Law on the prevention of domestic violence"
    ).click()
    expect(page.locator(".ts-control .item")).to_have_text(
        re.compile("Law on the prevention of domestic violence")
    )
    page.keyboard.press("Escape")

    # The live preview follows the draft, and grades an answer as a quiz would.
    preview = page.locator("#live-preview")
    expect(preview.locator("fieldset.question input[type=radio]")).to_have_count(5)
    expect(preview.locator(".question-stem")).to_have_text(STEM)
    ui.label(preview, "2017").click()
    preview.get_by_role("button", name="Check the answer").click()
    result = preview.locator("#preview-result")
    expect(result).to_contain_text("Incorrect: 0 of 1 mark.")
    expect(result).to_be_focused()
    ui.label(preview, "2009").click()
    preview.get_by_role("button", name="Check the answer").click()
    expect(result).to_contain_text("Correct: 1 of 1 mark.")
    expect(result).to_contain_text("The article dates the law to 2009.")
    expect_same_document(page)
    no_serious_axe_violations(audit, page, "question editor with a checked preview")

    # Enter in a text box saves (it does not press the first "Add a row" button).
    page.locator("input[name=choices-1-text]").press("Enter")
    expect(page.get_by_role("heading", name=re.compile(r"^Preview"))).to_be_visible()

    # The saved version can be answered on its preview page too.
    saved = page.locator("#preview-form")
    ui.label(saved, "2009").click()
    saved.get_by_role("button", name="Check the answer").click()
    expect(page.locator("#preview-result")).to_contain_text("Correct: 1 of 1 mark.")
    no_serious_axe_violations(audit, page, "question preview after a check")

    # Editing shows the saved concept in the picker and the saved key on its radio button.
    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page.locator(".ts-control .item")).to_have_text(
        re.compile("Law on the prevention of domestic violence")
    )
    expect(choice_row(page, 1).get_by_label("Correct")).to_be_checked()


def test_the_quiz_builder_finds_questions_by_typing_and_adds_slots_in_place(
    server: KzstudyServer, page: Page, answer_key: dict[str, dict[str, Any]]
):
    audit = Audit()
    ui.log_in(page, server.url, "instructor")
    page.goto(f"{server.url}{COURSE}/quizzes/new/")
    mark_document(page)
    expect(page.get_by_label("Published (learners see it)")).not_to_be_checked()
    page.locator("input[name=title]").fill("Assembly drill")

    stem = next(s for s in answer_key if s.startswith("Why does the article regard freedom"))
    page.locator("select[name=slots-0-kind]").select_option("fixed")
    page.locator("#id_slots-0-question-ts-control").fill("freedom of assembly as more sensitive")
    options = page.locator("#id_slots-0-question-ts-dropdown .option")
    expect(options).to_have_count(1)
    options.first.click()
    expect(page.locator("#id_slots-0-question-ts-control").locator("xpath=..")).to_contain_text(
        stem[:40]
    )

    slots = page.locator("fieldset.slot-row")
    before = slots.count()
    page.get_by_role("button", name="Add more rows").click()
    expect(slots).to_have_count(before + 1)
    expect(slots.last.locator("legend")).to_have_text(f"Slot {before + 1}")
    expect(slots.last.locator(".ts-wrapper")).to_have_count(1)  # its picker is searchable too
    expect_same_document(page)
    no_serious_axe_violations(audit, page, "quiz builder")

    page.get_by_role("button", name="Save quiz").click()
    expect(page.get_by_text("Quiz “Assembly drill” saved.")).to_be_visible()
    page.goto(f"{server.url}{COURSE}/quizzes/")
    row = page.locator("#own-quizzes tr", has_text="Assembly drill")
    expect(row).to_contain_text("not published")


def test_an_instructor_is_told_why_shared_content_is_read_only_and_copies_it(
    server: KzstudyServer, page: Page
):
    audit = Audit()
    ui.log_in(page, server.url, "instructor")
    page.goto(f"{server.url}{COURSE}/questions/?owner=shared")
    page.locator("table tbody tr a").first.click()
    expect(page.locator("#shared-note")).to_contain_text("maintained by the site admins")
    expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)

    # Opening the editor anyway: a page saying why, and the way on.
    page.goto(page.url.replace("/preview/", "/edit/"))
    expect(
        page.get_by_role("heading", name="This question is shared: read-only here")
    ).to_be_visible()
    no_serious_axe_violations(audit, page, "shared question, read-only")
    page.get_by_role("button", name="Duplicate into this course").click()
    expect(page.get_by_text("Copied into this course's bank as a draft")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^Edit question"))).to_be_visible()
    expect(page.locator("select[name=status]")).to_have_value("draft")

    # The Final exam: the same page, and a copy that is a draft of the course's own.
    page.goto(f"{server.url}{COURSE}/quizzes/")
    final_id = re.search(
        r"/quizzes/(\d+)/preview/",
        page.locator("#shared-quizzes tr", has_text="Final exam")
        .get_by_role("link", name=re.compile("^Preview"))
        .get_attribute("href"),
    ).group(1)
    page.goto(f"{server.url}{COURSE}/quizzes/{final_id}/edit/")
    expect(page.get_by_role("heading", name="This quiz is shared: read-only here")).to_be_visible()
    expect(page.locator("#shared-reason")).to_contain_text("maintained by the site admins")
    page.get_by_role("button", name="Duplicate into this course").click()
    expect(page.get_by_text("not yet published")).to_be_visible()
    expect(page.locator("input[name=title]")).to_have_value("Final exam (copy)")
    expect(page.get_by_label("Published (learners see it)")).not_to_be_checked()


SUBMITTED_ATTEMPT = """
from django.contrib.auth import get_user_model
from quizzes.models import Course, Enrolment, Quiz
from quizzes.services.attempts import attempt_start, attempt_submit
course = Course.objects.get(slug="demo")
user, _ = get_user_model().objects.get_or_create(username="phone")
user.set_password("phone")
user.save()
Enrolment.objects.get_or_create(course=course, user=user, defaults={"role": "learner"})
quiz = Quiz.objects.published().filter(course=None, mode="practice").order_by("pk").first()
attempt = attempt_start(quiz=quiz, user=user, course=course)
attempt_submit(attempt_id=attempt.pk, user=user)
print(quiz.pk)
"""


def test_on_a_phone_an_attempts_review_link_is_on_screen(
    server: KzstudyServer, new_page: Callable[..., Page]
):
    quiz_id = server.shell(SUBMITTED_ATTEMPT).strip().splitlines()[-1]
    page = new_page(viewport=PHONE)
    ui.log_in(page, server.url, "phone")
    page.goto(f"{server.url}/courses/demo/attempts/")
    review = page.get_by_role("link", name=re.compile(r"^Review"))
    expect(review).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    no_serious_axe_violations(Audit(), page, "my attempts")
    page.set_viewport_size(PHONE)
    review.click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+/review/$"))

    # The staff's results of that quiz: the table's last column stays on a phone's screen too.
    staff = new_page(viewport=PHONE)
    ui.log_in(staff, server.url, "instructor")
    staff.goto(f"{server.url}{COURSE}/quizzes/{quiz_id}/results/")
    row = staff.locator("#attempts-table tbody tr", has_text="phone")
    row.locator("th").scroll_into_view_if_needed()  # down to the row, the table not scrolled
    expect(row.locator("td").last).to_be_in_viewport()
    no_serious_axe_violations(Audit(), staff, "results")


def test_the_admins_attempt_list_shows_the_score_at_1280_px(server: KzstudyServer, page: Page):
    # An LTI account's long, unbroken username must wrap, not push the score off screen.
    server.shell(
        SUBMITTED_ATTEMPT.replace(
            '"phone"', '"lti-kzstudy-client-0f3a9c1e-learner-' + "x" * 60 + '"'
        )
    )
    ui.log_in(page, server.url, "admin")
    # This learner's rows only: other tests on the same live server add attempts of their own,
    # and what is measured here is how one realistic row lays out, not theirs.
    page.goto(f"{server.url}/admin/quizzes/attempt/?q=lti-kzstudy-client-0f3a9c1e")
    expect(page.get_by_role("columnheader", name="Score")).to_be_in_viewport()
    expect(
        page.locator("#result_list tbody tr").first.locator("td.field-result")
    ).to_be_in_viewport()
    # The list scrolls inside its box when too wide: every column must fit without that.
    fits = page.evaluate(
        "(() => { const box = document.querySelector('#changelist .results');"
        " return box.scrollWidth <= box.clientWidth; })()"
    )
    assert fits, "the attempt list is wider than its box"
