"""The question editor's rows: one radio group for a single-choice key, numbered rows, and
"Add a row" that works without JavaScript (issue #14 item 10)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from quizzes.models import Question
from tests.factories import SectionFactory, course_with_learner, enrol
from tests.views.teach.helpers import THREE_CHOICES, formset, question_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def editing(client):
    section = SectionFactory()
    course, _ = course_with_learner(article=section.article)
    client.force_login(enrol(course, role="instructor"))
    return course, section


def new_url(course, qtype: str = "single_choice") -> str:
    return reverse("teach:question_new", args=[course.slug, qtype])


def test_single_choice_marks_its_answer_with_one_radio_group(client, editing):
    course, _ = editing
    html = client.get(new_url(course)).content.decode()
    radios = re.findall(r'<input type="radio" name="choices-correct" value="(\d+)"', html)
    assert radios == ["0", "1", "2", "3"]
    assert 'type="checkbox" name="choices-0-correct"' not in html


def test_multiple_response_keeps_a_checkbox_per_choice(client, editing):
    course, _ = editing
    html = client.get(new_url(course, "multiple_response")).content.decode()
    assert 'type="checkbox" name="choices-0-correct"' in html
    assert 'name="choices-correct"' not in html


def test_rows_are_numbered_and_the_blank_row_template_numbers_itself(client, editing):
    course, _ = editing
    html = client.get(new_url(course, "ordering")).content.decode()
    assert re.findall(r">Item (\d+)</legend>", html) == ["1", "2"]
    assert ">Item __number__</legend>" in html and 'name="items-__prefix__-text"' in html


def test_editing_a_question_marks_its_right_answer(client, editing):
    course, section = editing
    data = {**question_fields(section), **formset("choices", THREE_CHOICES, correct=1)}
    client.post(new_url(course), data)
    question = Question.objects.get(course=course)
    assert question.current_version.type.correct_texts(question.current_version.payload) == ["2017"]
    html = client.get(
        reverse("teach:question_edit", args=[course.slug, question.pk])
    ).content.decode()
    assert re.search(r'name="choices-correct" value="1"[^>]*checked', html)
    assert not re.search(r'name="choices-correct" value="0"[^>]*checked', html)


def test_two_right_answers_to_a_single_choice_question_are_refused_with_a_form_error(
    client, editing
):
    course, section = editing
    data = {**question_fields(section), **formset("choices", THREE_CHOICES)}
    data["choices-correct"] = ["0", "2"]  # a forged POST: browsers send one radio value
    reply = client.post(new_url(course), data)
    html = reply.content.decode()
    assert reply.status_code == 200 and 'id="choices-errors"' in html
    assert "Mark only one choice as correct" in html
    assert not Question.objects.filter(course=course).exists()


def test_a_single_choice_question_without_a_right_answer_gets_a_form_error(client, editing):
    course, section = editing
    data = {**question_fields(section), **formset("choices", THREE_CHOICES)}
    reply = client.post(new_url(course), data)
    assert "Mark the right answer: choose which choice is correct." in reply.content.decode()
    assert not Question.objects.filter(course=course).exists()


def test_a_right_answer_on_a_blank_row_counts_as_none(client, editing):
    course, section = editing
    data = {**question_fields(section), **formset("choices", THREE_CHOICES, extra=1, correct=3)}
    reply = client.post(new_url(course), data)
    assert "Mark the right answer" in reply.content.decode()
    assert not Question.objects.filter(course=course).exists()


def test_add_a_row_without_javascript_keeps_what_was_typed_and_saves_nothing(client, editing):
    course, section = editing
    data = {
        **question_fields(section, stem=""),
        **formset("items", [{"text": "2009 law"}, {"text": "2017 offense"}]),
        "add_row": "items",
    }
    reply = client.post(new_url(course, "ordering"), data)
    html = reply.content.decode()
    assert reply.status_code == 200
    assert re.findall(r">Item (\d+)</legend>", html) == ["1", "2", "3"]
    assert 'name="items-TOTAL_FORMS" value="3"' in html
    assert 'value="2009 law"' in html and 'value="2017 offense"' in html
    # The blank stem is not an error yet: the author is still writing.
    assert "This field is required" not in html and "alert-danger" not in html
    assert not Question.objects.filter(course=course).exists()


@pytest.mark.parametrize("part", ["nonsense", "tf", "choices-0"])
def test_add_a_row_to_a_part_without_rows_changes_nothing(client, editing, part):
    course, section = editing
    data = {**question_fields(section), **formset("choices", THREE_CHOICES, correct=0)}
    reply = client.post(new_url(course), {**data, "add_row": part})
    assert reply.status_code == 200
    assert 'name="choices-TOTAL_FORMS" value="3"' in reply.content.decode()
    assert not Question.objects.filter(course=course).exists()


def test_a_broken_row_count_is_a_form_error_not_a_crash(client, editing):
    course, section = editing
    data = {**question_fields(section), **formset("items", [{"text": "a"}, {"text": "b"}])}
    data["items-TOTAL_FORMS"] = "many"
    for extra in ({}, {"add_row": "items"}, {"preview": "show"}):
        reply = client.post(new_url(course, "ordering"), {**data, **extra})
        assert reply.status_code == 200
    assert not Question.objects.filter(course=course).exists()


def test_the_concept_list_is_a_searchable_picker_with_a_plain_fallback(client, editing):
    course, _ = editing
    html = client.get(new_url(course)).content.decode()
    select = re.search(r"<select[^>]*name=\"concepts\"[^>]*>", html).group(0)
    assert "multiple" in select and 'data-picker="search"' in select
    assert "vendor/tom-select/tom-select.complete.min" in html
    assert "kzstudy/pickers" in html


@pytest.mark.parametrize("total", ["²", "9" * 5000, "three"])
def test_add_a_row_with_a_malformed_row_count_is_not_a_500_and_saves_nothing(
    client, editing, total
):
    course, section = editing
    data = {**question_fields(section), **formset("choices", THREE_CHOICES, correct=0)}
    data["choices-TOTAL_FORMS"] = total
    grown = client.post(new_url(course), {**data, "add_row": "choices"})
    assert grown.status_code == 200
    saved = client.post(new_url(course), data)
    assert saved.status_code == 200
    assert "ManagementForm data is missing or has been tampered with" in saved.content.decode()
    assert not Question.objects.filter(course=course).exists()
