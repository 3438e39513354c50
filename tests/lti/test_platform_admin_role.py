"""An LTI platform administrator teaches every course of their registration, and the course
home and `/api/v1/me/` say so even where an earlier launch enrolled them as a learner."""

from __future__ import annotations

from quizzes.models import Course, Enrolment, LtiIdentity

from .conftest import launch
from .platform import LEARNER

ADMIN = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"


def test_a_platform_admin_enrolled_as_learner_sees_teach_this_course_and_is_instructor_in_me(
    client, platform
):
    # First launched into course 2 as a learner, later as the platform's administrator.
    launch(client, platform, sub="admin-1", roles=[LEARNER], context={"id": "context-2"})
    launch(client, platform, sub="admin-1", roles=[ADMIN])
    admin = LtiIdentity.objects.get(sub="admin-1").user
    sibling = Course.objects.get(lti_context_id="context-2")
    assert Enrolment.objects.get(course=sibling, user=admin).role == "learner"

    page = client.get(f"/courses/{sibling.slug}/").content.decode()
    assert "Teach this course" in page
    roles = {c["slug"]: c["role"] for c in client.get("/api/v1/me/").json()["courses"]}
    assert set(roles.values()) == {"instructor"} and sibling.slug in roles


def test_a_deactivated_admin_scope_makes_them_a_learner_again(client, platform):
    launch(client, platform, sub="admin-1", roles=[LEARNER], context={"id": "context-2"})
    launch(client, platform, sub="admin-1", roles=[ADMIN])
    platform.registered.admins_see_platform_courses = False
    platform.registered.save()
    sibling = Course.objects.get(lti_context_id="context-2")

    assert "Teach this course" not in client.get(f"/courses/{sibling.slug}/").content.decode()
    roles = {c["slug"]: c["role"] for c in client.get("/api/v1/me/").json()["courses"]}
    assert roles[sibling.slug] == "learner"
