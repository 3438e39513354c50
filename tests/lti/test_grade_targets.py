"""Whose grades leave for the platform, and to which placement: learners only, each to the
placement of the quiz they launched (a quiz placed twice would otherwise count twice in the
platform's course total)."""

from __future__ import annotations

import pytest
from django.test import Client

from quizzes.models import Course, GradeReason, LtiIdentity, LtiScore, Quiz
from quizzes.services.quiz_grades import refresh_quiz_grades

from .conftest import launch
from .platform import INSTRUCTOR
from .test_grades import finish


@pytest.fixture
def exam() -> Quiz:
    return Quiz.objects.get(key="final-exam")


def _place_twice(platform, exam) -> tuple[str, str]:
    """The exam as two graded links ("link-1", "link-2"), each with its own grade column."""
    return (
        platform.add_line_item(f"quiz:{exam.pk}", "Exam (week 1)"),
        platform.add_line_item(f"quiz:{exam.pk}", "Exam (week 2)"),
    )


def _launch(platform, exam, sub, link_id, lineitem, **claims):
    response = launch(
        Client(),
        platform,
        sub=sub,
        target=f"quiz:{exam.pk}",
        resource_link_id=link_id,
        lineitem=lineitem,
        **claims,
    )
    assert response.status_code == 302, response.content[:500]
    return LtiIdentity.objects.get(sub=sub).user, Course.objects.get(lti_context_id="context-1")


def test_an_instructors_graded_attempt_is_not_queued_for_the_gradebook(platform, exam):
    [column] = _place_twice(platform, exam)[:1]
    teacher, course = _launch(platform, exam, "teacher-1", "link-1", column, roles=[INSTRUCTOR])

    finish(exam, teacher, course)

    assert not LtiScore.objects.exists()


def test_a_quiz_placed_twice_sends_the_grade_only_to_the_placement_the_learner_launched(
    platform, exam
):
    week_1, week_2 = _place_twice(platform, exam)
    _launch(platform, exam, "learner-2", "link-2", week_2)  # the course knows link-2 too
    learner, course = _launch(platform, exam, "learner-1", "link-1", week_1)

    finish(exam, learner, course)

    [score] = LtiScore.objects.all()
    assert score.link.resource_link_id == "link-1"


def test_a_learner_who_came_by_the_course_home_gets_the_grade_in_every_placement(platform, exam):
    week_1, week_2 = _place_twice(platform, exam)
    _launch(platform, exam, "teacher-1", "link-1", week_1, roles=[INSTRUCTOR])
    _launch(platform, exam, "teacher-1", "link-2", week_2, roles=[INSTRUCTOR])
    assert launch(Client(), platform, sub="learner-1", resource_link_id="home-link").status_code
    learner = LtiIdentity.objects.get(sub="learner-1").user

    finish(exam, learner, Course.objects.get(lti_context_id="context-1"))

    links = {s.link.resource_link_id for s in LtiScore.objects.all()}
    assert links == {"link-1", "link-2"}


def test_a_regrade_queues_each_learner_only_on_the_placement_they_launched(platform, exam):
    week_1, week_2 = _place_twice(platform, exam)
    ann, course = _launch(platform, exam, "ann", "link-1", week_1)
    bob, _ = _launch(platform, exam, "bob", "link-2", week_2)
    attempts = [finish(exam, ann, course, right=1), finish(exam, bob, course, right=1)]
    LtiScore.objects.all().delete()
    for attempt in attempts:  # as a regrade that raised both scores would leave them
        attempt.score = attempt.max_score
        attempt.save(update_fields=["score"])

    refresh_quiz_grades(quiz=exam, reason=GradeReason.REGRADE, attempts=attempts)

    assert LtiScore.objects.count() == 2
    assert {s.score_given for s in LtiScore.objects.all()} == {100}
    sent = {(s.identity.sub, s.link.resource_link_id) for s in LtiScore.objects.all()}
    assert sent == {("ann", "link-1"), ("bob", "link-2")}
