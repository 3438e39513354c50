"""What a learner may see in a review is one rule (`ReviewPolicy.for_attempt`): the review page,
the API's attempt document and the flashcards made from a review follow it alike; and a
practice check shows the explanation once right through the page and the API alike."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from quizzes import clock
from quizzes.models import Attempt, ReviewCard
from quizzes.selectors.review_policy import ReviewPolicy
from tests.factories import (
    SectionFactory,
    course_with_learner,
    fixed_quiz,
    key_answer,
    make_question,
    wrong_answer,
)
from tests.views.helpers import form_fields

pytestmark = pytest.mark.django_db
EXPLANATION = "The Constitution was adopted by referendum in 1995."


@pytest.fixture
def learner():
    section = SectionFactory()
    course, user = course_with_learner(article=section.article)
    page, api = Client(), APIClient()
    page.force_login(user)
    api.force_authenticate(user)
    question = make_question(section, explanation=EXPLANATION)
    return course, user, page, api, question


def submitted(api, quiz, question, answer) -> Attempt:
    attempt = api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/", {}, format="json").json()
    url = f"/api/v1/attempts/{attempt['id']}/answers/{question.pk}/"
    api.put(url, {"answer": answer}, format="json")
    api.post(f"/api/v1/attempts/{attempt['id']}/submit/")
    return Attempt.objects.select_related("quiz").get(pk=attempt["id"])


@pytest.mark.parametrize(
    ("timing", "closes_in", "available", "later"),
    [
        ("after_submit", None, True, False),
        ("never", None, False, False),
        ("after_close", timedelta(days=1), False, True),
        ("after_close", None, False, True),
    ],
)
def test_the_policy_opens_the_review_as_the_quiz_says(learner, timing, closes_in, available, later):
    course, _, _, api, question = learner
    closes = timezone.now() + closes_in if closes_in else None
    quiz = fixed_quiz([question], article=course.article, review_timing=timing, closes_at=closes)
    attempt = submitted(api, quiz, question, wrong_answer(question.current_version))

    policy = ReviewPolicy.for_attempt(attempt, clock.now())
    assert (policy.available, policy.opens_when_quiz_closes) == (available, later)
    assert policy.show_answers is policy.show_explanations is available
    if closes:
        after = ReviewPolicy.for_attempt(attempt, closes + timedelta(seconds=1))
        assert after.available and not after.opens_when_quiz_closes


def test_an_open_attempt_has_no_review():
    section = SectionFactory()
    course, user = course_with_learner(article=section.article)
    question = make_question(section)
    quiz = fixed_quiz([question], article=course.article)
    api = APIClient()
    api.force_authenticate(user)
    api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/", {}, format="json")
    attempt = Attempt.objects.select_related("quiz").get(user=user)
    assert ReviewPolicy.for_attempt(attempt, clock.now()) == ReviewPolicy(
        False, False, False, opens_when_quiz_closes=False
    )


def test_a_review_without_right_answers_hides_them_on_the_page_in_the_api_and_in_flashcards(
    learner,
):
    course, user, page, api, question = learner
    quiz = fixed_quiz([question], article=course.article, review_shows_correct=False)
    attempt = submitted(api, quiz, question, wrong_answer(question.current_version))

    review = api.get(f"/api/v1/attempts/{attempt.pk}/").json()["questions"][0]["review"]
    assert review["correct"] == [] and review["feedback"] == []
    assert review["explanation"] == EXPLANATION
    shown = page.get(reverse("quizzes:attempt_review", args=[attempt.pk])).content.decode()
    assert "Right answer" not in shown and EXPLANATION in shown
    assert not ReviewCard.objects.filter(user=user).exists()


def test_a_review_that_opens_at_close_says_so_on_the_page_and_in_the_api(learner):
    course, _, page, api, question = learner
    closes = timezone.now() + timedelta(days=1)
    quiz = fixed_quiz(
        [question], article=course.article, review_timing="after_close", closes_at=closes
    )
    attempt = submitted(api, quiz, question, key_answer(question.current_version))

    document = api.get(f"/api/v1/attempts/{attempt.pk}/").json()
    assert document["review_available"] is False and "review" not in document["questions"][0]
    shown = page.get(reverse("quizzes:attempt_review", args=[attempt.pk])).content.decode()
    assert "can be reviewed after the quiz closes" in shown and EXPLANATION not in shown


def test_a_practice_check_shows_the_explanation_once_right_through_the_page_and_the_api(
    learner,
):
    course, _, page, api, by_api = learner
    by_page = make_question(explanation=EXPLANATION)
    quiz = fixed_quiz([by_api, by_page], article=course.article, mode="practice")
    attempt = api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/", {}, format="json").json()

    def api_check(answer):
        url = f"/api/v1/attempts/{attempt['id']}/answers/{by_api.pk}/check/"
        return api.post(url, {"answer": answer}, format="json").json()

    def page_check(answer):
        fields = {**form_fields(by_page.current_version, answer), "question": by_page.pk}
        url = reverse("quizzes:attempt_check", args=[attempt["id"]])
        return page.post(url, fields, HTTP_ACCEPT="application/json").content.decode()

    assert api_check(wrong_answer(by_api.current_version))["explanation"] == ""
    assert EXPLANATION not in page_check(wrong_answer(by_page.current_version))
    assert api_check(key_answer(by_api.current_version))["explanation"] == EXPLANATION
    assert EXPLANATION in page_check(key_answer(by_page.current_version))


def test_a_later_close_date_keeps_the_learners_review_shut_until_their_own_close(
    learner, monkeypatch
):
    """The review "after the quiz closes" opens when it closes for the learner: one with a later
    close date (an accommodation) may still take the quiz, so sees no key before then."""
    from quizzes.services.accommodations import Adjustments, accommodation_grant
    from tests.factories import enrol

    course, user, _, api, question = learner
    closes = timezone.now() + timedelta(hours=1)
    quiz = fixed_quiz(
        [question], course=course, review_timing="after_close", closes_at=closes, max_attempts=2
    )
    attempt = submitted(api, quiz, question, wrong_answer(question.current_version))
    accommodation_grant(
        actor=enrol(course, role="instructor"),
        course=course,
        learner=user,
        quiz=quiz,
        adjustments=Adjustments(closes_at=closes + timedelta(days=1)),
    )
    monkeypatch.setattr(clock, "now", lambda: closes + timedelta(hours=2))
    assert not ReviewPolicy.for_attempt(attempt, clock.now()).available
    shut = api.get(f"/api/v1/attempts/{attempt.pk}/").json()
    assert all("review" not in q for q in shut["questions"])
    monkeypatch.setattr(clock, "now", lambda: closes + timedelta(days=1, hours=1))
    assert ReviewPolicy.for_attempt(attempt, clock.now()).available
    opened = api.get(f"/api/v1/attempts/{attempt.pk}/").json()
    assert all("review" in q for q in opened["questions"])
