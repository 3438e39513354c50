"""Fixtures shared by the services' tests."""

from __future__ import annotations

import pytest

from quizzes.services.attempts import attempt_start
from tests.factories import (
    QUESTION_DATA,
    SectionFactory,
    course_with_learner,
    fixed_quiz,
    make_question,
)


@pytest.fixture
def started():
    """A learner's graded attempt at three questions: single choice, numeric, single choice."""
    section = SectionFactory()
    course, learner = course_with_learner(article=section.article)
    questions = [
        make_question(section, stem="When?"),
        make_question(section, "numeric", QUESTION_DATA["numeric"], stem="How many?"),
        make_question(section, stem="When again?"),
    ]
    quiz = fixed_quiz(questions, article=course.article, mode="graded", time_limit_minutes=30)
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    return attempt, learner, questions
