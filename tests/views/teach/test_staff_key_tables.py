"""The staff's table of each question as the learner saw it is drawn by the question type's
own template (`staff_template`): choices with picked and key, matching with each match, ordering
with each position."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from quizzes.services.attempts import answers_save, attempt_start, attempt_submit
from tests.factories import course_with_learner, enrol, fixed_quiz, make_question

pytestmark = pytest.mark.django_db


def staff_table(client, course, attempt) -> str:
    """The text of the question's options table on the staff's attempt page."""
    client.force_login(enrol(course, role="instructor"))
    html = client.get(reverse("teach:attempt", args=[course.slug, attempt.pk])).content.decode()
    start = html.index("shown-options")
    table = html[start : html.index("</table>", start)]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", table))


def test_a_matching_table_shows_each_items_match_and_the_right_one(client):
    course, learner = course_with_learner()
    pairs = [{"left": "Astana", "right": "capital"}, {"left": "Almaty", "right": "city"}]
    pairs.append({"left": "Shymkent", "right": "south"})
    question = make_question(qtype="matching", data={"pairs": pairs})
    attempt = attempt_start(quiz=fixed_quiz([question], course=course), user=learner, course=course)
    lefts = question.current_version.payload["lefts"]
    rights = {r["key"]: r["text"] for r in question.current_version.payload["rights"]}
    wrong = {lefts[0]["key"]: lefts[1]["match"], lefts[1]["key"]: lefts[1]["match"]}
    answers_save(attempt_id=attempt.pk, user=learner, answers={question.pk: {"pairs": wrong}})
    attempt_submit(attempt_id=attempt.pk, user=learner)
    text = staff_table(client, course, attempt)
    assert "each item, their match and the right one" in text
    assert f"Astana {rights[lefts[1]['match']]} capital" in text
    assert "Shymkent — south" in text


def test_an_ordering_table_shows_where_each_item_was_put_and_belongs(client):
    course, learner = course_with_learner()
    question = make_question(qtype="ordering", data={"items": ["first", "second", "third"]})
    attempt = attempt_start(quiz=fixed_quiz([question], course=course), user=learner, course=course)
    items = question.current_version.payload["items"]
    backwards = [item["key"] for item in reversed(items)]
    answers_save(attempt_id=attempt.pk, user=learner, answers={question.pk: {"order": backwards}})
    text = staff_table(client, course, attempt)
    assert "where they put it and where it belongs" in text
    assert "first 3 1" in text and "third 1 3" in text


def test_a_choice_table_marks_the_picked_option_and_the_key(client):
    course, learner = course_with_learner()
    question = make_question()
    attempt = attempt_start(quiz=fixed_quiz([question], course=course), user=learner, course=course)
    text = staff_table(client, course, attempt)
    assert "Option Text Picked Key" in text and text.count("right") == 1
