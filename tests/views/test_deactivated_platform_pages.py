"""The pages of a course whose LTI platform a site admin deactivated answer its learner as they
answer someone outside the course (404, the course and its quizzes unlisted; a rating of a card
about its article, through any course's page, changes nothing: `permissions.cards_as_member`),
until the platform is reactivated; a standalone course is unaffected
(`permissions.enrolments_in_force`)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt, ReviewLog
from tests.factories import (
    ArticleFactory,
    SectionFactory,
    UserFactory,
    enrol,
)
from tests.lti_courses import course_with_quiz as lti_course_with_quiz
from tests.lti_courses import deactivate_platform, reactivate_platform
from tests.study_factories import card_and_history, question_card

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def section():
    return SectionFactory(article=ArticleFactory())


def course_with_quiz(section, *, lti: bool):
    """The course, its practice quiz on the section, and its learner (`lti_courses`)."""
    return lti_course_with_quiz(section, lti=lti, section=section, mode="practice")


# Each door of a course for its members: method, URL (by the course's slug and quiz id), what
# is posted, and what a member gets (a page; a start's redirect to the attempt; settings' 303
# back to the queue; 409 for an undo with nothing to undo).
DOORS = {
    "course home": ("get", lambda c, q: reverse("quizzes:course", args=[c.slug]), None, 200),
    "quiz": ("get", lambda c, q: reverse("quizzes:quiz", args=[c.slug, q.pk]), None, 200),
    "start": (
        "post",
        lambda c, q: reverse("quizzes:quiz_start", args=[c.slug, q.pk]),
        None,
        302,
    ),
    "my attempts": ("get", lambda c, q: reverse("quizzes:my_attempts", args=[c.slug]), None, 200),
    "flashcards": ("get", lambda c, q: reverse("quizzes:flashcards", args=[c.slug]), None, 200),
    "flashcard settings": (
        "post",
        lambda c, q: reverse("quizzes:flashcard_settings", args=[c.slug]),
        {"new_cards_per_day": 10},
        303,
    ),
    "flashcard undo": (
        "post",
        lambda c, q: reverse("quizzes:flashcard_undo", args=[c.slug]),
        None,
        409,
    ),
}


def knock(client: Client, door: str, course, quiz) -> int:
    method, url, data, _member = DOORS[door]
    return getattr(client, method)(url(course, quiz), data or {}).status_code


def as_member(door: str) -> int:
    return DOORS[door][3]


@pytest.mark.parametrize("door", DOORS)
def test_a_deactivated_platforms_learner_is_turned_away_like_a_stranger_until_reactivated(
    section, door
):
    course, quiz, learner = course_with_quiz(section, lti=True)
    stranger = signed_in(UserFactory())
    deactivate_platform(course)

    assert knock(stranger, door, course, quiz) == 404
    assert knock(signed_in(learner), door, course, quiz) == 404

    reactivate_platform(course)

    assert knock(signed_in(learner), door, course, quiz) == as_member(door)


def test_a_deactivated_platforms_learner_cannot_start_its_quiz_from_the_page(section):
    course, quiz, learner = course_with_quiz(section, lti=True)
    client = signed_in(learner)
    deactivate_platform(course)

    assert knock(client, "start", course, quiz) == 404
    assert not Attempt.objects.filter(user=learner).exists()

    reactivate_platform(course)

    assert knock(client, "start", course, quiz) == 302
    assert Attempt.objects.filter(user=learner, course=course).count() == 1


@pytest.mark.parametrize("door", DOORS)
def test_a_standalone_courses_learner_keeps_every_door(section, door):
    course, _quiz, learner = course_with_quiz(section, lti=True)
    standalone, own_quiz, _ = course_with_quiz(section, lti=False)
    enrol(standalone, learner)
    deactivate_platform(course)

    assert knock(signed_in(learner), door, standalone, own_quiz) == as_member(door)


def test_the_home_page_neither_lists_nor_opens_a_deactivated_platforms_course(section):
    course, _quiz, learner = course_with_quiz(section, lti=True)
    client = signed_in(learner)
    course_url = reverse("quizzes:course", args=[course.slug])
    assert client.get("/").url == course_url  # a member of one course goes straight to it

    deactivate_platform(course)

    home = client.get("/")
    assert home.status_code == 200
    assert course_url not in home.content.decode()

    reactivate_platform(course)

    assert client.get("/").url == course_url


def test_a_sections_page_offers_no_practice_from_a_deactivated_platforms_course(section):
    course, quiz, learner = course_with_quiz(section, lti=True)
    standalone, own_quiz, _ = course_with_quiz(section, lti=False)
    enrol(standalone, learner)
    client = signed_in(learner)
    page = reverse("quizzes:section", args=[section.article.slug, section.slug])
    deactivate_platform(course)

    assert client.get(page).context["practice"] == [(standalone, own_quiz)]

    reactivate_platform(course)

    assert sorted(client.get(page).context["practice"], key=lambda p: p[0].pk) == [
        (course, quiz),
        (standalone, own_quiz),
    ]


def review_on_page(client: Client, course, card, rating: str = "3") -> int:
    url = reverse("quizzes:flashcard_review", args=[course.slug, card.pk])
    return client.post(url, {"rating": rating}).status_code


def test_switched_off_platform_learner_cannot_review_flashcard_via_page(section):
    course, quiz, learner = course_with_quiz(section, lti=True)
    card = question_card(learner, quiz.slots.get().question, due=timezone.now())
    client = signed_in(learner)
    assert review_on_page(client, course, card) == 303
    before = card_and_history(card)
    deactivate_platform(course)

    assert review_on_page(client, course, card, rating="4") == 404
    assert card_and_history(card) == before

    reactivate_platform(course)

    assert review_on_page(client, course, card) == 303
    assert ReviewLog.objects.filter(card=card).count() == 2


def test_switched_off_platform_card_cannot_be_reviewed_through_another_courses_page(section):
    course, quiz, learner = course_with_quiz(section, lti=True)
    elsewhere, _other_quiz, _ = course_with_quiz(
        SectionFactory(article=ArticleFactory()), lti=False
    )
    enrol(elsewhere, learner)
    card = question_card(learner, quiz.slots.get().question, due=timezone.now())
    before = card_and_history(card)
    deactivate_platform(course)

    # The learner may still open the other course's flashcards, but this card is not among them.
    assert review_on_page(signed_in(learner), elsewhere, card) == 404
    assert card_and_history(card) == before


def test_a_learner_still_member_through_a_standalone_course_can_review_flashcard_via_page(section):
    course, quiz, learner = course_with_quiz(section, lti=True)
    standalone, _own_quiz, _ = course_with_quiz(section, lti=False)
    enrol(standalone, learner)
    card = question_card(learner, quiz.slots.get().question, due=timezone.now())
    deactivate_platform(course)

    assert review_on_page(signed_in(learner), standalone, card) == 303
    assert ReviewLog.objects.filter(card=card).count() == 1
