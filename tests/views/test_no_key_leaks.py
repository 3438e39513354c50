"""No answer key reaches a learner before the attempt is submitted, in HTML or JSON."""

from __future__ import annotations

import html
import json

import pytest
from django.urls import reverse

from quizzes.models import Attempt, Quiz
from tests.factories import course_with_learner, fixed_quiz
from tests.key_leaks import assert_no_key, one_question_per_type

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("layout", ["one_per_page", "all_on_one_page"])
def test_every_learner_page_and_json_of_a_graded_attempt_is_free_of_keys(client, layout):
    course, learner = course_with_learner()
    client.force_login(learner)
    questions = one_question_per_type()
    quiz = fixed_quiz(questions, article=course.article, mode="graded", layout=layout)
    seen = [client.get(reverse("quizzes:quiz", args=[course.slug, quiz.pk])).content.decode()]
    client.post(reverse("quizzes:quiz_start", args=[course.slug, quiz.pk]))
    attempt = Attempt.objects.get(user=learner, quiz=quiz)
    pages = len(questions) if layout == "one_per_page" else 1
    for page in range(1, pages + 1):
        seen.append(
            client.get(
                reverse("quizzes:attempt", args=[attempt.pk]), {"page": page}
            ).content.decode()
        )
    for response in attempt.responses.all():
        reply = client.post(
            reverse("quizzes:attempt_save", args=[attempt.pk]),
            {
                f"q{response.question_id}-present": "1",
                f"q{response.question_id}-text": "x",
                f"q{response.question_id}-value": "1",
            },
            HTTP_ACCEPT="application/json",
        )
        seen.append(json.dumps(reply.json()))
    seen.append(client.get(reverse("quizzes:attempt_submit", args=[attempt.pk])).content.decode())
    assert client.get(reverse("quizzes:attempt_review", args=[attempt.pk])).status_code == 302
    assert (
        client.post(
            reverse("quizzes:attempt_check", args=[attempt.pk]),
            {"question": questions[0].pk},
            HTTP_ACCEPT="application/json",
        ).status_code
        == 400
    )
    for text in seen:
        assert_no_key(text, questions)
    client.post(reverse("quizzes:attempt_submit", args=[attempt.pk]))
    review = client.get(reverse("quizzes:attempt_review", args=[attempt.pk])).content.decode()
    # Unescaped: an apostrophe may be written as it is or as &#x27;, by which filter renders it.
    assert questions[0].current_version.explanation[:30] in html.unescape(review)


def test_a_practice_page_shows_no_key_before_a_check(client):
    course, learner = course_with_learner()
    client.force_login(learner)
    questions = one_question_per_type()
    quiz = fixed_quiz(questions, article=course.article, mode="practice", layout="all_on_one_page")
    client.post(reverse("quizzes:quiz_start", args=[course.slug, quiz.pk]))
    attempt = Attempt.objects.get(user=learner, quiz=quiz)
    assert_no_key(
        client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode(), questions
    )


def test_the_final_exam_pages_are_free_of_keys(client):
    course, learner = course_with_learner()
    client.force_login(learner)
    quiz = Quiz.objects.get(key="final-exam")
    client.post(reverse("quizzes:quiz_start", args=[course.slug, quiz.pk]))
    attempt = Attempt.objects.get(user=learner, quiz=quiz)
    questions = [r.question for r in attempt.responses.select_related("question__current_version")]
    for page in range(1, 19):
        assert_no_key(
            client.get(
                reverse("quizzes:attempt", args=[attempt.pk]), {"page": page}
            ).content.decode(),
            questions,
        )
