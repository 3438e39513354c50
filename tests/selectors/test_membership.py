"""course_for_member: the course with the user's role for members, None for anyone else (the
pages answer 404 for it, the API too)."""

from __future__ import annotations

import pytest

from quizzes.selectors.membership import course_for_member
from tests.factories import ArticleFactory, UserFactory, course_with_learner, enrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def course_and_learner():
    return course_with_learner(article=ArticleFactory())


def test_a_member_gets_the_course_with_their_role_by_slug_or_id(course_and_learner):
    course, learner = course_and_learner
    teacher = enrol(course, role="instructor")
    assert course_for_member(learner, slug=course.slug).role == "learner"
    assert course_for_member(teacher, course_id=course.pk).role == "instructor"


def test_someone_outside_the_course_and_an_unknown_course_look_the_same(course_and_learner):
    course, learner = course_and_learner
    assert course_for_member(UserFactory(), slug=course.slug) is None
    assert course_for_member(learner, slug="no-such-course") is None
    assert course_for_member(learner, course_id=course.pk + 1000) is None


def test_a_site_admin_is_a_member_of_every_course_as_instructor(course_and_learner):
    course, _learner = course_and_learner
    found = course_for_member(UserFactory(is_superuser=True), course_id=course.pk)
    assert found == course and found.role == "instructor"
