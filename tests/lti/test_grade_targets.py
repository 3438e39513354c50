"""Whose grades leave for the platform: learners only."""

from __future__ import annotations

import pytest
from django.test import Client

from quizzes.models import Course, LtiIdentity, LtiScore, Quiz

from .conftest import launch
from .platform import INSTRUCTOR
from .test_grades import finish


@pytest.fixture
def exam() -> Quiz:
    return Quiz.objects.get(key="final-exam")


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
    column = platform.add_line_item(f"quiz:{exam.pk}", exam.title)
    teacher, course = _launch(platform, exam, "teacher-1", "link-1", column, roles=[INSTRUCTOR])

    finish(exam, teacher, course)

    assert not LtiScore.objects.exists()
