"""No answer key reaches a learner before the attempt is submitted, in HTML or JSON."""

from __future__ import annotations

import html
import json

import pytest
from django.urls import reverse

from quizzes.models import Attempt, Question, Quiz
from tests.factories import course_with_learner, fixed_quiz

pytestmark = pytest.mark.django_db

TYPES = {
    "single_choice",
    "multiple_response",
    "true_false",
    "short_answer",
    "numeric",
    "matching",
    "ordering",
}


def one_question_per_type() -> list[Question]:
    picked = {}
    for question in Question.objects.published().select_related("current_version").order_by("key"):
        picked.setdefault(question.qtype, question)
    assert set(picked) == TYPES
    return list(picked.values())


def secrets_of(question: Question) -> list[str]:
    """Texts that would give the key away: explanations, feedback, accepted answers, values."""
    version = question.current_version
    payload = version.payload
    found = [version.explanation]
    found += [c["feedback"] for c in payload.get("choices", []) if c.get("feedback")]
    found += payload.get("accepted", [])
    if version.qtype == "true_false" and payload.get("feedback"):
        found.append(payload["feedback"])
    return [s for s in found if s and len(s) > 3]


def visible_texts(question: Question) -> str:
    """What the learner is meant to see of a question: its stem and option texts."""
    version = question.current_version
    payload = version.payload
    parts = [version.stem]
    parts += [c["text"] for c in payload.get("choices", [])]
    parts += [
        x["text"]
        for x in payload.get("lefts", []) + payload.get("rights", []) + payload.get("items", [])
    ]
    return " ".join(parts).casefold()


def assert_no_key(text: str, questions: list[Question]) -> None:
    lowered = text.casefold()
    shown = " ".join(visible_texts(q) for q in questions)
    for question in questions:
        for secret in secrets_of(question):
            if secret.casefold() in shown:
                continue  # e.g. an accepted answer that is also a word of another stem
            assert secret.casefold() not in lowered, f"{question.key} leaks {secret!r}"
    for marker in (
        '"correct"',
        "data-correct",
        '"match"',
        '"accepted"',
        '"tolerance"',
        "is_correct",
    ):
        assert marker not in text


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
