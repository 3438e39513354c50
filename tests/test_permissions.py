"""Who teaches a course is one rule (`permissions.courses_taught`): the course home's "Teach this
course" button and `/api/v1/me/` say "instructor" exactly where the teaching pages let one in."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from quizzes.permissions import INSTRUCTORS_GROUP, role_in
from tests.factories import CourseFactory, course_with_learner, enrol

pytestmark = pytest.mark.django_db
TEACH_BUTTON = "Teach this course"


def me_roles(user) -> dict[str, str]:
    api = APIClient()
    api.force_authenticate(user)
    return {c["slug"]: c["role"] for c in api.get("/api/v1/me/").json()["courses"]}


def course_home(user, course) -> str:
    client = Client()
    client.force_login(user)
    reply = client.get(reverse("quizzes:course", args=[course.slug]))
    assert reply.status_code == 200
    return reply.content.decode()


def test_an_instructors_group_member_enrolled_as_learner_is_the_courses_instructor():
    course, member = course_with_learner()
    member.groups.add(Group.objects.get_or_create(name=INSTRUCTORS_GROUP)[0])

    assert TEACH_BUTTON in course_home(member, course)
    assert me_roles(member) == {course.slug: "instructor"}
    client = Client()
    client.force_login(member)
    assert client.get(reverse("teach:dashboard", args=[course.slug])).status_code == 200


def test_a_plain_learner_gets_no_teach_button_and_is_a_learner_in_me():
    course, learner = course_with_learner()

    assert TEACH_BUTTON not in course_home(learner, course)
    assert me_roles(learner) == {course.slug: "learner"}
    client = Client()
    client.force_login(learner)
    assert client.get(reverse("teach:dashboard", args=[course.slug])).status_code == 403


def test_the_instructors_group_does_not_teach_lti_courses():
    course = CourseFactory(lti_issuer="https://lms.example", lti_context_id="c-1")
    member = enrol(course)
    member.groups.add(Group.objects.get_or_create(name=INSTRUCTORS_GROUP)[0])

    assert me_roles(member) == {course.slug: "learner"}
    assert role_in(member, course) == "learner"


def test_role_in_names_the_enrolment_role_and_none_for_strangers():
    course, learner = course_with_learner()
    teacher = enrol(course, role="instructor")
    stranger = enrol(CourseFactory())

    assert role_in(learner, course) == "learner"
    assert role_in(teacher, course) == "instructor"
    assert role_in(stranger, course) is None
    assert TEACH_BUTTON in course_home(teacher, course)
