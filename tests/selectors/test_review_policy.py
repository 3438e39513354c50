"""What a learner may see in a review is one rule (`ReviewPolicy.for_attempt`): the review page,
the API's attempt document and the flashcards made from a review follow it alike; and a
practice check shows the explanation once right through the page and the API alike."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
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


# Right answers and explanations only after the last attempt (Canvas's "only after their last
# attempt"): the marks and the learner's answers show after every attempt.
LATER = "appear after your last attempt"


def started(api, quiz, course=None) -> int:
    body = {"course": course.pk} if course else {}
    return api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/", body, format="json").json()["id"]


def taken(api, quiz, question, course=None) -> Attempt:
    """An attempt answered wrongly and submitted."""
    attempt = started(api, quiz, course)
    url = f"/api/v1/attempts/{attempt}/answers/{question.pk}/"
    api.put(url, {"answer": wrong_answer(question.current_version)}, format="json")
    api.post(f"/api/v1/attempts/{attempt}/submit/")
    return Attempt.objects.select_related("quiz").get(pk=attempt)


def key_waits(quiz, **fields):
    quiz.review_key_after_last_attempt = True
    for name, value in fields.items():
        setattr(quiz, name, value)
    quiz.save()
    return quiz


def assert_key_hidden(api, page, attempt):
    policy = ReviewPolicy.for_attempt(attempt, clock.now())
    assert policy.available and policy.key_after_last_attempt
    assert not policy.show_answers and not policy.show_explanations
    (review,) = [
        q["review"] for q in api.get(f"/api/v1/attempts/{attempt.pk}/").json()["questions"]
    ]
    assert review["state"] == "wrong" and review["score"] == "0.00"
    assert review["correct"] == review["feedback"] == [] and review["explanation"] == ""
    assert review["source_quote"] == ""
    shown = page.get(reverse("quizzes:attempt_review", args=[attempt.pk])).content.decode()
    assert LATER in shown and "0 / 1" in shown and "· 0/1" in shown
    assert "Right answer</dt>" not in shown and "Feedback</dt>" not in shown
    assert EXPLANATION not in shown and "Read the passage" not in shown


def assert_key_shown(api, page, attempt):
    policy = ReviewPolicy.for_attempt(attempt, clock.now())
    assert policy.show_answers and policy.show_explanations
    assert not policy.key_after_last_attempt
    (review,) = [
        q["review"] for q in api.get(f"/api/v1/attempts/{attempt.pk}/").json()["questions"]
    ]
    assert review["correct"] == ["1995"] and review["explanation"] == EXPLANATION
    shown = page.get(reverse("quizzes:attempt_review", args=[attempt.pk])).content.decode()
    assert LATER not in shown and "Right answer</dt>" in shown and EXPLANATION in shown


def test_after_attempt_1_of_2_the_review_shows_the_mark_but_no_right_answers_or_explanations(
    learner, django_capture_on_commit_callbacks
):
    course, user, page, api, question = learner
    quiz = key_waits(fixed_quiz([question], article=course.article, max_attempts=2))
    with django_capture_on_commit_callbacks(execute=True):
        first = taken(api, quiz, question)

    assert_key_hidden(api, page, first)
    # A flashcard's back is the key: none is made from such a review.
    assert not ReviewCard.objects.filter(user=user).exists()


def test_after_the_last_attempt_every_review_shows_the_right_answers_and_explanations(
    learner, django_capture_on_commit_callbacks
):
    course, user, page, api, question = learner
    quiz = key_waits(fixed_quiz([question], article=course.article, max_attempts=2))
    first = taken(api, quiz, question)
    with django_capture_on_commit_callbacks(execute=True):
        last = taken(api, quiz, question)

    assert_key_shown(api, page, first)
    assert_key_shown(api, page, last)
    assert ReviewCard.objects.filter(user=user, question=question).exists()


def test_the_option_off_shows_the_right_answers_after_attempt_1_of_2(learner):
    course, _, page, api, question = learner
    quiz = fixed_quiz([question], article=course.article, max_attempts=2)
    assert_key_shown(api, page, taken(api, quiz, question))


def test_an_attempt_in_progress_keeps_them_hidden(learner):
    course, _, page, api, question = learner
    quiz = key_waits(fixed_quiz([question], article=course.article, max_attempts=2))
    first = taken(api, quiz, question)
    second = started(api, quiz)

    assert_key_hidden(api, page, first)
    api.post(f"/api/v1/attempts/{second}/submit/")
    assert_key_shown(api, page, first)


def test_an_accommodations_extra_attempt_keeps_them_hidden_after_attempt_2(learner):
    from quizzes.services.accommodations import Adjustments, accommodation_grant
    from tests.factories import enrol

    course, user, page, api, question = learner
    quiz = key_waits(fixed_quiz([question], course=course, max_attempts=2))
    accommodation_grant(
        actor=enrol(course, role="instructor"),
        course=course,
        learner=user,
        quiz=quiz,
        adjustments=Adjustments(extra_attempts=1),
    )
    taken(api, quiz, question)
    second = taken(api, quiz, question)

    assert_key_hidden(api, page, second)
    assert_key_shown(api, page, taken(api, quiz, question))


def test_once_the_quiz_closed_for_the_learner_they_show_and_a_later_close_date_waits(
    learner, monkeypatch
):
    from quizzes.services.accommodations import Adjustments, accommodation_grant
    from tests.factories import enrol

    course, user, page, api, question = learner
    closes = timezone.now() + timedelta(hours=1)
    quiz = key_waits(fixed_quiz([question], course=course, max_attempts=2, closes_at=closes))
    first = taken(api, quiz, question)
    assert_key_hidden(api, page, first)

    monkeypatch.setattr(clock, "now", lambda: closes + timedelta(minutes=1))
    assert_key_shown(api, page, first)

    accommodation_grant(
        actor=enrol(course, role="instructor"),
        course=course,
        learner=user,
        quiz=quiz,
        adjustments=Adjustments(closes_at=closes + timedelta(days=1)),
    )
    assert_key_hidden(api, page, first)
    monkeypatch.setattr(clock, "now", lambda: closes + timedelta(days=1, minutes=1))
    assert_key_shown(api, page, first)


def test_a_shared_quiz_keeps_them_hidden_while_another_course_of_the_learners_offers_attempts(
    learner,
):
    from tests.factories import CourseFactory, enrol

    course, user, page, api, question = learner
    other = CourseFactory(article=course.article)
    enrol(other, user)
    quiz = key_waits(fixed_quiz([question], article=course.article, max_attempts=1))
    here = taken(api, quiz, question, course)

    assert_key_hidden(api, page, here)
    taken(api, quiz, question, other)
    assert_key_shown(api, page, here)


def test_a_quiz_without_attempt_limit_or_close_date_never_shows_them(learner):
    course, _, _, api, question = learner
    quiz = key_waits(fixed_quiz([question], article=course.article))
    for _ in range(3):
        attempt = taken(api, quiz, question)
    assert ReviewPolicy.for_attempt(attempt, clock.now()).key_after_last_attempt


def test_a_review_without_explanations_or_right_answers_needs_no_waiting(learner):
    course, _, _, api, question = learner
    quiz = key_waits(
        fixed_quiz([question], article=course.article, max_attempts=2),
        review_shows_correct=False,
        review_shows_explanation=False,
    )
    policy = ReviewPolicy.for_attempt(taken(api, quiz, question), clock.now())
    assert policy.available and not policy.key_after_last_attempt


def test_the_waiting_review_adds_its_queries_only_when_the_option_is_on(learner):
    """The page and the API document of a submitted attempt: three queries more (the learner's
    courses, their accommodations, their attempts) for a shared quiz whose key waits, none
    otherwise."""
    course, _, page, api, question = learner
    plain = fixed_quiz([question], article=course.article, max_attempts=2)
    waiting = key_waits(fixed_quiz([question], article=course.article, max_attempts=2))
    counts = {}
    for name, quiz in (("plain", plain), ("waiting", waiting)):
        attempt = taken(api, quiz, question)
        for door, url in (
            ("page", reverse("quizzes:attempt_review", args=[attempt.pk])),
            ("api", f"/api/v1/attempts/{attempt.pk}/"),
        ):
            client = page if door == "page" else api
            client.get(url)  # anything read once per process is read now
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts[name, door] = len(captured)
    assert counts["waiting", "page"] == counts["plain", "page"] + 3
    assert counts["waiting", "api"] == counts["plain", "api"] + 3
