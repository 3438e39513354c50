"""The API answers the learner of a course whose LTI platform a site admin deactivated as it
answers someone outside the course: the course is not theirs in `/api/v1/me/`, its quizzes are
not listed, a start is refused and its flashcards and progress are 404, and so is a review of
a card about its article (`permissions.cards_as_member`) unless another course of theirs still
offers that article, until the platform is reactivated; a standalone course is unaffected
(`permissions.enrolments_in_force`)."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from quizzes.models import Attempt, ReviewLog
from tests.factories import (
    ArticleFactory,
    SectionFactory,
    UserFactory,
    enrol,
    key_answer,
)
from tests.lti_courses import course_with_quiz, deactivate_platform, reactivate_platform
from tests.study_factories import card_and_history, question_card

pytestmark = pytest.mark.django_db
API = "/api/v1"


def signed_in(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def section():
    return SectionFactory(article=ArticleFactory())


# Each door of a course for its members: method, URL, body, and what a member gets.
DOORS = {
    "start": ("post", lambda c, q: f"{API}/quizzes/{q.pk}/attempts/", {}, 201),
    "start in the course": (
        "post",
        lambda c, q: f"{API}/quizzes/{q.pk}/attempts/",
        {"course": "course"},
        201,
    ),
    "flashcards due": ("get", lambda c, q: f"{API}/courses/{c.pk}/flashcards/due/", None, 200),
    "flashcard undo": ("post", lambda c, q: f"{API}/courses/{c.pk}/flashcards/undo/", {}, 409),
    "progress": ("get", lambda c, q: f"{API}/courses/{c.pk}/progress/", None, 200),
}


def knock(api: APIClient, door: str, course, quiz) -> int:
    method, url, body, _member = DOORS[door]
    if body is not None and "course" in body:
        body = {"course": course.pk}
    return getattr(api, method)(url(course, quiz), body, format="json").status_code


def as_member(door: str) -> int:
    return DOORS[door][3]


def my_courses(api: APIClient) -> list[int]:
    return [c["id"] for c in api.get(f"{API}/me/").json()["courses"]]


def my_quizzes(api: APIClient) -> set[tuple[int, int]]:
    rows = api.get(f"{API}/quizzes/", {"page_size": 100}).json()["results"]
    return {(q["id"], q["course"]["id"]) for q in rows}


@pytest.mark.parametrize("door", DOORS)
def test_a_deactivated_platforms_learner_is_answered_as_a_stranger_until_reactivated(section, door):
    course, quiz, learner = course_with_quiz(section, lti=True)
    deactivate_platform(course)

    stranger = knock(signed_in(UserFactory()), door, course, quiz)
    assert stranger in (400, 403, 404)
    assert knock(signed_in(learner), door, course, quiz) == stranger

    reactivate_platform(course)

    assert knock(signed_in(learner), door, course, quiz) == as_member(door)


def test_a_deactivated_platforms_learner_cannot_start_its_quiz_through_the_api(section):
    course, quiz, learner = course_with_quiz(section, lti=True)
    api = signed_in(learner)
    deactivate_platform(course)

    assert knock(api, "start", course, quiz) == 404
    assert knock(api, "start in the course", course, quiz) == 400
    assert not Attempt.objects.filter(user=learner).exists()

    reactivate_platform(course)

    assert knock(api, "start", course, quiz) == 201
    assert Attempt.objects.filter(user=learner, course=course).count() == 1


def test_me_and_the_quiz_list_leave_out_a_deactivated_platforms_course(section):
    course, quiz, learner = course_with_quiz(section, lti=True)
    standalone, own_quiz, _ = course_with_quiz(section, lti=False)
    enrol(standalone, learner)
    api = signed_in(learner)
    deactivate_platform(course)

    assert my_courses(api) == [standalone.pk]
    assert my_quizzes(api) == {(own_quiz.pk, standalone.pk)}

    reactivate_platform(course)

    assert sorted(my_courses(api)) == sorted([course.pk, standalone.pk])
    assert my_quizzes(api) == {(quiz.pk, course.pk), (own_quiz.pk, standalone.pk)}


@pytest.mark.parametrize("door", DOORS)
def test_a_standalone_courses_learner_keeps_every_api_door(section, door):
    course, _quiz, learner = course_with_quiz(section, lti=True)
    standalone, own_quiz, _ = course_with_quiz(section, lti=False)
    enrol(standalone, learner)
    deactivate_platform(course)

    assert knock(signed_in(learner), door, standalone, own_quiz) == as_member(door)


def test_an_attempt_started_before_the_platform_was_deactivated_can_still_be_saved_and_submitted(
    section,
):
    course, quiz, learner = course_with_quiz(section, lti=True)
    api = signed_in(learner)
    attempt = api.post(f"{API}/quizzes/{quiz.pk}/attempts/", {}, format="json").json()
    question = quiz.slots.get().question
    deactivate_platform(course)

    saved = api.put(
        f"{API}/attempts/{attempt['id']}/answers/{question.pk}/",
        {"answer": key_answer(question.current_version)},
        format="json",
    )
    assert saved.status_code == 200
    submitted = api.post(f"{API}/attempts/{attempt['id']}/submit/")
    assert (submitted.status_code, submitted.json()["state"]) == (200, "submitted")
    assert api.get(f"{API}/attempts/{attempt['id']}/").status_code == 200


# The flashcard tests' quizzes are practice ones, as on the pages: a graded quiz would protect
# its question, whose card could then not be rated for that reason alone.
def review_card(api: APIClient, card) -> int:
    return api.post(f"{API}/flashcards/{card.pk}/review/", {"rating": 3}, format="json").status_code


def test_switched_off_platform_learner_cannot_review_flashcard_via_api(section):
    course, quiz, learner = course_with_quiz(section, lti=True, mode="practice")
    card = question_card(learner, quiz.slots.get().question, due=timezone.now())
    api = signed_in(learner)
    assert review_card(api, card) == 200
    before = card_and_history(card)
    deactivate_platform(course)

    reply = api.post(f"{API}/flashcards/{card.pk}/review/", {"rating": 4}, format="json")

    assert (reply.status_code, reply.json()["error"]["code"]) == (404, "not_found")
    assert card_and_history(card) == before

    reactivate_platform(course)

    assert review_card(api, card) == 200
    assert ReviewLog.objects.filter(card=card).count() == 2


def test_a_learner_still_member_through_another_course_can_review_flashcard_via_api(section):
    course, quiz, learner = course_with_quiz(section, lti=True, mode="practice")
    standalone, _own_quiz, _ = course_with_quiz(section, lti=False, mode="practice")
    enrol(standalone, learner)
    card = question_card(learner, quiz.slots.get().question, due=timezone.now())
    deactivate_platform(course)

    assert review_card(signed_in(learner), card) == 200
    assert ReviewLog.objects.filter(card=card).count() == 1


def test_switched_off_platform_card_stays_unreviewable_beside_another_articles_course(section):
    course, quiz, learner = course_with_quiz(section, lti=True, mode="practice")
    elsewhere, _other_quiz, _ = course_with_quiz(
        SectionFactory(article=ArticleFactory()), lti=False
    )
    enrol(elsewhere, learner)
    card = question_card(learner, quiz.slots.get().question, due=timezone.now())
    before = card_and_history(card)
    deactivate_platform(course)

    assert review_card(signed_in(learner), card) == 404
    assert card_and_history(card) == before
