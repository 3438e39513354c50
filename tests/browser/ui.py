"""What a learner does in the browser: log in, find a question by its stem, answer it.

Answers come from the bank the server exports (`manage.py export_bank`), so the tests know the
key the way an instructor does, and still answer only through the page's controls.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Locator, Page, expect

SAVED = re.compile(r"^Saved at ")


def exactly(text: str) -> re.Pattern[str]:
    """A pattern matching the whole (trimmed) text, for `has_text` filters."""
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def log_in(page: Page, base_url: str, username: str, password: str | None = None) -> None:
    """Sign in through the login form, the way a learner does."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password or username)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text(f"Signed in as {username}")).to_be_visible()


def question_stems(page: Page) -> list[str]:
    """The stems of the questions shown on the page, in order."""
    return [
        s.strip() for s in page.locator("fieldset[data-question] .question-stem").all_inner_texts()
    ]


def shown_item(page: Page, key: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The bank item of the (one) question on the page (after a move from another question,
    first wait for the new one: `expect_question_number`)."""
    expect(page.locator("fieldset[data-question]")).to_have_count(1)
    stems = question_stems(page)
    assert len(stems) == 1, f"expected one question on the page, found {len(stems)}"
    return key[stems[0]]


def question(page: Page, stem: str) -> Locator:
    """The fieldset of the question whose stem is exactly `stem`."""
    found = page.locator("fieldset[data-question]").filter(
        has=page.locator(".question-stem", has_text=exactly(stem))
    )
    expect(found).to_have_count(1)
    return found


def label(fieldset: Locator, text: str) -> Locator:
    """The label showing exactly `text` inside a question."""
    return fieldset.locator("label").filter(has_text=exactly(text))


def wrong_choices(item: dict[str, Any]) -> list[str]:
    return [c for c in item["choices"] if c not in item["correct"]]


def pairs(item: dict[str, Any]) -> list[tuple[str, str]]:
    """A matching item's key as (left, right) pairs."""
    return [tuple(line.split(" -> ", 1)) for line in item["correct"]]  # type: ignore[misc]


def answer(page: Page, item: dict[str, Any], *, right: bool = True) -> Locator:
    """Answer a question through its controls, rightly or (`right=False`) wrongly.

    Choices are picked by clicking their labels, texts are typed into the boxes, and <select>s
    are set by the visible text of their options, found through their labels.
    """
    fieldset = question(page, item["stem"])
    kind, correct = item["type"], item["correct"]
    if kind in ("single_choice", "true_false"):
        label(fieldset, correct[0] if right else wrong_choices(item)[0]).click()
    elif kind == "multiple_response":
        wanted = correct if right else wrong_choices(item)[:1]
        for text in item["choices"]:
            if fieldset.get_by_label(text, exact=True).is_checked() != (text in wanted):
                label(fieldset, text).click()
    elif kind == "short_answer":
        fieldset.get_by_label("Your answer").fill(correct[0] if right else "I do not know")
    elif kind == "numeric":
        value = correct[0] if right else str(int(float(correct[0])) + 1000)
        fieldset.get_by_label("Your answer").fill(value)
    elif kind == "matching":
        matches = pairs(item)
        rights = [r for _, r in matches]
        for n, (left, right_text) in enumerate(matches):
            chosen = right_text if right else rights[(n + 1) % len(rights)]
            fieldset.get_by_label(left, exact=True).select_option(label=chosen)
    elif kind == "ordering":
        count = len(correct)
        for n, text in enumerate(correct, start=1):
            position = n if right else count - n + 1
            fieldset.get_by_label(f"Position of: {text}", exact=True).select_option(
                label=str(position)
            )
    else:  # pragma: no cover - a new type needs a line here
        raise AssertionError(f"no way to answer a {kind} question")
    return fieldset


def expect_answered(page: Page, item: dict[str, Any]) -> None:
    """The question on the page shows the right answer given earlier (after a reload)."""
    fieldset = question(page, item["stem"])
    kind, correct = item["type"], item["correct"]
    if kind in ("single_choice", "true_false", "multiple_response"):
        for text in item["choices"]:
            box = fieldset.get_by_label(text, exact=True)
            if text in correct:
                expect(box).to_be_checked()
            else:
                expect(box).not_to_be_checked()
    elif kind in ("short_answer", "numeric"):
        expect(fieldset.get_by_label("Your answer")).to_have_value(correct[0])
    elif kind == "matching":
        for left, right_text in pairs(item):
            select = fieldset.get_by_label(left, exact=True)
            expect(select.locator("option:checked")).to_have_text(right_text)
    elif kind == "ordering":
        for n, text in enumerate(correct, start=1):
            select = fieldset.get_by_label(f"Position of: {text}", exact=True)
            expect(select.locator("option:checked")).to_have_text(str(n))


def expect_question_number(page: Page, number: int) -> None:
    """The page shows question `number` (e.g. after Next)."""
    expect(page.locator("fieldset[data-question] legend")).to_contain_text(
        re.compile(rf"^\s*Question {number}\b")
    )


def next_question(page: Page) -> None:
    """Press Next and wait for the following question."""
    legend = page.locator("fieldset[data-question] legend").inner_text()
    number = int(re.search(r"Question (\d+)", legend).group(1))  # type: ignore[union-attr]
    page.get_by_role("button", name="Next").click()
    expect_question_number(page, number + 1)


def wait_saved(page: Page) -> None:
    """Wait for the autosave to report the answer saved."""
    expect(page.locator("#save-status")).to_have_text(SAVED, timeout=10_000)
