"""A refused write answers the same through the instructor pages and the API: 403, and nothing
changes. The services refuse it themselves (tests/services/test_*_authorization.py); the doors
keep their own checks too, and must not disagree with them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from quizzes.api.exceptions import handler
from quizzes.errors import NotAllowed
from quizzes.models import Question, QuestionStatus
from tests.factories import (
    ArticleFactory,
    CourseFactory,
    SectionFactory,
    course_with_learner,
    enrol,
    make_question,
)

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def world():
    article = ArticleFactory()
    section = SectionFactory(article=article)
    course, learner = course_with_learner(article=article)
    return {
        "course": course,
        "section": section,
        "learner": learner,
        "teacher": enrol(course, role="instructor"),
        "other_instructor": enrol(CourseFactory(article=article), role="instructor"),
        "own": make_question(section, course=course, stem="Ours?"),
        "shared": make_question(section, stem="Shared?"),
    }


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def archive_both_ways(world, who: str, question: Question) -> tuple[int, int]:
    course, user = world["course"], world[who]
    page = page_client(user).post(
        reverse("teach:question_archive", args=[course.slug, question.pk])
    )
    api = api_client(user).post(f"{API}/courses/{course.pk}/questions/{question.pk}/archive/")
    return page.status_code, api.status_code


@pytest.mark.parametrize("who", ["learner", "other_instructor"])
def test_creating_a_question_is_refused_alike_by_the_page_and_the_api(world, who):
    course, user = world["course"], world[who]
    before = Question.objects.count()
    page = page_client(user).post(
        reverse("teach:question_new", args=[course.slug, "true_false"]),
        {"stem": "Sneaked in?", "section": world["section"].pk, "answer": "true"},
    )
    api = api_client(user).post(
        f"{API}/courses/{course.pk}/questions/",
        {
            "type": "true_false",
            "stem": "Sneaked in?",
            "section": world["section"].slug,
            "data": {"answer": True},
        },
        format="json",
    )
    assert (page.status_code, api.status_code) == (403, 403)
    assert Question.objects.count() == before


@pytest.mark.parametrize("who", ["learner", "other_instructor"])
def test_archiving_a_courses_question_is_refused_alike_by_the_page_and_the_api(world, who):
    assert archive_both_ways(world, who, world["own"]) == (403, 403)
    world["own"].refresh_from_db()
    assert world["own"].status == QuestionStatus.PUBLISHED


def test_archiving_a_shared_question_is_refused_alike_by_the_page_and_the_api(world):
    assert archive_both_ways(world, "teacher", world["shared"]) == (403, 403)
    world["shared"].refresh_from_db()
    assert world["shared"].status == QuestionStatus.PUBLISHED


def test_a_service_refusal_reaching_the_api_is_a_403_in_the_error_envelope():
    response = handler(NotAllowed("Only the course's instructors may do this."), {})
    assert response.status_code == 403
    assert response.data["error"]["code"] == "not_allowed"
