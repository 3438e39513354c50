"""Exam integrity: practice quizzes and flashcards never hand out the keys of a graded quiz's
questions before it is closed to the learner (issue #11, items 6 and 7), and keep their
feedback on every other question.

The shipped Final exam draws only questions tagged `exam` (per section, the one also tagged
`exam-anchor` and one of those of difficulty 2) and is "exam only": practice quizzes never
draw them. Tests of "key-free practice" set it to key-free, so
the practice quizzes draw the exam's questions too and must show them without a key.
"""

from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from quizzes.content_checks import ANCHOR_TAG
from quizzes.models import (
    Attempt,
    CardKind,
    ExamProtection,
    Question,
    Quiz,
    ResponseState,
    ReviewCard,
    Section,
)
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.authoring import question_revise
from quizzes.services.quiz_assembly import quiz_pick_questions
from quizzes.services.study import study_cards_from_attempt
from quizzes.tagging import EXAM_TAG
from tests.factories import (
    course_with_learner,
    fixed_quiz,
    key_answer,
    make_attempt,
    make_question,
    wrong_answer,
)
from tests.key_leaks import secrets_of, visible_texts

pytestmark = pytest.mark.django_db

API = "/api/v1"
BLANK_ATTEMPTS = 17  # what the attack in issue #11 needed to collect all 18 exam keys
WITHHELD_REVIEW = {
    "state": "withheld",
    "score": None,
    "max_mark": "0.00",  # asked unmarked: no total tells its result
    "correct": [],
    "explanation": "",
    "source_quote": "",
    "feedback": [],
}


@pytest.fixture
def learner(client):
    """A learner of a course on the shipped article, signed in to the pages and the API."""
    course, user = course_with_learner()
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    return {"course": course, "user": user, "client": client, "api": api}


@pytest.fixture
def final_exam_key_free(db):
    """The shipped Final exam as "key-free practice": practice quizzes draw its questions too."""
    Quiz.objects.filter(key="final-exam").update(exam_protection=ExamProtection.KEY_FREE)


def introduction_questions(*, exam: bool) -> list[Question]:
    """The introduction's shared questions the Final exam may draw (`exam`) or may not."""
    questions = Question.objects.filter(section__slug="introduction", course__isnull=True)
    tagged = questions.filter(tags__name=EXAM_TAG)
    chosen = tagged if exam else questions.exclude(pk__in=tagged)
    return list(chosen.select_related("current_version").order_by("key"))


def assert_no_secret_of(text: str, questions: list[Question], shown: list[Question]) -> None:
    """None of these questions' keys, explanations or feedback is in `text` (unless it is also
    something a learner sees anyway, such as an option of a question on the same page)."""
    lowered, seen = text.casefold(), " ".join(visible_texts(q) for q in shown)
    for question in questions:
        for secret in secrets_of(question):
            if secret.casefold() not in seen:
                assert secret.casefold() not in lowered, f"{question.key} leaks {secret!r}"


def use_up_the_final_exam(learner) -> None:
    """The learner takes (and submits, blank) both attempts the Final exam allows."""
    final = Quiz.objects.get(key="final-exam")
    for _ in range(final.max_attempts):
        attempt = attempt_start(quiz=final, user=learner["user"], course=learner["course"])
        attempt_submit(attempt_id=attempt.pk, user=learner["user"])


def test_practice_keeps_feedback_on_questions_the_final_exam_cannot_draw(learner):
    client, api, course = learner["client"], learner["api"], learner["course"]
    practice = Quiz.objects.get(key="practice-introduction")
    free = {q.pk: q for q in introduction_questions(exam=False)}
    client.post(reverse("quizzes:quiz_start", args=[course.slug, practice.pk]))
    attempt = Attempt.objects.get(user=learner["user"], quiz=practice)
    responses = list(attempt.responses.select_related("question_version"))
    # Ten asked, ten the exam cannot draw: no exam-tagged question, and each may be checked.
    assert {r.question_id for r in responses} == set(free)
    for page_number in (1, len(free)):
        page = client.get(reverse("quizzes:attempt", args=[attempt.pk]), {"page": page_number})
        assert 'data-role="check"' in page.content.decode()
        assert 'data-role="withheld"' not in page.content.decode()
    first, second = responses[0], responses[1]
    checks = f"{API}/attempts/{attempt.pk}/answers"
    right = api.post(
        f"{checks}/{first.question_id}/check/",
        {"answer": key_answer(first.question_version)},
        format="json",
    )
    assert right.status_code == 200 and right.json()["state"] == "correct"
    wrong = api.post(
        f"{checks}/{second.question_id}/check/",
        {"answer": wrong_answer(second.question_version)},
        format="json",
    )
    assert wrong.status_code == 200 and wrong.json()["state"] == "wrong"
    client.post(reverse("quizzes:attempt_submit", args=[attempt.pk]))
    review = client.get(reverse("quizzes:attempt_review", args=[attempt.pk])).content.decode()
    assert review.count("Right answer") == len(free) and "Result hidden" not in review
    document = api.get(f"{API}/attempts/{attempt.pk}/").json()
    for question in document["questions"]:
        assert question["review"]["state"] != "withheld" and question["review"]["correct"]
        assert question["review"]["explanation"] == free[question["id"]].current_version.explanation


def test_no_practice_quiz_draws_a_question_the_final_exam_keeps(learner):
    exam_ids = set(
        Question.objects.filter(tags__name=EXAM_TAG, course__isnull=True).values_list(
            "pk", flat=True
        )
    )
    # Nine anchors and at least four medium questions a section; each one the Final can draw.
    assert len(exam_ids) >= 9 * 5
    assert exam_ids == set(
        Question.objects.filter(pk__in=exam_ids)
        .filter(Q(tags__name=ANCHOR_TAG) | Q(difficulty=2))
        .values_list("pk", flat=True)
    )
    for practice in Quiz.objects.filter(mode="practice", key__startswith="practice-"):
        for seed in range(5):
            picks = quiz_pick_questions(
                quiz=practice,
                rng=random.Random(seed),
                course=learner["course"],
                learner_id=learner["user"].pk,
            )
            assert len(picks) == 10, practice.key  # every practice quiz still fills its count
            assert not {p.question_id for p in picks} & exam_ids, practice.key


def test_the_final_exam_draws_each_sections_anchor_and_one_medium_exam_question(learner):
    final = Quiz.objects.get(key="final-exam")
    attempt = attempt_start(quiz=final, user=learner["user"], course=learner["course"])
    drawn = list(attempt.responses.select_related("question__section"))
    assert len(drawn) == 18
    assert all(r.question.tags.filter(name=EXAM_TAG).exists() for r in drawn)
    anchors = [r for r in drawn if r.question.tags.filter(name=ANCHOR_TAG).exists()]
    medium = [r for r in drawn if r not in anchors]
    assert all(r.question.difficulty == 2 for r in medium)
    for group in (anchors, medium):
        assert sorted(r.question.section.slug for r in group) == sorted(
            Section.objects.filter(article=learner["course"].article).values_list("slug", flat=True)
        )


def test_once_the_learner_is_done_with_the_exam_practice_may_draw_its_questions(learner):
    practice = Quiz.objects.get(key="practice-introduction")
    exam_ids = {q.pk for q in introduction_questions(exam=True)}

    def drawn() -> set[int]:
        return {
            pick.question_id
            for seed in range(10)
            for pick in quiz_pick_questions(
                quiz=practice,
                rng=random.Random(seed),
                course=learner["course"],
                learner_id=learner["user"].pk,
            )
        }

    assert not drawn() & exam_ids
    use_up_the_final_exam(learner)
    assert drawn() >= exam_ids


@pytest.mark.usefixtures("final_exam_key_free")
def test_key_free_practice_never_reveals_an_exam_key_and_shows_the_others(learner):
    client, api, course = learner["client"], learner["api"], learner["course"]
    practice = Quiz.objects.get(key="practice-introduction")
    protected = introduction_questions(exam=True)
    protected_ids = {q.pk for q in protected}
    questions = {q.pk: q for q in protected + introduction_questions(exam=False)}
    drawn: set[int] = set()
    for _ in range(BLANK_ATTEMPTS):
        client.post(reverse("quizzes:quiz_start", args=[course.slug, practice.pk]))
        attempt = Attempt.objects.get(user=learner["user"], quiz=practice, state="in_progress")
        client.post(reverse("quizzes:attempt_submit", args=[attempt.pk]))
        page = client.get(reverse("quizzes:attempt_review", args=[attempt.pk]))
        assert page.status_code == 200
        document = api.get(f"{API}/attempts/{attempt.pk}/").json()
        asked = [questions[q["id"]] for q in document["questions"]]
        assert_no_secret_of(page.content.decode(), protected, asked)
        hidden = [q for q in document["questions"] if q["id"] in protected_ids]
        if hidden:
            assert "Result hidden for now" in page.content.decode()
            assert "“Final exam” is closed to you" in page.content.decode()
        for question in document["questions"]:
            drawn.add(question["id"])
            if question["id"] in protected_ids:
                assert question["review"] == WITHHELD_REVIEW
                assert_no_secret_of(json.dumps(question), protected, asked)
            else:
                assert question["review"]["state"] == "gave_up"
                assert question["review"]["correct"]  # the key, as practice gives it
        assert document["score"] == "0.00" and document["review_available"] is True
    assert drawn == set(questions)  # every question of the pool came up, blank


@pytest.mark.usefixtures("final_exam_key_free")
def test_a_key_free_exam_question_takes_no_check_on_the_page_or_the_api(learner):
    client, api = learner["client"], learner["api"]
    protected = introduction_questions(exam=True)[0]
    free = introduction_questions(exam=False)[0]
    practice = fixed_quiz(
        [protected, free],
        article=learner["course"].article,
        mode="practice",
        layout="all_on_one_page",
    )
    started = api.post(f"{API}/quizzes/{practice.pk}/attempts/", {}, format="json").json()
    attempt = Attempt.objects.get(pk=started["id"])
    response = attempt.responses.select_related("question_version").get(question=protected)
    page = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert page.count('data-role="check"') == 1 and page.count('data-role="withheld"') == 1
    for answer in (key_answer(response.question_version), wrong_answer(response.question_version)):
        reply = api.post(
            f"{API}/attempts/{attempt.pk}/answers/{protected.pk}/check/",
            {"answer": answer},
            format="json",
        )
        assert reply.status_code == 400
        assert reply.json()["error"]["code"] == "feedback_withheld"
    posted = client.post(
        reverse("quizzes:attempt_check", args=[attempt.pk]),
        {"question": protected.pk},
        HTTP_ACCEPT="application/json",
    )
    assert posted.status_code == 400 and posted.json()["error"]["code"] == "feedback_withheld"
    response.refresh_from_db()
    assert response.state == ResponseState.UNANSWERED and not response.steps.exists()
    checked = api.post(
        f"{API}/attempts/{attempt.pk}/answers/{free.pk}/check/",
        {"answer": key_answer(free.current_version)},
        format="json",
    )
    assert checked.status_code == 200 and checked.json()["state"] == "correct"


def test_a_practice_quiz_that_fixes_an_exam_question_shows_it_without_a_key(learner):
    """Exam only keeps the question out of practice pools; a fixed slot still asks it, key-free."""
    client, api = learner["client"], learner["api"]
    protected = introduction_questions(exam=True)[0]
    practice = fixed_quiz([protected], article=learner["course"].article, mode="practice")
    started = api.post(f"{API}/quizzes/{practice.pk}/attempts/", {}, format="json").json()
    reply = api.post(
        f"{API}/attempts/{started['id']}/answers/{protected.pk}/check/",
        {"answer": key_answer(protected.current_version)},
        format="json",
    )
    assert reply.status_code == 400 and reply.json()["error"]["code"] == "feedback_withheld"
    client.post(reverse("quizzes:attempt_submit", args=[started["id"]]))
    review = client.get(reverse("quizzes:attempt_review", args=[started["id"]])).content.decode()
    assert "Result hidden for now" in review and "Right answer" not in review
    assert_no_secret_of(review, [protected], [protected])
    # Its one question is unmarked: no "1 / 1" tells the learner it was right.
    assert "No question of this attempt carries a mark." in review and "1 / 1" not in review


@pytest.mark.usefixtures("final_exam_key_free")
def test_a_key_free_exam_questions_result_shows_in_no_total_grade_or_mastery(learner):
    """The review hides the exam question's result; the attempt's total, the attempt lists and
    the section's mastery must not tell it either (they count it for nothing)."""
    client, api, course = learner["client"], learner["api"], learner["course"]
    protected = introduction_questions(exam=True)[0]
    free = introduction_questions(exam=False)[0]
    practice = fixed_quiz([protected, free], article=course.article, mode="practice")
    started = api.post(f"{API}/quizzes/{practice.pk}/attempts/", {}, format="json").json()
    attempt_id = started["id"]
    for question, answer in (
        (protected, key_answer(protected.current_version)),
        (free, wrong_answer(free.current_version)),
    ):
        saved = api.put(
            f"{API}/attempts/{attempt_id}/answers/{question.pk}/", {"answer": answer}, format="json"
        )
        assert saved.status_code == 200
    result = api.post(f"{API}/attempts/{attempt_id}/submit/").json()
    assert (result["score"], result["max_score"], result["percent"]) == ("0.00", "1.00", "0.00")
    assert result["passed"] is False
    document = api.get(f"{API}/attempts/{attempt_id}/").json()
    assert (document["score"], document["max_score"]) == ("0.00", "1.00")
    (listed,) = api.get(f"{API}/attempts/", {"quiz": practice.pk}).json()["results"]
    assert (listed["score"], listed["max_score"]) == ("0.00", "1.00")
    review = client.get(reverse("quizzes:attempt_review", args=[attempt_id])).content.decode()
    assert "0 / 1" in review and "carries no mark here" in review
    mine = client.get(reverse("quizzes:my_attempts", args=[course.slug])).content.decode()
    assert "0 / 1 (0%)" in mine
    # The right answer to the exam question adds nothing to the introduction's mastery: only
    # the wrong answer to the free question counts.
    progress = api.get(f"{API}/courses/{course.pk}/progress/").json()
    (introduction,) = [s for s in progress["sections"] if s["section"]["slug"] == "introduction"]
    assert introduction["quiz_accuracy"] == 0


@pytest.mark.usefixtures("final_exam_key_free")
def test_once_the_learner_is_done_with_the_exam_practice_shows_keys_again(learner):
    use_up_the_final_exam(learner)
    client, course = learner["client"], learner["course"]
    practice = fixed_quiz(
        introduction_questions(exam=True),
        article=course.article,
        mode="practice",
        layout="all_on_one_page",
    )
    client.post(reverse("quizzes:quiz_start", args=[course.slug, practice.pk]))
    attempt = Attempt.objects.get(user=learner["user"], quiz=practice)
    exam = len(introduction_questions(exam=True))
    page = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert page.count('data-role="check"') == exam and 'data-role="withheld"' not in page
    client.post(reverse("quizzes:attempt_submit", args=[attempt.pk]))
    review = client.get(reverse("quizzes:attempt_review", args=[attempt.pk])).content.decode()
    assert review.count("Right answer") == exam and "Result hidden" not in review


def due_cards(learner) -> list[dict]:
    course = learner["course"]
    reply = learner["api"].get(f"{API}/courses/{course.pk}/flashcards/due/", {"page_size": 500})
    return reply.json()["results"]


def test_flashcards_never_show_a_protected_exam_key(learner):
    client, course, user = learner["client"], learner["course"], learner["user"]
    protected, free = introduction_questions(exam=True), introduction_questions(exam=False)
    questions = protected + free
    # Cards made from a reviewed attempt at an unprotected quiz of the section's questions.
    quiz = fixed_quiz(questions, article=course.article, mode="practice", exam_protection="open")
    attempt = make_attempt(quiz=quiz, user=user, course=course, questions=questions)
    attempt.responses.update(state=ResponseState.WRONG, fraction=0, score=0)
    attempt.state, attempt.submitted_at, attempt.score = "submitted", timezone.now(), 0
    attempt.save()
    assert study_cards_from_attempt(attempt=attempt) == len(questions)
    ReviewCard.objects.filter(user=user).update(due=timezone.now() - timedelta(minutes=1))
    page = client.get(reverse("quizzes:flashcards", args=[course.slug])).content.decode()
    cards = due_cards(learner)
    fronts = {card["front"] for card in cards if card["kind"] == CardKind.QUESTION}
    assert fronts == {q.current_version.stem for q in free}  # the practice ones stay
    assert f"{len(cards)} cards due" in page
    # Concept cards may share words with an answer (a glossary term): look for the questions.
    shown = page + json.dumps(cards)
    for question in protected:
        version = question.current_version
        assert version.stem[:40] not in shown and version.explanation[:40] not in shown
    progress = learner["api"].get(f"{API}/courses/{course.pk}/progress/").json()
    assert progress["due_count"] == len(cards)
    # The learner has used both exam attempts: the exam's question cards come back.
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
        actor=None,
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
