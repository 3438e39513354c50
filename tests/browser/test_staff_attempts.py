"""Staff and their learners' attempts in the browser (issue #14 items 1, 4, 9): from the results
to what a learner answered and when in two clicks, a mark given by hand that the learner then
sees, the gradebook's way in, and a regrade whose review keeps the wording the learner answered.
axe checks every new page."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from . import ui
from .server import KzstudyServer
from .test_accessibility import Audit
from .test_authoring import no_serious_axe_violations

pytestmark = pytest.mark.browser

COURSE = "/teach/demo"
OLD_STEM = "By the article, in which year was the domestic violence law passed?"
NEW_STEM = "According to the article, in which year did the law on domestic violence pass?"

# A learner (with the given name) who answered a two-question graded quiz of the demo course:
# the first question right by the article (2009) though its key says 2017, the second right.
# Prints the quiz's and the attempt's ids as JSON.
SUBMITTED = """
import json
from django.contrib.auth import get_user_model
from quizzes.models import Course, Enrolment
from quizzes.services.attempts import answers_save, attempt_start, attempt_submit
from quizzes.services.authoring import question_create
from tests.factories import fixed_quiz
course = Course.objects.get(slug="demo")
user, _ = get_user_model().objects.get_or_create(username="{name}")
user.set_password("{name}")
user.save()
Enrolment.objects.get_or_create(course=course, user=user, defaults={{"role": "learner"}})
section = course.article.sections.get(slug="womens-rights")
choices = [{{"text": "2017", "correct": True}}, {{"text": "2009"}}, {{"text": "2020"}}]
year = question_create(section=section, qtype="single_choice", stem="{stem}",
    data={{"choices": choices}}, status="published", course=course, actor=None)
fact = question_create(section=section, qtype="true_false",
    stem="Does the article discuss women's rights ({name})?",
    data={{"answer": True, "feedback": ""}}, status="published", course=course, actor=None)
quiz = fixed_quiz([year, fact], title="{title}", course=course, article=course.article,
    mode="graded", is_published=True, max_attempts=2)
attempt = attempt_start(quiz=quiz, user=user, course=course)
key_2009 = next(c["key"] for c in year.current_version.payload["choices"] if c["text"] == "2009")
answers_save(attempt_id=attempt.pk, user=user,
    answers={{year.pk: {{"choice": key_2009}}, fact.pk: {{"value": True}}}})
attempt_submit(attempt_id=attempt.pk, user=user)
print(json.dumps({{"quiz": quiz.pk, "attempt": attempt.pk, "question": year.pk}}))
"""

REVISE = """
from quizzes.models import Question
from quizzes.services.authoring import question_revise
question = Question.objects.get(pk={question})
question_revise(question=question, stem="{stem}", data={{"choices": [
    {{"text": "2017"}}, {{"text": "2009", "correct": True}}, {{"text": "2020"}}]}}, actor=None)
"""


def submitted(server: KzstudyServer, name: str, title: str) -> dict[str, int]:
    script = SUBMITTED.format(name=name, title=title, stem=OLD_STEM)
    return json.loads(server.shell(script).strip().splitlines()[-1])


def test_staff_see_what_a_learner_answered_and_when_and_give_a_mark_the_learner_sees(
    server: KzstudyServer, new_page: Callable[..., Page]
):
    ids = submitted(server, "aigerim", "Staff view check")
    staff = new_page()
    ui.log_in(staff, server.url, "instructor")
    staff.goto(f"{server.url}{COURSE}/")
    staff.get_by_role("link", name="Attempts of Staff view check").click()

    # Two clicks from the results page: the row's link, at the end of the row.
    row = staff.locator("#attempts-table tbody tr", has_text="aigerim")
    row.get_by_role("link", name=re.compile(r"^Open")).click()
    expect(staff).to_have_url(re.compile(rf"/teach/demo/attempts/{ids['attempt']}/$"))
    year = staff.locator(f"#q{ids['question']}")
    expect(year.locator(".learner-answer")).to_have_text(re.compile(r"^[ABC]\. 2009$"))
    expect(year.locator(".shown-options tbody tr.table-active")).to_contain_text("2009")
    steps = year.locator(".step-table tbody tr")
    expect(steps).to_have_count(2)
    expect(steps.nth(0)).to_contain_text("Answer saved")
    expect(steps.nth(0).locator("time")).to_have_text(
        re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
    )
    expect(steps.nth(1)).to_contain_text("Attempt submitted")
    expect(staff.locator("#attempt-score")).to_contain_text("1 / 2 (50%)")
    no_serious_axe_violations(Audit(), staff, "staff attempt page")

    # A mark given by hand, with a comment: recorded as a step, the total follows.
    year.get_by_text("Change the mark or comment").click()
    year.get_by_label("New mark").fill("1")
    year.get_by_label("Comment").fill("2009 is right by the article; the key is being fixed.")
    year.get_by_role("button", name=re.compile(r"^Save")).click()
    expect(staff.locator("#attempt-score")).to_contain_text("2 / 2 (100%)")
    expect(year.locator(".step-table tbody tr")).to_have_count(3)
    expect(year.locator(".step-table tbody tr").nth(2)).to_contain_text("Graded by hand")
    expect(year.locator(".step-table tbody tr").nth(2)).to_contain_text("instructor")
    expect(staff.locator("#grade-notices")).to_contain_text("Question 1 marked by hand")

    learner = new_page()
    ui.log_in(learner, server.url, "aigerim")
    learner.goto(f"{server.url}/attempts/{ids['attempt']}/review/")
    expect(learner.locator("#result-score")).to_have_text(re.compile(r"^2 / 2\s"))
    expect(learner.locator("#grade-notices")).to_contain_text("Question 1 marked by hand on")
    expect(learner.locator(f"#q{ids['question']} q.comment")).to_have_text(
        "2009 is right by the article; the key is being fixed."
    )
    no_serious_axe_violations(Audit(), learner, "review with a mark given by hand")

    # The gradebook: the learner's cell opens the same attempt.
    staff.goto(f"{server.url}{COURSE}/gradebook/")
    no_serious_axe_violations(Audit(), staff, "gradebook")
    cell = staff.get_by_role("link", name=re.compile(r"^aigerim, Staff view check: best 100%"))
    cell.click()
    expect(staff).to_have_url(re.compile(rf"/teach/demo/attempts/{ids['attempt']}/$"))


def test_a_regraded_attempts_review_keeps_the_answered_wording_and_tells_the_learner(
    server: KzstudyServer, new_page: Callable[..., Page]
):
    ids = submitted(server, "dauren", "Regrade check")
    server.shell(REVISE.format(question=ids["question"], stem=NEW_STEM))

    staff = new_page()
    ui.log_in(staff, server.url, "instructor")
    staff.goto(f"{server.url}{COURSE}/quizzes/{ids['quiz']}/regrade/")
    plan = staff.locator("#regrade-plan tbody tr", has_text="dauren")
    expect(plan.locator(".plan-question")).to_have_text(
        re.compile(rf"^Q1 “{re.escape(OLD_STEM)}” \(version 1 → 2\): 0 → 1$")
    )
    no_serious_axe_violations(Audit(), staff, "regrade dry run")
    staff.get_by_role("button", name="Apply the regrade").click()
    expect(staff.get_by_text(re.compile(r"^Regraded \d+ attempts"))).to_be_visible()

    learner = new_page()
    ui.log_in(learner, server.url, "dauren")
    learner.goto(f"{server.url}/attempts/{ids['attempt']}/review/")
    expect(learner.locator("#result-score")).to_have_text(re.compile(r"^2 / 2\s"))
    expect(learner.locator("#grade-notices")).to_contain_text(
        re.compile(r"Regraded on .*: your mark changed from 1 to 2\.")
    )
    question = learner.locator(f"#q{ids['question']}")
    expect(question.locator(".question-stem")).to_have_text(OLD_STEM)
    expect(question.locator(".correction")).to_contain_text("the wording, the right answer changed")
    expect(question.locator(".correction")).to_contain_text(NEW_STEM)
    no_serious_axe_violations(Audit(), learner, "review after a regrade")

    # Staff see the same: the wording answered, and what the regrade did.
    staff.goto(f"{server.url}{COURSE}/attempts/{ids['attempt']}/")
    year = staff.locator(f"#q{ids['question']}")
    expect(year.locator(".question-stem")).to_have_text(OLD_STEM)
    expect(year.locator(".step-table tbody tr").nth(2)).to_contain_text("Regraded")
