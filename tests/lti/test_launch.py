"""Login and launch: a learner and an instructor land signed in, pages and the API agree."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from quizzes.models import Course, Enrolment, LtiIdentity, LtiResourceLink, Quiz

from .conftest import launch, start_login
from .platform import INSTRUCTOR


def test_learner_launch_signs_in_and_lands_on_the_course_home(client, platform):
    response = launch(client, platform, sub="learner-1")

    assert response.status_code == 302
    course = Course.objects.get(lti_issuer=platform.issuer, lti_context_id="context-1")
    assert response["Location"] == f"/courses/{course.slug}/"
    assert course.title == "Kazakhstan 101"
    identity = LtiIdentity.objects.get(issuer=platform.issuer, sub="learner-1")
    assert Enrolment.objects.get(course=course, user=identity.user).role == "learner"
    me = client.get("/api/v1/me/").json()
    assert me["username"] == identity.user.username
    assert client.get(response["Location"]).status_code == 200


def test_instructor_launch_may_open_the_teaching_pages(client, platform):
    response = launch(client, platform, sub="teacher-1", roles=[INSTRUCTOR])

    assert response.status_code == 302
    course = Course.objects.get(lti_issuer=platform.issuer)
    user = LtiIdentity.objects.get(sub="teacher-1").user
    assert Enrolment.objects.get(course=course, user=user).role == "instructor"
    assert client.get(f"/teach/{course.slug}/").status_code == 200


def test_quiz_target_lands_on_the_quiz_and_records_the_link(client, platform):
    quiz = Quiz.objects.get(key="final-exam")
    response = launch(client, platform, target=f"quiz:{quiz.pk}")

    course = Course.objects.get(lti_issuer=platform.issuer)
    assert response["Location"] == f"/courses/{course.slug}/quizzes/{quiz.pk}/"
    link = LtiResourceLink.objects.get(platform=platform.registered, resource_link_id="link-1")
    assert link.target == f"quiz:{quiz.pk}"
    assert link.lineitems_url == platform.lineitems_url
    assert client.get(response["Location"]).status_code == 200


def test_section_target_lands_on_the_study_page(client, platform):
    response = launch(client, platform, target="section:introduction")
    assert response.status_code == 302
    assert "/introduction/" in response["Location"]


def test_the_same_person_launching_twice_is_one_user(client, platform):
    launch(client, platform, sub="learner-1")
    launch(client, platform, sub="learner-1")
    assert LtiIdentity.objects.filter(sub="learner-1").count() == 1
    assert get_user_model().objects.filter(lti_identities__sub="learner-1").count() == 1


def test_login_without_new_window_checks_cookies_first(client, platform):
    response = client.get(
        "/lti/login/",
        {
            "iss": platform.issuer,
            "login_hint": "x",
            "target_link_uri": "http://testserver/lti/launch/",
        },
    )
    assert response.status_code == 200
    assert b"Open kzstudy in a new window" in response.content
    assert b"lti1p3_new_window" in response.content


def test_login_works_by_post_too(client, platform):
    response = client.post(
        "/lti/login/",
        {
            "iss": platform.issuer,
            "login_hint": "x",
            "target_link_uri": "http://testserver/lti/launch/",
            "client_id": platform.client_id,
            "lti1p3_new_window": "1",
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(platform.auth_url)


def test_launch_pages_may_be_framed_by_the_platform(client, platform):
    response = launch(client, platform)
    assert "X-Frame-Options" not in response
    assert platform.issuer in response["Content-Security-Policy"]
    page = client.get(response["Location"])
    assert "X-Frame-Options" not in page
    assert page["Content-Security-Policy"].startswith("frame-ancestors 'self' ")


def test_login_sets_a_state_cookie(client, platform):
    login = start_login(client, platform)
    assert client.cookies[f"lti1p3-{login.state}"].value == login.state


def test_a_platform_administrator_manages_every_course_of_that_registration_only(client, platform):
    from django.test import Client

    from quizzes.permissions import teaches
    from tests.factories import CourseFactory

    admin_role = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"
    launch(client, platform, sub="admin-1", roles=[admin_role])
    admin = LtiIdentity.objects.get(sub="admin-1").user
    launch(Client(), platform, sub="teacher-2", roles=[INSTRUCTOR], context={"id": "context-2"})
    sibling = Course.objects.get(lti_context_id="context-2")
    elsewhere = CourseFactory(lti_issuer="https://other-lms.example", lti_context_id="context-2")
    standalone = CourseFactory()

    assert teaches(admin, sibling)
    assert client.get(f"/teach/{sibling.slug}/").status_code == 200
    assert not teaches(admin, elsewhere)
    assert not teaches(admin, standalone)
    assert client.get(f"/teach/{elsewhere.slug}/").status_code == 403

    platform.registered.admins_see_platform_courses = False
    platform.registered.save()
    assert not teaches(admin, sibling)


def test_a_refused_launch_can_still_be_shown_inside_the_platforms_frame(client, platform):
    response = launch(client, platform, target="quiz:not-a-number")

    assert response.status_code == 400
    assert "X-Frame-Options" not in response
    assert response["Content-Security-Policy"] == "frame-ancestors 'self' *"


def test_a_launched_learner_reaches_only_their_own_course(client, platform):
    from tests.factories import course_with_learner

    other_course, _ = course_with_learner()
    launch(client, platform, sub="learner-1")
    exam = Quiz.objects.get(key="final-exam")

    assert client.get(f"/courses/{other_course.slug}/").status_code == 404
    assert client.get(f"/courses/{other_course.slug}/quizzes/{exam.pk}/").status_code == 404
    assert client.get(f"/teach/{other_course.slug}/").status_code == 403
    api = client.get(f"/api/v1/courses/{other_course.pk}/progress/")
    assert api.status_code in (403, 404)
