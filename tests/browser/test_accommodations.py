"""Accommodations in the browser (issue #14 item 9): staff give a learner 30 extra minutes on
the course's Accommodations page, reached from the gradebook; the learner's quiz page says so
and the timer of their attempt counts down from the longer time. axe checks the new page."""

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

# A learner of the demo course and a 20-minute graded quiz of one question; prints their ids.
TIMED_QUIZ = """
import json
from django.contrib.auth import get_user_model
from quizzes.models import Course, Enrolment, Question
from tests.factories import fixed_quiz
course = Course.objects.get(slug="demo")
user, _ = get_user_model().objects.get_or_create(username="{name}")
user.set_password("{name}")
user.save()
Enrolment.objects.get_or_create(course=course, user=user, defaults={{"role": "learner"}})
question = Question.objects.filter(status="published", qtype="true_false").order_by("pk").first()
quiz = fixed_quiz([question], title="{title}", course=course, article=course.article,
    mode="graded", is_published=True, time_limit_minutes=20, max_attempts=1)
print(json.dumps({{"quiz": quiz.pk, "learner": user.pk}}))
"""


def test_staff_give_thirty_extra_minutes_and_the_learners_timer_shows_them(
    server: KzstudyServer, new_page: Callable[..., Page]
):
    script = TIMED_QUIZ.format(name="madina", title="Timed with support")
    ids = json.loads(server.shell(script).strip().splitlines()[-1])

    staff = new_page()
    ui.log_in(staff, server.url, "instructor")
    staff.goto(f"{server.url}{COURSE}/gradebook/")
    staff.get_by_role("link", name="Accommodations of madina").click()
    expect(staff.get_by_role("heading", name="Accommodations", exact=True)).to_be_visible()
    form = staff.locator("#accommodation-form")
    expect(form.get_by_label("Learner")).to_have_value(str(ids["learner"]))
    form.get_by_label("Quiz").select_option(label="Timed with support")
    form.get_by_label("Extra minutes").fill("-30")
    form.get_by_role("button", name="Save accommodation").click()
    expect(staff.get_by_role("alert")).to_contain_text("Nothing was saved")
    expect(staff.locator("#accommodation-table")).to_contain_text("No accommodations yet")
    form.get_by_label("Extra minutes").fill("30")
    form.get_by_label("Note (staff only)").fill("Extra time for reading")
    form.get_by_role("button", name="Save accommodation").click()
    row = staff.locator("#accommodation-table tbody tr", has_text="madina")
    expect(row).to_contain_text("Timed with support")
    expect(row).to_contain_text("+30 min")
    no_serious_axe_violations(Audit(), staff, "accommodations page")

    learner = new_page()
    ui.log_in(learner, server.url, "madina")
    learner.goto(f"{server.url}/courses/demo/quizzes/{ids['quiz']}/")
    expect(learner.locator("#accommodation-note")).to_contain_text("you have 30 extra minutes")
    expect(learner.get_by_text("50 minutes (with your 30 extra)")).to_be_visible()
    learner.get_by_role("button", name="Start the quiz").click()
    # 20 minutes for everyone else; 50 for her: the countdown starts at 49:5x.
    expect(learner.locator("#timer-value")).to_have_text(re.compile(r"^49:[0-5]\d$"))
