"""quiz_regrade checks its actor itself: only the course's teachers regrade its attempts (and,
across every course offering a quiz, only the quiz's owners)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from quizzes.errors import NotAllowed
from quizzes.models import Regrade, ResponseStep
from quizzes.services.attempts import answers_save, attempt_start, attempt_submit
from quizzes.services.authoring import question_create, question_revise
from quizzes.services.grading import quiz_regrade
from tests.factories import (
    CourseFactory,
    SectionFactory,
    course_with_learner,
    enrol,
    fixed_quiz,
    key_answer,
)

pytestmark = pytest.mark.django_db
KEY = {"choices": [{"text": "2009", "correct": True}, {"text": "2017"}, {"text": "2020"}]}
NEW_KEY = {"choices": [{"text": "2009"}, {"text": "2017", "correct": True}, {"text": "2020"}]}


@pytest.fixture
def world():
    """A submitted, right attempt whose question's key then changed."""
    section = SectionFactory()
    course, learner = course_with_learner(article=section.article)
    question = question_create(
        section=section,
        qtype="single_choice",
        stem="Which year?",
        data=KEY,
        status="published",
        course=course,
        actor=None,
    )
    quiz = fixed_quiz([question], article=course.article, course=course)
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    answers = {question.pk: key_answer(question.current_version)}
    answers_save(attempt_id=attempt.pk, user=learner, answers=answers)
    attempt_submit(attempt_id=attempt.pk, user=learner)
    question_revise(question=question, stem="Which year?", data=NEW_KEY, actor=None)
    return {
        "course": course,
        "quiz": quiz,
        "attempt": attempt,
        "learner": learner,
        "teacher": enrol(course, role="instructor"),
        "other_instructor": enrol(CourseFactory(article=course.article), role="instructor"),
        "anonymous": AnonymousUser(),
    }


@pytest.mark.parametrize("who", ["learner", "other_instructor", "anonymous"])
def test_only_the_courses_teachers_regrade_its_attempts(world, who):
    steps = ResponseStep.objects.count()
    with pytest.raises(NotAllowed) as refused:
        quiz_regrade(quiz=world["quiz"], course=world["course"], actor=world[who])
    assert refused.value.status == 403
    world["attempt"].refresh_from_db()
    assert world["attempt"].score == 1
    assert ResponseStep.objects.count() == steps and not Regrade.objects.exists()
    regrade = quiz_regrade(quiz=world["quiz"], course=world["course"], actor=world["teacher"])
    world["attempt"].refresh_from_db()
    assert regrade.changed_count == 1 and world["attempt"].score == 0


def test_regrading_in_every_course_is_for_the_quizs_owners(world):
    with pytest.raises(NotAllowed):
        quiz_regrade(quiz=world["quiz"], course=None, actor=world["other_instructor"])
    assert not Regrade.objects.exists()
    quiz_regrade(quiz=world["quiz"], course=None, actor=world["teacher"])
    assert Regrade.objects.count() == 1
