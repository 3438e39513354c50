"""The pages that write what the API's "writes" throttle limits spend the same budget, under
the same key: before, an instructor (or a learner changing flashcard settings) past the API's
limit could go on writing through the pages without any limit at all."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from quizzes.models import Question, StudyPreferences
from quizzes.services.attempts import attempt_start_or_resume
from tests.api.test_error_statuses import page_save
from tests.factories import course_with_learner, enrol, fixed_quiz, make_question
from tests.views.teach.helpers import THREE_CHOICES, formset, question_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_writes_a_minute(monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"writes": "2/minute"})


@pytest.fixture
def teaching():
    """A course with a question of its own, and its instructor signed in to the pages and the
    API."""
    course, _ = course_with_learner()
    teacher = enrol(course, role="instructor")
    page, api = Client(), APIClient()
    page.force_login(teacher)
    api.force_authenticate(teacher)
    section = course.article.sections.order_by("position").first()
    question = make_question(section, course=course, key="own")
    return course, section, question, page, api


def archive_by_page(page: Client, course, question):
    return page.post(reverse("teach:question_archive", args=[course.slug, question.pk]))


def new_question_by_page(page: Client, course, section):
    return page.post(
        reverse("teach:question_new", args=[course.slug, "single_choice"]),
        {**question_fields(section), **formset("choices", THREE_CHOICES, correct=0)},
    )


def test_an_instructor_past_the_write_limit_gets_429_with_retry_after_and_nothing_is_saved(
    teaching, two_writes_a_minute
):
    course, section, question, page, _ = teaching
    assert new_question_by_page(page, course, section).status_code == 302
    assert new_question_by_page(page, course, section).status_code == 302

    refused = archive_by_page(page, course, question)

    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "Too many changes in a short time" in refused.content.decode()
    assert "Go back to the form" in refused.content.decode()
    question.refresh_from_db()
    assert question.status == "published"
    assert Question.objects.filter(course=course).count() == 3


def test_the_pages_and_the_api_spend_one_budget(teaching, two_writes_a_minute):
    course, section, question, page, api = teaching
    api_url = f"/api/v1/courses/{course.pk}/questions/{question.pk}/"
    assert api.patch(api_url, {"stem": "Again?"}, format="json").status_code == 200
    assert new_question_by_page(page, course, section).status_code == 302

    by_page = archive_by_page(page, course, question)
    by_api = api.post(f"{api_url}archive/")

    assert by_page.status_code == by_api.status_code == 429
    question.refresh_from_db()
    assert question.status == "published"


def test_reading_staff_pages_spends_nothing(teaching, two_writes_a_minute):
    course, _, question, page, _ = teaching
    for _ in range(4):
        assert page.get(reverse("teach:bank", args=[course.slug])).status_code == 200
    assert archive_by_page(page, course, question).status_code == 302


def test_a_learners_flashcard_settings_page_spends_the_budget_its_api_spends(
    two_writes_a_minute,
):
    course, learner = course_with_learner()
    page, api = Client(), APIClient()
    page.force_login(learner)
    api.force_authenticate(learner)
    url = reverse("quizzes:flashcard_settings", kwargs={"course": course.slug})
    assert api.put("/api/v1/flashcards/settings/", {"new_cards_per_day": 5}, format="json")
    assert page.post(url, {"new_cards_per_day": "6"}).status_code == 303

    refused = page.post(url, {"new_cards_per_day": "7"})

    assert refused.status_code == 429
    assert StudyPreferences.objects.get(user=learner).new_cards_per_day == 6


def test_a_learners_attempt_saves_are_not_counted_in_the_budget(two_writes_a_minute):
    """Their limit is the attempt's own (ATTEMPT_WRITE_RATE, counted from the rows written),
    so an exam's answer saves pay no cache write."""
    course, learner = course_with_learner()
    questions = [make_question() for _ in range(4)]
    quiz = fixed_quiz(questions, article=course.article, mode="practice")
    attempt = attempt_start_or_resume(quiz_id=quiz.pk, user=learner, course_id=course.pk).attempt
    page = Client()
    page.force_login(learner)
    for question in questions:
        assert page_save(page, attempt, question).status_code == 200
