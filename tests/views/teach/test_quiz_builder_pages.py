"""The quiz builder's pages: list, create, edit, duplicate, and their field errors."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Question, Quiz, QuizSlot
from quizzes.services.attempts import attempt_start
from quizzes.services.quiz_building import quiz_create
from tests.factories import CourseFactory, UserFactory, enrol, make_question
from tests.quiz_builder_fixtures import RULES, first_section, fixed, post_data, shared_questions

pytestmark = pytest.mark.django_db


def url(name: str, course, *args) -> str:
    return reverse(f"teach:{name}", args=[course.slug, *args])


def own_quiz(course, instructor, count: int = 2, **rules) -> Quiz:
    return quiz_create(
        course=course,
        actor=instructor,
        fields={**RULES, **rules},
        slots=fixed(*shared_questions(count)),
    )


def field_errors(response, form: str = "form") -> dict:
    return response.context[form].errors


def test_the_list_shows_own_quizzes_to_edit_and_shared_ones_to_duplicate(
    teacher_client, course, instructor, final_exam
):
    own_quiz(course, instructor, title="Our midterm", is_published=False)
    other = CourseFactory(article=course.article)
    own_quiz(other, UserFactory(is_superuser=True), title="Their quiz")
    page = teacher_client.get(url("quizzes", course)).content.decode()
    own_table, shared_table = page.split('id="own-quizzes"')[1].split('id="shared-quizzes"')
    assert "Our midterm" in own_table and "not published" in own_table
    assert "Final exam" in shared_table and "Duplicate into this course" in shared_table
    assert "Final exam" not in own_table
    assert "Their quiz" not in page
    assert url("quiz_edit", course, final_exam.pk) not in shared_table


def test_site_admins_get_an_edit_link_for_shared_quizzes(client, course, final_exam):
    client.force_login(UserFactory(is_superuser=True))
    page = client.get(url("quizzes", course)).content.decode()
    assert url("quiz_edit", course, final_exam.pk) in page


def test_an_instructor_builds_a_quiz_of_fixed_questions_and_a_pool(teacher_client, course):
    a, b = shared_questions(2)
    section = first_section()
    rows = [
        {"kind": "fixed", "question": a.pk, "mark": "2"},
        {"kind": "random", "pool_section": section.pk, "pool_difficulty": 1, "pool_count": 2},
        {"kind": "fixed", "question": b.pk, "ORDER": 1},
        {},  # a blank row is ignored
    ]
    opens = {"opens_at": "2030-01-01T09:00", "closes_at": "2030-01-02T09:00"}
    reply = teacher_client.post(
        url("quiz_new", course), post_data({"title": "Built", **opens}, rows)
    )
    quiz = Quiz.objects.get(course=course, title="Built")
    assert reply.status_code == 302 and reply["Location"] == url("quiz_edit", course, quiz.pk)
    assert quiz.article == course.article
    assert timezone.localtime(quiz.opens_at).replace(tzinfo=None) == datetime(2030, 1, 1, 9, 0)
    page = teacher_client.get(reply["Location"]).content.decode()
    assert 'value="2030-01-01T09:00"' in page and 'value="2030-01-02T09:00"' in page
    slots = list(
        quiz.slots.order_by("position").values_list(
            "kind", "question_id", "pool_difficulty", "pool_count", "mark"
        )
    )
    assert slots == [
        ("fixed", b.pk, None, 1, Decimal(1)),
        ("fixed", a.pk, None, 1, Decimal(2)),
        ("random", None, 1, 2, Decimal(1)),
    ]


def test_a_quiz_with_no_slots_is_refused_with_a_clear_error(teacher_client, course):
    reply = teacher_client.post(url("quiz_new", course), post_data({}, [{}, {}]))
    assert reply.status_code == 200
    assert "Add at least one fixed question or random pool." in reply.content.decode()
    assert not Quiz.objects.filter(course=course).exists()


def test_closing_before_opening_is_a_field_error(teacher_client, course):
    dates = {"opens_at": "2030-01-02T09:00", "closes_at": "2030-01-01T09:00"}
    rows = [{"kind": "fixed", "question": shared_questions(1)[0].pk}]
    reply = teacher_client.post(url("quiz_new", course), post_data(dates, rows))
    assert field_errors(reply)["closes_at"] == ["The quiz must close after it opens."]
    assert 'id="form-errors"' in reply.content.decode()
    assert not Quiz.objects.filter(course=course).exists()


def test_the_review_fieldset_saves_right_answers_only_after_the_last_attempt(
    teacher_client, course
):
    rows = [{"kind": "fixed", "question": shared_questions(1)[0].pk}]
    waits = {"title": "Two tries", "review_key_after_last_attempt": True}
    refused = teacher_client.post(url("quiz_new", course), post_data(waits, rows))
    assert field_errors(refused)["review_key_after_last_attempt"] == [
        "With unlimited attempts and no close date a learner never has a last attempt, so the "
        "review would never show the right answers: set an attempt limit or a close date."
    ]
    reply = teacher_client.post(
        url("quiz_new", course), post_data({**waits, "max_attempts": 2}, rows)
    )
    quiz = Quiz.objects.get(course=course, title="Two tries")
    assert reply.status_code == 302 and quiz.review_key_after_last_attempt
    page = teacher_client.get(reply["Location"]).content.decode()
    review = page.split("<legend")[4]  # the fieldsets: Quiz, How it runs, When, Review
    assert 'name="review_key_after_last_attempt"' in review
    assert re.search(r'name="review_key_after_last_attempt"[^>]*checked', page)


def test_a_repeated_question_is_an_error_on_its_row(teacher_client, course):
    question = shared_questions(1)[0]
    rows = [{"kind": "fixed", "question": question.pk}, {"kind": "fixed", "question": question.pk}]
    reply = teacher_client.post(url("quiz_new", course), post_data({}, rows))
    formset = reply.context["formset"]
    assert formset.forms[0].errors == {}
    assert formset.forms[1].errors["question"] == ["This question is already in slot 1."]


def test_a_pool_too_small_for_its_count_is_an_error_on_its_count(teacher_client, course):
    section = first_section()
    size = Question.objects.published().filter(section=section, course__isnull=True).count()
    rows = [{"kind": "random", "pool_section": section.pk, "pool_count": size + 1}]
    reply = teacher_client.post(url("quiz_new", course), post_data({}, rows))
    errors = reply.context["formset"].forms[0].errors
    assert errors["pool_count"] == [
        f"Only {size} published questions match this pool (fixed questions of this quiz not "
        f"counted); it cannot draw {size + 1}."
    ]


SHARED = "a question of the shared bank"  # filled in by the test: pks are not known up front


@pytest.mark.parametrize(
    ("row", "field", "code"),
    [
        ({"question": SHARED}, "kind", "slot_kind"),
        ({"kind": "fixed"}, "question", "question_required"),
        ({"kind": "fixed", "question": SHARED, "pool_count": 3}, "pool_count", "fixed_has_pool"),
        ({"kind": "random", "question": SHARED}, "question", "pool_has_question"),
        ({"kind": "random", "pool_difficulty": 4}, "pool_difficulty", "invalid_choice"),
        ({"kind": "fixed", "question": 999999}, "question", "invalid_choice"),
        ({"kind": "fixed", "question": SHARED, "mark": "0"}, "mark", "min_value"),
    ],
)
def test_a_malformed_slot_row_is_an_error_on_its_field(teacher_client, course, row, field, code):
    row = {name: shared_questions(1)[0].pk if v == SHARED else v for name, v in row.items()}
    reply = teacher_client.post(url("quiz_new", course), post_data({}, [row]))
    assert reply.status_code == 200
    assert reply.context["formset"].forms[0].has_error(field, code)
    assert not Quiz.objects.filter(course=course).exists()


def test_another_courses_question_is_not_offered_and_not_accepted(teacher_client, course):
    other = CourseFactory(article=course.article)
    question = make_question(section=first_section(), course=other, stem="Their secret question")
    page = teacher_client.get(url("quiz_new", course)).content.decode()
    assert "Their secret question" not in page
    reply = teacher_client.post(
        url("quiz_new", course), post_data({}, [{"kind": "fixed", "question": question.pk}])
    )
    assert reply.context["formset"].forms[0].has_error("question", "invalid_choice")


def test_the_edit_page_shows_the_slots_and_saves_changes(teacher_client, course, instructor):
    quiz = own_quiz(course, instructor, count=2, title="Before")
    a, b, c = shared_questions(3)
    page = teacher_client.get(url("quiz_edit", course, quiz.pk))
    assert page.context["formset"].initial_form_count() == 2
    rows = [
        {"kind": "fixed", "question": a.pk, "ORDER": 1, "DELETE": "on"},
        {"kind": "fixed", "question": b.pk, "ORDER": 2},
        {"kind": "fixed", "question": c.pk, "mark": "4"},
    ]
    reply = teacher_client.post(
        url("quiz_edit", course, quiz.pk), post_data({"title": "After"}, rows, initial=2)
    )
    assert reply.status_code == 302
    quiz.refresh_from_db()
    assert quiz.title == "After"
    assert list(quiz.slots.values_list("question_id", "mark")) == [
        (b.pk, Decimal(1)),
        (c.pk, Decimal(4)),
    ]


def test_add_more_rows_keeps_what_was_typed_and_saves_nothing(teacher_client, course):
    question = shared_questions(1)[0]
    unfinished = {"pool_count": 3}  # no kind yet: not an error until the quiz is saved
    data = post_data({"title": "Draft"}, [{"kind": "fixed", "question": question.pk}, unfinished])
    data["add_rows"] = "1"
    reply = teacher_client.post(url("quiz_new", course), data)
    assert reply.status_code == 200
    formset = reply.context["formset"]
    assert formset.total_form_count() == 4
    assert formset.forms[0]["question"].value() == str(question.pk)
    assert reply.context["form"]["title"].value() == "Draft"
    assert not Quiz.objects.filter(course=course).exists()
    page = reply.content.decode()
    assert 'id="form-errors"' not in page and "is-invalid" not in page
    assert formset.forms[1]["pool_count"].value() == "3"


def test_the_edit_page_says_started_attempts_keep_their_questions(
    teacher_client, course, instructor
):
    quiz = own_quiz(course, instructor)
    attempt_start(quiz=quiz, user=enrol(course), course=course)
    page = teacher_client.get(url("quiz_edit", course, quiz.pk)).content.decode()
    assert "1 attempt already started keeps its questions and marks" in page


def test_instructors_get_403_when_editing_a_shared_quiz(teacher_client, course, final_exam):
    final = final_exam
    assert teacher_client.get(url("quiz_edit", course, final.pk)).status_code == 403
    data = post_data(
        {"title": "Hijacked"}, [{"kind": "fixed", "question": shared_questions(1)[0].pk}]
    )
    assert teacher_client.post(url("quiz_edit", course, final.pk), data).status_code == 403
    final.refresh_from_db()
    assert final.title != "Hijacked"


def test_site_admins_may_edit_a_shared_quiz(client, course, final_exam):
    client.force_login(UserFactory(is_superuser=True))
    page = client.get(url("quiz_edit", course, final_exam.pk))
    assert page.status_code == 200
    assert "your changes reach every course" in page.content.decode()


def test_quizzes_of_another_course_are_404_on_every_page(teacher_client, course):
    other = CourseFactory(article=course.article)
    theirs = own_quiz(other, UserFactory(is_superuser=True))
    for name in ("quiz_edit", "quiz_preview"):
        assert teacher_client.get(url(name, course, theirs.pk)).status_code == 404
    assert teacher_client.post(url("quiz_duplicate", course, theirs.pk)).status_code == 404
    assert teacher_client.post(url("quiz_edit", course, theirs.pk), post_data()).status_code == 404
    assert Quiz.objects.filter(course=course).count() == 0


def test_duplicating_a_shared_quiz_opens_the_editable_copy(teacher_client, course, final_exam):
    final = final_exam
    reply = teacher_client.post(url("quiz_duplicate", course, final.pk))
    copy = Quiz.objects.get(course=course)
    assert reply["Location"] == url("quiz_edit", course, copy.pk)
    assert copy.slots.count() == final.slots.count()
    page = teacher_client.get(reply["Location"]).content.decode()
    assert "not yet published" in page


def test_duplicating_takes_a_post(teacher_client, course, final_exam):
    assert teacher_client.get(url("quiz_duplicate", course, final_exam.pk)).status_code == 405
    assert not Quiz.objects.filter(course=course).exists()


def test_writes_need_the_csrf_token(course, instructor, final_exam):
    client = Client(enforce_csrf_checks=True)
    client.force_login(instructor)
    quiz = own_quiz(course, instructor)
    final = final_exam
    data = post_data(
        {"title": "Forged"}, [{"kind": "fixed", "question": shared_questions(1)[0].pk}]
    )
    assert client.post(url("quiz_new", course), data).status_code == 403
    assert client.post(url("quiz_edit", course, quiz.pk), data).status_code == 403
    assert client.post(url("quiz_duplicate", course, final.pk)).status_code == 403
    assert not Quiz.objects.filter(title__startswith="Forged").exists()
    assert Quiz.objects.filter(course=course).count() == 1
    assert QuizSlot.objects.filter(quiz=quiz).count() == 2


def test_a_tampered_management_form_is_an_error_not_a_crash(teacher_client, course):
    data = post_data({}, [{"kind": "fixed", "question": shared_questions(1)[0].pk}])
    data["slots-TOTAL_FORMS"] = "many"
    for extra in ({}, {"add_rows": "1"}):
        reply = teacher_client.post(url("quiz_new", course), {**data, **extra})
        assert reply.status_code == 200
    assert not Quiz.objects.filter(course=course).exists()
