"""Fixtures of the quiz builder tests: a course on the shipped article and its instructor."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from quizzes.models import Question, Section
from quizzes.services.quiz_building import SlotSpec
from tests.factories import CourseFactory, enrol, shipped_article

RULES: dict[str, Any] = {
    "title": "Midterm",
    "description": "",
    "section": None,
    "mode": "graded",
    "layout": "all_on_one_page",
    "shuffle_questions": False,
    "shuffle_choices": False,
    "time_limit_minutes": None,
    "max_attempts": None,
    "pass_mark": Decimal(60),
    "grading_method": "highest",
    "opens_at": None,
    "closes_at": None,
    "review_timing": "after_submit",
    "review_shows_correct": True,
    "review_shows_explanation": True,
    "exam_protection": "key_free",
    "is_published": True,
}


@pytest.fixture
def course(db):
    """A course on the shipped article."""
    return CourseFactory(article=shipped_article())


@pytest.fixture
def instructor(course):
    """A user who teaches the course."""
    return enrol(course, role="instructor")


@pytest.fixture
def teacher_client(client, instructor):
    """A client signed in as the course's instructor."""
    client.force_login(instructor)
    return client


def shared_questions(count: int) -> list[Question]:
    """Published questions of the shared bank, in a stable order."""
    return list(Question.objects.published().filter(course__isnull=True).order_by("key")[:count])


def first_section() -> Section:
    """The shipped article's first section."""
    return shipped_article().sections.order_by("position").first()


def fixed(*questions: Question, mark: str = "1") -> list[SlotSpec]:
    """Fixed slots for the questions."""
    return [SlotSpec(kind="fixed", question_id=q.pk, mark=Decimal(mark)) for q in questions]


def post_data(
    rules: dict[str, Any] | None = None, rows: list[dict[str, Any]] = (), initial: int = 0
):
    """The builder's POST: rules as form fields, then slot rows (management form included)."""
    rules = {**RULES, **(rules or {})}
    data: dict[str, Any] = {}
    for name, value in rules.items():
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value.pk if hasattr(value, "pk") else value)
    data["slots-TOTAL_FORMS"] = str(len(rows))
    data["slots-INITIAL_FORMS"] = str(initial)
    data["slots-MIN_NUM_FORMS"] = "0"
    data["slots-MAX_NUM_FORMS"] = "100"
    for n, row in enumerate(rows):
        for name, value in row.items():
            if value is not None:
                data[f"slots-{n}-{name}"] = str(value)
    return data
