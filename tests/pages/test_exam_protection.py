"""Exam integrity: practice quizzes and flashcards never hand out the keys of a graded quiz's
questions before it is closed to the learner (issue #11, items 6 and 7)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from quizzes.models import Attempt, CardKind, Question, Quiz, ResponseState, ReviewCard
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.authoring import question_revise
from quizzes.services.study import study_cards_from_attempt
from tests.factories import (
    course_with_learner,
    fixed_quiz,
    key_answer,
    make_attempt,
    make_question,
    wrong_answer,
)
from tests.pages.test_no_key_leaks import assert_no_key

pytestmark = pytest.mark.django_db

API = "/api/v1"
BLANK_ATTEMPTS = 17  # what the attack in issue #11 needed to collect all 18 exam keys


@pytest.fixture
def learner(client):
    """A learner of a course on the shipped article, signed in to the pages and the API."""
    course, user = course_with_learner()
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    return {"course": course, "user": user, "client": client, "api": api}


def introduction_questions() -> list[Question]:
    """The Final exam's pool for its first section: what the introduction practice draws."""
    return list(
        Question.objects.filter(section__slug="introduction", course__isnull=True)
        .select_related("current_version")
        .order_by("key")
    )


def use_up_the_final_exam(learner) -> None:
    """The learner takes (and submits, blank) both attempts the Final exam allows."""
    final = Quiz.objects.get(key="final-exam")
    for _ in range(final.max_attempts):
        attempt = attempt_start(quiz=final, user=learner["user"], course=learner["course"])
        attempt_submit(attempt_id=attempt.pk, user=learner["user"])


def test_practice_attempts_never_reveal_a_protected_exam_key(learner):
    client, api, course = learner["client"], learner["api"], learner["course"]
    practice = Quiz.objects.get(key="practice-introduction")
    questions = introduction_questions()
    seen_pages, seen_documents = [], []
    for _ in range(BLANK_ATTEMPTS):
        client.post(reverse("quizzes:quiz_start", args=[course.slug, practice.pk]))
        attempt = Attempt.objects.get(user=learner["user"], quiz=practice, state="in_progress")
        client.post(reverse("quizzes:attempt_submit", args=[attempt.pk]))
        review = client.get(reverse("quizzes:attempt_review", args=[attempt.pk]))
        assert review.status_code == 200
        seen_pages.append(review.content.decode())
        seen_documents.append(api.get(f"{API}/attempts/{attempt.pk}/").json())
    drawn = {q["id"] for document in seen_documents for q in document["questions"]}
    assert len(drawn) == len(questions)  # every question of the pool came up, blank
    for page in seen_pages:
        assert_no_key(page, questions)
        assert "Right answer" not in page and "Explanation" not in page
        assert "Result hidden for now" in page and "“Final exam” is closed to you" in page
    for document in seen_documents:
        assert document["score"] == "0.00" and document["review_available"] is True
        for question in document["questions"]:
            assert question["review"] == {
                "state": "withheld",
                "score": None,
                "max_mark": "1.00",
                "correct": [],
                "explanation": "",
                "source_quote": "",
                "feedback": [],
            }
        assert_no_key(json.dumps(document).replace('"correct": []', ""), questions)


def test_a_protected_practice_question_takes_no_check_on_the_page_or_the_api(learner):
    client, api = learner["client"], learner["api"]
    practice = Quiz.objects.get(key="practice-introduction")
    started = api.post(f"{API}/quizzes/{practice.pk}/attempts/", {}, format="json").json()
    attempt = Attempt.objects.get(pk=started["id"])
    response = attempt.responses.select_related("question_version").first()
    page = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert 'data-role="check"' not in page and 'data-role="withheld"' in page
    for answer in (key_answer(response.question_version), wrong_answer(response.question_version)):
        reply = api.post(
            f"{API}/attempts/{attempt.pk}/answers/{response.question_id}/check/",
            {"answer": answer},
            format="json",
        )
        assert reply.status_code == 400
        assert reply.json()["error"]["code"] == "feedback_withheld"
    posted = client.post(
        reverse("quizzes:attempt_check", args=[attempt.pk]),
        {"question": response.question_id},
        HTTP_ACCEPT="application/json",
    )
    assert posted.status_code == 400 and posted.json()["code"] == "feedback_withheld"
    response.refresh_from_db()
    assert response.state == ResponseState.UNANSWERED and not response.steps.exists()


def test_once_the_learner_is_done_with_the_exam_practice_shows_keys_again(learner):
    use_up_the_final_exam(learner)
    client, course = learner["client"], learner["course"]
    practice = Quiz.objects.get(key="practice-introduction")
    client.post(reverse("quizzes:quiz_start", args=[course.slug, practice.pk]))
    attempt = Attempt.objects.get(user=learner["user"], quiz=practice)
    page = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert 'data-role="check"' in page
    client.post(reverse("quizzes:attempt_submit", args=[attempt.pk]))
    review = client.get(reverse("quizzes:attempt_review", args=[attempt.pk])).content.decode()
    assert "Right answer" in review and "Result hidden" not in review


def due_cards(learner) -> list[dict]:
    course = learner["course"]
    reply = learner["api"].get(f"{API}/courses/{course.pk}/flashcards/due/", {"page_size": 500})
    return reply.json()["results"]


def test_flashcards_never_show_a_protected_exam_key(learner):
    client, course, user = learner["client"], learner["course"], learner["user"]
    questions = introduction_questions()
    # Cards made from a reviewed attempt at an unprotected quiz of the Final's questions.
    quiz = fixed_quiz(questions, article=course.article, mode="practice", exam_protection="open")
    attempt = make_attempt(quiz=quiz, user=user, course=course, questions=questions)
    attempt.responses.update(state=ResponseState.WRONG, fraction=0, score=0)
    attempt.state, attempt.submitted_at, attempt.score = "submitted", timezone.now(), 0
    attempt.save()
    assert study_cards_from_attempt(attempt=attempt) == len(questions)
    ReviewCard.objects.filter(user=user).update(due=timezone.now() - timedelta(minutes=1))
    page = client.get(reverse("quizzes:flashcards", args=[course.slug])).content.decode()
    cards = due_cards(learner)
    assert {card["kind"] for card in cards} == {CardKind.CONCEPT}
    assert f"{len(cards)} cards due" in page
    # Concept cards may share words with an answer (a glossary term): look for the questions.
    shown = page + json.dumps(cards)
    for question in questions:
        version = question.current_version
        assert version.stem[:40] not in shown and version.explanation[:40] not in shown
    progress = learner["api"].get(f"{API}/courses/{course.pk}/progress/").json()
    assert progress["due_count"] == len(cards)
    # The learner has used both exam attempts: the question cards come back.
    use_up_the_final_exam(learner)
    fronts = {card["front"] for card in due_cards(learner) if card["kind"] == CardKind.QUESTION}
    assert fronts >= {q.current_version.stem for q in questions}


def test_flashcard_shows_the_version_the_learner_reviewed(learner):
    client, course, user = learner["client"], learner["course"], learner["user"]
    # A question of the course's own bank, which the shared Final exam never draws.
    section = course.article.sections.get(position=2)
    question = make_question(
        section, stem="Which year did it pass?", explanation="In 1995, it says.", course=course
    )
    reviewed = question.current_version
    quiz = fixed_quiz([question], mode="practice", exam_protection="open")
    attempt = attempt_start(quiz=quiz, user=user, course=course)
    api = learner["api"]
    api.put(
        f"{API}/attempts/{attempt.pk}/answers/{question.pk}/",
        {"answer": wrong_answer(reviewed)},
        format="json",
    )
    attempt_submit(attempt_id=attempt.pk, user=user)
    study_cards_from_attempt(attempt=Attempt.objects.get(pk=attempt.pk))
    # The instructor rewrites the question for an exam: a new stem and a new key.
    rewritten = question_revise(
        question=question,
        stem="Which year did the new law pass?",
        data={"choices": [{"text": "2023", "correct": True}, {"text": "1995"}, {"text": "2002"}]},
        explanation="In 2023.",
    )
    assert rewritten != reviewed and rewritten.question.current_version == rewritten
    ReviewCard.objects.filter(user=user).update(due=timezone.now() + timedelta(days=1))
    ReviewCard.objects.filter(user=user, question=question).update(due=timezone.now())
    card = due_cards(learner)[0]
    assert card["front"] == "Which year did it pass?" and card["back"] == ["1995"]
    assert card["explanation"] == "In 1995, it says."
    page = client.get(reverse("quizzes:flashcards", args=[course.slug])).content.decode()
    assert "Which year did it pass?" in page and "<li>1995</li>" in page
    assert "new law" not in page and "<li>2023</li>" not in page
