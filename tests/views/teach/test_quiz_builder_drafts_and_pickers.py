"""New quizzes are drafts; the builder's question picker is searchable and its rows grow in place
(issue #14 item 10)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from quizzes.models import Quiz
from quizzes.services.quiz_building import quiz_create, quiz_defaults
from tests.quiz_builder_fixtures import RULES, fixed, post_data, shared_questions

pytestmark = pytest.mark.django_db


def test_a_quiz_created_without_saying_is_a_draft(course, instructor):
    rules = {k: v for k, v in RULES.items() if k != "is_published"}
    quiz = quiz_create(
        course=course, actor=instructor, fields=rules, slots=fixed(*shared_questions(1))
    )
    assert quiz.is_published is False
    assert not Quiz.objects.published().filter(pk=quiz.pk).exists()


def test_a_quiz_is_published_when_its_author_says_so(course, instructor):
    quiz = quiz_create(
        course=course,
        actor=instructor,
        fields={"title": "Quick check", "is_published": True},
        slots=fixed(*shared_questions(1)),
    )
    assert quiz.is_published is True and quiz.mode == quiz_defaults()["mode"]


def test_the_builder_offers_a_new_quiz_as_a_draft(teacher_client, course):
    html = teacher_client.get(reverse("teach:quiz_new", args=[course.slug])).content.decode()
    box = re.search(r'<input type="checkbox" name="is_published"[^>]*>', html).group(0)
    assert "checked" not in box


def test_a_quiz_saved_from_the_blank_form_stays_unpublished(teacher_client, course):
    data = post_data(
        {"is_published": False},
        rows=[{"kind": "fixed", "question": shared_questions(1)[0].pk}],
    )
    reply = teacher_client.post(reverse("teach:quiz_new", args=[course.slug]), data)
    assert reply.status_code == 302
    assert Quiz.objects.get(course=course).is_published is False


def test_the_question_picker_is_searchable_with_a_plain_select_without_javascript(
    teacher_client, course
):
    html = teacher_client.get(reverse("teach:quiz_new", args=[course.slug])).content.decode()
    select = re.search(r'<select[^>]*name="slots-0-question"[^>]*>', html).group(0)
    assert 'data-picker="search"' in select
    assert "vendor/tom-select/tom-select.complete.min" in html and "kzstudy/pickers" in html


def test_the_builder_carries_a_blank_slot_to_copy_in_place(teacher_client, course):
    html = teacher_client.get(reverse("teach:quiz_new", args=[course.slug])).content.decode()
    template = re.search(r'<template class="empty-row">(.*?)</template>', html, re.S).group(1)
    assert "Slot __number__" in template and 'name="slots-__prefix__-question"' in template
    assert re.search(r'class="[^"]*add-row[^"]*" data-formset="slots" name="add_rows"', html)
