"""Hostile input through the staff pages: a clear 4xx or a form error, never a 500, a silent
clamp or a change.

Most of the staff pages already refuse what was tried here (numbers out of range, NaN,
malformed dates, other courses' ids, tampered management forms); these tests pin the ones that
did not.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes.models import Quiz
from quizzes.views.teach.slot_forms import MAX_SLOTS
from tests.quiz_builder_fixtures import post_data, shared_questions

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("total", [str(MAX_SLOTS - 1), str(10**9), str(10**30)])
def test_adding_rows_to_a_tampered_slot_count_offers_no_more_rows_than_a_quiz_may_have(
    teacher_client, course, total
):
    """ "Add rows" with TOTAL_FORMS forged high drew up to Django's own ceiling (1,100 rows,
    each a list of the whole bank) that could never be saved (a quiz has at most 100 slots)."""
    data = post_data({"title": "Draft"}, [{"kind": "fixed", "question": shared_questions(1)[0].pk}])
    data["slots-TOTAL_FORMS"] = total
    data["add_rows"] = "1"
    reply = teacher_client.post(reverse("teach:quiz_new", args=[course.slug]), data)
    assert reply.status_code == 200
    formset = reply.context["formset"]
    assert len(formset.forms) == MAX_SLOTS
    # The count the page posts back is one the builder can save.
    assert formset.management_form["TOTAL_FORMS"].value() == str(MAX_SLOTS)
    assert not Quiz.objects.filter(course=course).exists()


def test_saving_a_forged_slot_count_is_a_form_error_and_builds_no_more_rows_than_slots(
    teacher_client, course
):
    data = post_data(
        {"title": "Forged"}, [{"kind": "fixed", "question": shared_questions(1)[0].pk}]
    )
    data["slots-TOTAL_FORMS"] = str(10**9)
    reply = teacher_client.post(reverse("teach:quiz_new", args=[course.slug]), data)
    assert reply.status_code == 200
    formset = reply.context["formset"]
    assert [e.code for e in formset.non_form_errors().as_data()] == ["too_many_forms"]
    assert len(formset.forms) == MAX_SLOTS
    assert not Quiz.objects.filter(course=course).exists()
