"""Fixtures of the quiz builder tests (its pages in tests/views/teach/, its services in
tests/services/test_quiz_building.py): a course on a factory article and its instructor.

The article is a content pack in small, built with the factories (the builder's tests do not
read the shipped pack): two sections, each with one untagged question of every type, a hard
anchor and two medium exam questions; a shared practice quiz on the first section and a shared
"Final exam" kept exam only, pairing an anchor pool with an exam pool in every section.

tests/conftest.py registers this module as a plugin, so its fixtures (article, course,
instructor, teacher_client, final_exam, practice_quiz) are the suite's defaults: a test module
that wants another `course` or `article` defines its own, which wins. Its helpers are imported
by name.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from quizzes.content_checks import ANCHOR_TAG
from quizzes.models import Article, ExamProtection, Question, Quiz, QuizSlot, Section, Tag
from quizzes.services.quiz_building import SlotSpec
from quizzes.tagging import EXAM_TAG
from tests.factories import (
    QUESTION_DATA,
    ArticleFactory,
    CourseFactory,
    QuizFactory,
    SectionFactory,
    enrol,
    make_question,
)

ARTICLE = "builder-article"
SECTIONS = 2
EXAM_QUESTIONS = 3  # a section's anchor and its two medium exam questions
PRACTICE_DRAW = len(QUESTION_DATA)  # the practice quiz draws every untagged question
FINAL_EXAM = "Final exam"
PRACTICE = "Practice: the first section"

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
    "review_key_after_last_attempt": False,
    "exam_protection": "key_free",
    "is_published": True,
}


@pytest.fixture
def article(db) -> Article:
    """The builder's article, its question bank and its two shared quizzes."""
    article = ArticleFactory(slug=ARTICLE)
    sections = [SectionFactory(article=article, position=n) for n in range(1, SECTIONS + 1)]
    for section in sections:
        for qtype, data in QUESTION_DATA.items():
            make_question(
                section,
                qtype,
                data,
                stem=f"{section.heading}: a {qtype} question?",
                explanation=f"The {qtype} answer is explained here.",
                difficulty=1,
            )
        make_question(section, stem="The anchor?", difficulty=3, tags=[EXAM_TAG, ANCHOR_TAG])
        for n in range(EXAM_QUESTIONS - 1):
            make_question(section, stem=f"Exam question {n}?", difficulty=2, tags=[EXAM_TAG])
    practice = QuizFactory(article=article, section=sections[0], title=PRACTICE, mode="practice")
    QuizSlot.objects.create(
        quiz=practice, position=1, kind="random", pool_section=sections[0], pool_count=PRACTICE_DRAW
    )
    final = QuizFactory(
        article=article,
        title=FINAL_EXAM,
        mode="graded",
        max_attempts=2,
        time_limit_minutes=20,
        exam_protection=ExamProtection.EXAM_ONLY,
    )
    anchor, exam = Tag.objects.get(name=ANCHOR_TAG), Tag.objects.get(name=EXAM_TAG)
    for n, section in enumerate(sections):
        QuizSlot.objects.create(
            quiz=final, position=2 * n + 1, kind="random", pool_section=section, pool_tag=anchor
        )
        QuizSlot.objects.create(
            quiz=final,
            position=2 * n + 2,
            kind="random",
            pool_section=section,
            pool_tag=exam,
            pool_difficulty=2,
        )
    return article


@pytest.fixture
def course(article):
    """A course on the builder's article."""
    return CourseFactory(article=article)


@pytest.fixture
def final_exam(article) -> Quiz:
    """The article's shared graded quiz (a quiz of no course: instructors may only copy it)."""
    return Quiz.objects.get(article=article, title=FINAL_EXAM)


@pytest.fixture
def practice_quiz(article) -> Quiz:
    """The article's shared practice quiz on its first section."""
    return Quiz.objects.get(article=article, title=PRACTICE)


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
    """Published questions of the builder article's shared bank, in a stable order."""
    shared = Question.objects.published().filter(course__isnull=True)
    return list(shared.filter(section__article__slug=ARTICLE).order_by("pk")[:count])


def first_section() -> Section:
    """The builder article's first section."""
    return Section.objects.filter(article__slug=ARTICLE).order_by("position").first()


def fill_bank(total: int, section: Section | None = None) -> None:
    """Add shared questions to a section (the first by default) until the builder article's
    shared bank holds `total`: for tests of pools and marks on a big bank."""
    section = section or first_section()
    have = Question.objects.filter(course__isnull=True, section__article__slug=ARTICLE).count()
    for n in range(have, total):
        make_question(section, stem=f"Bank question {n}?")


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
