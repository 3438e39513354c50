"""The builder's pages make a fixed number of queries, whether a quiz has 2 slots or 40."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes.models import Quiz
from quizzes.services.quiz_building import SlotSpec, quiz_create
from tests.factories import SectionFactory
from tests.quiz_builder_fixtures import (
    RULES,
    fill_bank,
    first_section,
    fixed,
    post_data,
    shared_questions,
)

pytestmark = pytest.mark.django_db

LIST_QUERIES = 6
EDIT_QUERIES = 15  # the bank's questions, their concepts and their tags: one query each
# The rules are checked by the form, then again by the service; the write spends the user's
# "writes" budget in the cache (three queries with the database cache, none with Redis).
SAVE_QUERIES = 29
PREVIEW_QUERIES = 12


@pytest.fixture(params=[2, 40], ids=["2-slots", "40-slots"])
def size(request) -> int:
    return request.param


@pytest.fixture
def quiz(course, instructor, size):
    # 40 shared questions outside the first section for the fixed slots, one pool inside it.
    section = first_section()
    fill_bank(60, section=SectionFactory(article=course.article))
    pool = SlotSpec(kind="random", pool_section_id=section.pk, pool_count=1)
    others = [q for q in shared_questions(200) if q.section_id != section.pk]
    return quiz_create(
        course=course, actor=instructor, fields=RULES, slots=[*fixed(*others[: size - 1]), pool]
    )


def test_the_quiz_list_makes_a_fixed_number_of_queries(
    teacher_client, course, instructor, quiz, size, django_assert_max_num_queries
):
    for n in range(size):  # as many quizzes as slots: the list grows both ways
        quiz_create(
            course=course,
            actor=instructor,
            fields={**RULES, "title": f"Quiz {n}"},
            slots=fixed(*shared_questions(2)),
        )
    with django_assert_max_num_queries(LIST_QUERIES):
        reply = teacher_client.get(reverse("teach:quizzes", args=[course.slug]))
    assert reply.status_code == 200
    shared = Quiz.objects.offered_in(course).filter(course__isnull=True).count()
    assert reply.content.decode().count("Preview<span") == size + 1 + shared


def test_the_edit_page_makes_a_fixed_number_of_queries(
    teacher_client, course, quiz, size, django_assert_max_num_queries
):
    with django_assert_max_num_queries(EDIT_QUERIES):
        reply = teacher_client.get(reverse("teach:quiz_edit", args=[course.slug, quiz.pk]))
    assert reply.status_code == 200
    assert reply.context["formset"].initial_form_count() == size


def slot_row(slot) -> dict:
    """A saved slot as the builder posts it back."""
    if slot.kind == "fixed":
        return {"kind": "fixed", "question": slot.question_id, "ORDER": slot.position}
    return {
        "kind": "random",
        "pool_section": slot.pool_section_id,
        "pool_count": slot.pool_count,
        "ORDER": slot.position,
    }


def test_saving_the_edit_page_makes_a_fixed_number_of_queries(
    teacher_client, course, quiz, size, django_assert_max_num_queries
):
    rows = [slot_row(s) for s in quiz.slots.order_by("position")]
    data = post_data({"title": "Saved"}, rows, initial=size)
    with django_assert_max_num_queries(SAVE_QUERIES):
        reply = teacher_client.post(reverse("teach:quiz_edit", args=[course.slug, quiz.pk]), data)
    assert reply.status_code == 302
    assert quiz.slots.count() == size


def test_the_preview_makes_a_fixed_number_of_queries(
    teacher_client, course, quiz, size, django_assert_max_num_queries
):
    url = reverse("teach:quiz_preview", args=[course.slug, quiz.pk])
    for query in ("", "?review=1"):
        with django_assert_max_num_queries(PREVIEW_QUERIES):
            assert teacher_client.get(url + query).status_code == 200
