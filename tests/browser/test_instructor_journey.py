"""An instructor writes a question, previews it, puts it in a quiz, and a student answers it."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from . import ui
from .server import KzstudyServer

STEM = "In which year did the notification law for rallies pass, by the article's account?"
COURSE = "/teach/demo"


def test_an_instructor_writes_a_question_puts_it_in_a_quiz_and_a_student_answers_it(
    server: KzstudyServer, new_page: Callable[..., Page]
):
    teacher = new_page()
    ui.log_in(teacher, server.url, "instructor")
    teacher.goto(server.url + "/courses/demo/")
    teacher.get_by_role("link", name="Teach this course").click()
    teacher.get_by_role("link", name="Question bank").click()
    teacher.get_by_text("New question").click()
    teacher.get_by_role("link", name="Single choice").click()

    teacher.locator("textarea[name=stem]").fill(STEM)
    teacher.locator("textarea[name=explanation]").fill("The article dates the law to May 2020.")
    teacher.locator("select[name=section]").select_option(label="6. Freedom of Assembly")
    teacher.locator("select[name=status]").select_option("published")
    for row, text in enumerate(["2020", "2019", "2021"]):
        teacher.locator(f"input[name=choices-{row}-text]").fill(text)
    teacher.locator("input[name=choices-correct][value='0']").check()
    teacher.get_by_role("button", name="Save").click()

    # The preview: as the learner sees it (three choices, nothing marked) and as the review shows it.
    expect(teacher.get_by_role("heading", name="As a learner sees it")).to_be_visible()
    learner_view = teacher.locator("fieldset.question")
    expect(learner_view.locator("input[type=radio]")).to_have_count(3)
    expect(learner_view.locator("input[type=radio]:checked")).to_have_count(0)
    expect(teacher.get_by_text("Right answer")).to_be_visible()
    question_id = re.search(r"/questions/(\d+)/preview/", teacher.url).group(1)

    teacher.goto(f"{server.url}{COURSE}/quizzes/new/")
    teacher.locator("input[name=title]").fill("Assembly check")
    teacher.locator("select[name=mode]").select_option("graded")
    teacher.locator("select[name=slots-0-kind]").select_option("fixed")
    # The question picker is a search box: type words of the stem, pick the match.
    teacher.locator("#id_slots-0-question-ts-control").fill("notification law for rallies")
    teacher.locator(f"#id_slots-0-question-ts-dropdown [data-value='{question_id}']").click()
    teacher.get_by_label("Published (learners see it)").check()  # new quizzes are drafts
    teacher.get_by_role("button", name=re.compile(r"^Save")).click()
    expect(teacher.get_by_text("Assembly check").first).to_be_visible()

    student = new_page()
    ui.log_in(student, server.url, "student")
    student.goto(server.url + "/courses/demo/")
    student.get_by_role("link", name="Assembly check").click()
    student.get_by_role("button", name=re.compile(r"^Start")).click()
    fieldset = ui.question(student, STEM)
    expect(fieldset.locator("input[type=radio]")).to_have_count(3)
    ui.label(fieldset, "2020").click()
    ui.wait_saved(student)
    student.get_by_role("button", name="Finish attempt…").click()
    student.get_by_role("button", name="Submit all and finish").click()
    expect(student.locator("#result-score")).to_have_text(re.compile(r"^1 / 1\s"))
    expect(student.get_by_text("Passed", exact=True)).to_be_visible()
