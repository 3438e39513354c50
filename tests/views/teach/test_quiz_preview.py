"""Previewing a quiz as a learner: the learner's widgets or the review, and nothing recorded."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from quizzes.models import Attempt, Question, Quiz, Response, ResponseStep
from quizzes.services.quiz_building import SlotSpec, quiz_create
from tests.quiz_builder_fixtures import RULES, first_section, fixed, shared_questions

pytestmark = pytest.mark.django_db

TYPES = [
    "single_choice",
    "multiple_response",
    "true_false",
    "short_answer",
    "numeric",
    "matching",
    "ordering",
]


def preview_url(course, quiz: Quiz, query: str = "") -> str:
    return reverse("teach:quiz_preview", args=[course.slug, quiz.pk]) + query


def one_of_each_type() -> list[Question]:
    picked: dict[str, Question] = {}
    for question in shared_questions(100):
        picked.setdefault(question.qtype, question)
    assert sorted(picked) == sorted(TYPES)
    return [picked[t] for t in TYPES]


@pytest.fixture
def every_type_quiz(course, instructor) -> Quiz:
    return quiz_create(
        course=course, actor=instructor, fields=RULES, slots=fixed(*one_of_each_type())
    )


def row_counts() -> tuple[int, int, int]:
    return Attempt.objects.count(), Response.objects.count(), ResponseStep.objects.count()


def test_previewing_records_no_attempt_response_or_step(
    teacher_client, course, every_type_quiz, final_exam
):
    before = row_counts()
    for query in ("", "?review=1", "?seed=7", "?seed=7&review=1"):
        assert teacher_client.get(preview_url(course, every_type_quiz, query)).status_code == 200
    assert teacher_client.get(preview_url(course, final_exam)).status_code == 200
    assert row_counts() == before


def test_the_preview_shows_every_question_type_with_the_learners_widgets(
    teacher_client, course, every_type_quiz
):
    page = html.unescape(teacher_client.get(preview_url(course, every_type_quiz)).content.decode())
    assert "Preview — nothing is recorded" in page
    assert (
        re.findall(r'class="card mb-3 question preview-question" id="q\d+" data-type="(\w+)"', page)
        == TYPES
    )
    for question in one_of_each_type():
        version = question.current_version
        assert version.stem.split()[0] in page
        if version.qtype in ("single_choice", "multiple_response"):
            assert version.payload["choices"][0]["text"] in page
    assert 'type="checkbox" name="q' in page  # multiple response
    assert 'name="q' in page and "-pair-" in page  # matching
    assert "-pos-" in page  # ordering
    body = page.split('id="preview-banner"')[1].split("</main>")[0]
    assert "<form" not in body  # nothing to submit: the preview is read-only
    for question in one_of_each_type():
        assert question.current_version.explanation not in page


def test_the_review_toggle_shows_right_answers_explanations_and_passages(
    teacher_client, course, every_type_quiz
):
    page = teacher_client.get(preview_url(course, every_type_quiz, "?review=1")).content.decode()
    assert "Preview — nothing is recorded" in page
    assert page.count("Right answer") == len(TYPES)
    for question in one_of_each_type():
        version = question.current_version
        assert version.explanation[:40] in page.replace("&#x27;", "'").replace("&quot;", '"')
        if version.source_quote:
            assert "Read the passage in" in page


def test_the_review_follows_the_quizs_policy_and_says_so(teacher_client, course, instructor):
    quiz = quiz_create(
        course=course,
        actor=instructor,
        fields={**RULES, "review_shows_correct": False, "review_shows_explanation": False},
        slots=fixed(one_of_each_type()[0]),
    )
    page = teacher_client.get(preview_url(course, quiz, "?review=1")).content.decode()
    assert "Right answer" not in page
    assert "The quiz's review hides the right answers" in page


def test_the_preview_says_when_the_right_answers_wait_for_the_last_attempt(
    teacher_client, course, instructor
):
    rules = {**RULES, "max_attempts": 2, "review_key_after_last_attempt": True}
    quiz = quiz_create(
        course=course, actor=instructor, fields=rules, slots=fixed(one_of_each_type()[0])
    )
    page = teacher_client.get(preview_url(course, quiz, "?review=1")).content.decode()
    assert 'id="preview-key-after-last-attempt"' in page and "Right answer" in page
    as_answered = teacher_client.get(preview_url(course, quiz)).content.decode()
    assert 'id="preview-key-after-last-attempt"' not in as_answered


def test_the_same_seed_draws_the_same_questions(teacher_client, course, final_exam):

    def drawn(query: str) -> list[str]:
        page = teacher_client.get(preview_url(course, final_exam, query)).content.decode()
        return re.findall(r'preview-question" id="(q\d+)"', page)

    first = drawn("?seed=42")
    assert first and drawn("?seed=42") == first
    assert drawn("?seed=42&review=1") == first


@pytest.mark.parametrize("query", ["?seed=abc", "?seed=-1", "?seed=99999999999"])
def test_bad_preview_options_are_a_400(teacher_client, course, every_type_quiz, query):
    assert teacher_client.get(preview_url(course, every_type_quiz, query)).status_code == 400


def test_a_pool_that_cannot_be_filled_is_explained_not_a_crash(teacher_client, course, instructor):
    section = first_section()
    size = Question.objects.published().filter(section=section, course__isnull=True).count()
    quiz = quiz_create(
        course=course,
        actor=instructor,
        fields=RULES,
        slots=[SlotSpec(kind="random", pool_section_id=section.pk, pool_count=size)],
    )
    Question.objects.filter(section=section).update(status="archived")
    reply = teacher_client.get(preview_url(course, quiz))
    assert reply.status_code == 409
    assert "a question pool has too few questions" in reply.content.decode()
    assert Attempt.objects.count() == 0
