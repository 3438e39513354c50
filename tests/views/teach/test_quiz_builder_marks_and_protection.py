"""The builder's rules on marks (they must fit an attempt) and its exam protection choice."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from quizzes.models import Attempt, ExamProtection, Question, Quiz
from quizzes.services.attempts import attempt_start
from quizzes.services.quiz_building import SlotSpec, quiz_create, quiz_duplicate
from quizzes.services.quiz_rules import MAX_TOTAL, QuizInvalid
from tests.factories import ArticleFactory, SectionFactory, enrol, make_question
from tests.quiz_builder_fixtures import (
    FINAL_EXAM,
    PRACTICE,
    PRACTICE_DRAW,
    RULES,
    fill_bank,
    fixed,
    post_data,
    shared_questions,
)

pytestmark = pytest.mark.django_db

ANY_POOL = "random"


def codes(error) -> list[tuple[str, str, int | None]]:
    return [(p.field, p.code, p.slot) for p in error.value.problems]


def whole_bank_pool(mark: str) -> SlotSpec:
    """A pool of the whole shared bank (126 questions: `fill_bank(126)`) at one mark each."""
    return SlotSpec(kind=ANY_POOL, pool_count=126, mark=Decimal(mark))


def test_the_builder_refuses_a_total_mark_an_attempt_cannot_hold(course, instructor):
    fill_bank(126)
    # 126 × 7,937 = 1,000,062: past what an attempt's score holds (999,999.99).
    with pytest.raises(QuizInvalid) as error:
        quiz_create(course=course, actor=instructor, fields=RULES, slots=[whole_bank_pool("7937")])
    assert codes(error) == [("", "total_too_big", None)]
    assert "1000062" in error.value.problems[0].message and str(MAX_TOTAL) in str(error.value)
    assert not Quiz.objects.filter(course=course).exists()
    # Just under the limit is a quiz learners can start.
    quiz = quiz_create(
        course=course, actor=instructor, fields=RULES, slots=[whole_bank_pool("7936")]
    )
    learner = enrol(course)
    assert attempt_start(quiz=quiz, user=learner, course=course).max_score == Decimal(999936)


@pytest.mark.parametrize(
    ("mark", "code"),
    [
        ("10000", "mark_too_big"),
        ("0.001", "mark_places"),
        ("0", "mark_positive"),
        ("NaN", "mark_positive"),
    ],
)
def test_a_slot_mark_that_its_columns_cannot_hold_is_an_error_on_that_slot(
    course, instructor, mark, code
):
    question = shared_questions(1)[0]
    slots = [SlotSpec(kind="fixed", question_id=question.pk, mark=Decimal(mark))]
    with pytest.raises(QuizInvalid) as error:
        quiz_create(course=course, actor=instructor, fields=RULES, slots=slots)
    assert codes(error) == [("mark", code, 0)]


def test_the_builder_page_shows_a_total_too_big_and_saves_nothing(teacher_client, course):
    fill_bank(126)
    rows = [{"kind": "random", "pool_count": 126, "mark": "9999.99"}]
    reply = teacher_client.post(
        reverse("teach:quiz_new", args=[course.slug]), post_data({"title": "Huge"}, rows)
    )
    assert reply.status_code == 200
    assert "The marks add up to 1259998.74" in reply.content.decode()
    assert not Quiz.objects.filter(title="Huge").exists()
    assert not Attempt.objects.exists()


def test_pools_count_only_questions_of_the_quizs_article_as_attempts_draw(course, instructor):
    # A course question filed under another article's section: attempts never draw it, so the
    # builder must not count it either.
    make_question(SectionFactory(article=ArticleFactory()), course=course)
    shared = Question.objects.published().filter(course__isnull=True)
    everything = shared.filter(section__article=course.article).count()
    assert shared.count() > everything  # other articles' shared questions are not counted
    with pytest.raises(QuizInvalid) as error:
        quiz_create(
            course=course,
            actor=instructor,
            fields=RULES,
            slots=[SlotSpec(kind=ANY_POOL, pool_count=everything + 1)],
        )
    assert codes(error) == [("pool_count", "pool_short", 0)]


def test_new_quizzes_are_protected_and_the_builder_shows_the_choice(teacher_client, course):
    reply = teacher_client.get(reverse("teach:quiz_new", args=[course.slug]))
    page = reply.content.decode()
    assert "Exam protection" in page
    for value, label in ExamProtection.choices:
        assert f'value="{value}"' in page and str(label).split(":")[0] in page
    assert reply.context["form"]["exam_protection"].value() == ExamProtection.KEY_FREE


def test_the_builder_saves_the_protection_chosen_and_a_copy_keeps_it(
    teacher_client, course, instructor
):
    question = shared_questions(1)[0]
    rows = [{"kind": "fixed", "question": question.pk}]
    reply = teacher_client.post(
        reverse("teach:quiz_new", args=[course.slug]),
        post_data({"title": "Exam", "exam_protection": "exam_only"}, rows),
    )
    assert reply.status_code == 302
    quiz = Quiz.objects.get(title="Exam")
    assert quiz.exam_protection == ExamProtection.EXAM_ONLY
    copy = quiz_duplicate(quiz=quiz, course=course, actor=instructor)
    assert copy.exam_protection == ExamProtection.EXAM_ONLY


def test_an_unknown_protection_is_a_field_error(teacher_client, course, instructor):
    question = shared_questions(1)[0]
    reply = teacher_client.post(
        reverse("teach:quiz_new", args=[course.slug]),
        post_data({"exam_protection": "none"}, [{"kind": "fixed", "question": question.pk}]),
    )
    assert reply.status_code == 200
    assert "exam_protection" in reply.context["form"].errors
    with pytest.raises(QuizInvalid) as error:
        quiz_create(
            course=course,
            actor=instructor,
            fields={**RULES, "exam_protection": "none"},
            slots=fixed(question),
        )
    assert codes(error) == [("exam_protection", "bad_choice", None)]


def test_the_quiz_list_shows_each_graded_quizs_protection(teacher_client, course, instructor):
    quiz_create(
        course=course,
        actor=instructor,
        fields={**RULES, "title": "Our exam", "exam_protection": "key_free"},
        slots=fixed(shared_questions(1)[0]),
    )
    page = teacher_client.get(reverse("teach:quizzes", args=[course.slug])).content.decode()
    own, shared = page.split('id="own-quizzes"')[1].split('id="shared-quizzes"')
    assert "key-free practice" in own
    final_row = shared.split(FINAL_EXAM)[1].split("</tr>")[0]
    assert "exam only" in final_row
    practice_row = shared.split(PRACTICE)[1].split("</tr>")[0]
    assert 'data-role="exam-protection"' not in practice_row


def test_previewing_a_practice_review_shows_the_keys_the_final_exam_leaves_to_practice(
    teacher_client, course, practice_quiz
):
    url = reverse("teach:quiz_preview", args=[course.slug, practice_quiz.pk])
    page = teacher_client.get(url, {"review": 1, "seed": 3}).content.decode()
    assert page.count("Right answer") == PRACTICE_DRAW and 'data-role="withheld"' not in page


def test_previewing_a_practice_review_shows_what_learners_get_before_a_key_free_exam(
    teacher_client, course, instructor, final_exam, practice_quiz
):
    # The Final keeps its questions out of practice pools: here it leaves them to "Our exam",
    # which fixes the section's exam questions and lets practice ask them, key-free.
    Quiz.objects.filter(pk=final_exam.pk).update(exam_protection=ExamProtection.OPEN)
    practice = practice_quiz
    exam_questions = Question.objects.filter(section=practice.section, tags__name="exam")
    quiz_create(
        course=course,
        actor=instructor,
        fields={**RULES, "title": "Our exam", "exam_protection": "key_free"},
        slots=fixed(*exam_questions),
    )
    url = reverse("teach:quiz_preview", args=[course.slug, practice.pk])
    # A practice draw (of 7 of the section's 10) shows them without a key, the rest with.
    page = teacher_client.get(url, {"review": 1, "seed": 3}).content.decode()
    withheld = page.count('data-role="withheld"')
    assert withheld >= 1 and page.count("Right answer") == PRACTICE_DRAW - withheld
    assert "Hidden from learners until “Our exam” is closed to them" in page
