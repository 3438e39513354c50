"""The builder's pool tag: a pool may draw only the questions with a tag (issue #11 item 6)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes.models import Question, Quiz, Tag
from quizzes.services.attempts import attempt_start
from quizzes.services.quiz_building import SlotSpec, quiz_create, quiz_duplicate
from quizzes.services.quiz_rules import QuizInvalid
from tests.factories import CourseFactory, enrol, make_question
from tests.quiz_builder_fixtures import (
    EXAM_QUESTIONS,
    RULES,
    SECTIONS,
    first_section,
    post_data,
    shared_questions,
)

pytestmark = pytest.mark.django_db


def exam_tag() -> Tag:
    return Tag.objects.get(name="exam")


def test_an_instructor_builds_a_pool_of_the_exam_questions_of_a_section(
    teacher_client, course, instructor
):
    section = first_section()
    page = teacher_client.get(reverse("teach:quiz_new", args=[course.slug])).content.decode()
    assert "Pool: tag" in page and f'<option value="{exam_tag().pk}">exam</option>' in page
    exam = set(
        Question.objects.filter(section=section, tags=exam_tag()).values_list("pk", flat=True)
    )
    row = {"kind": "random", "pool_section": section.pk, "pool_tag": exam_tag().pk}
    reply = teacher_client.post(
        reverse("teach:quiz_new", args=[course.slug]),
        post_data({"title": "Section test"}, [{**row, "pool_count": len(exam)}]),
    )
    assert reply.status_code == 302
    quiz = Quiz.objects.get(course=course, title="Section test")
    assert quiz.slots.get().pool_tag == exam_tag()
    edit = teacher_client.get(reply["Location"])
    assert edit.context["formset"].forms[0]["pool_tag"].value() == exam_tag().pk
    learner = enrol(course)
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    assert len(exam) == EXAM_QUESTIONS  # the section's anchor and its medium exam questions
    assert set(attempt.responses.values_list("question_id", flat=True)) == exam


def test_a_tag_pool_too_small_for_its_count_is_an_error_on_its_count(teacher_client, course):
    section = first_section()
    exam = Question.objects.filter(section=section, tags=exam_tag()).count()
    row = {"kind": "random", "pool_section": section.pk, "pool_tag": exam_tag().pk}
    reply = teacher_client.post(
        reverse("teach:quiz_new", args=[course.slug]),
        post_data({}, [{**row, "pool_count": exam + 1}]),
    )
    assert reply.context["formset"].forms[0].errors["pool_count"] == [
        f"Only {exam} published questions match this pool (fixed questions of this quiz not "
        f"counted); it cannot draw {exam + 1}."
    ]
    assert not Quiz.objects.filter(course=course).exists()


def test_a_fixed_slot_takes_no_pool_tag(teacher_client, course):
    question = shared_questions(1)[0]
    row = {"kind": "fixed", "question": question.pk, "pool_tag": exam_tag().pk}
    reply = teacher_client.post(reverse("teach:quiz_new", args=[course.slug]), post_data({}, [row]))
    assert reply.context["formset"].forms[0].has_error("pool_tag", "fixed_has_pool")


def test_another_courses_tag_is_not_offered_and_not_accepted(teacher_client, course, instructor):
    other = CourseFactory(article=course.article)
    make_question(first_section(), course=other, tags=["their-secret"])
    secret = Tag.objects.get(name="their-secret")
    page = teacher_client.get(reverse("teach:quiz_new", args=[course.slug])).content.decode()
    assert "their-secret" not in page
    row = {"kind": "random", "pool_tag": secret.pk, "pool_count": 1}
    reply = teacher_client.post(reverse("teach:quiz_new", args=[course.slug]), post_data({}, [row]))
    assert reply.context["formset"].forms[0].has_error("pool_tag", "invalid_choice")
    # The service says the same to any caller that skips the form.
    with pytest.raises(QuizInvalid) as error:
        quiz_create(
            course=course,
            actor=instructor,
            fields=RULES,
            slots=[SlotSpec(kind="random", pool_tag_id=secret.pk)],
        )
    assert [(p.field, p.code) for p in error.value.problems] == [("pool_tag", "pool_tag")]


def test_duplicating_the_final_exam_keeps_its_tag_pools(course, instructor, final_exam):
    copy = quiz_duplicate(quiz=final_exam, course=course, actor=instructor)
    anchor = Tag.objects.get(name="exam-anchor")
    # Per section: the anchor every attempt asks, then a medium exam question drawn at random.
    assert [
        (s.pool_tag_id, s.pool_difficulty, s.pool_count) for s in copy.slots.order_by("position")
    ] == [(anchor.pk, None, 1), (exam_tag().pk, 2, 1)] * SECTIONS
    assert copy.exam_protection == "exam_only"


def test_an_edit_page_keeps_a_pool_tag_no_question_has_any_more(teacher_client, course, instructor):
    question = make_question(first_section(), course=course, tags=["week-9"])
    week = Tag.objects.get(name="week-9")
    quiz = quiz_create(
        course=course,
        actor=instructor,
        fields=RULES,
        slots=[SlotSpec(kind="random", pool_tag_id=week.pk)],
    )
    question.tags.clear()
    edit = reverse("teach:quiz_edit", args=[course.slug, quiz.pk])
    page = teacher_client.get(edit).content.decode()
    # Still offered and chosen: a select without it would quietly save "any tag".
    assert f'<option value="{week.pk}" selected>week-9</option>' in page
    row = {"kind": "random", "pool_tag": week.pk, "pool_count": 1, "ORDER": 1}
    reply = teacher_client.post(edit, post_data({}, [row], initial=1))
    assert reply.context["formset"].forms[0].has_error("pool_count", "pool_short")
    assert quiz.slots.get().pool_tag == week
