"""Valid launches in the shapes 1EdTech certification (and real platforms) send them."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from quizzes.models import Course, Enrolment, LtiIdentity

from .conftest import launch, start_login
from .platform import INSTRUCTOR, LEARNER, LTI

User = get_user_model()
LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
TEACHING_ASSISTANT = LIS + "membership/Instructor#TeachingAssistant"
CONTENT_DEVELOPER = LIS + "membership#ContentDeveloper"
INSTITUTION_ADMIN = LIS + "institution/person#Administrator"
INSTITUTION_INSTRUCTOR = LIS + "institution/person#Instructor"


def _launch_without(client, platform, *names, **claims):
    """A launch whose id_token lacks these claims."""
    login = start_login(client, platform)
    body = platform.claims(nonce=login.nonce, **claims)
    for name in names:
        del body[name]
    token = platform.id_token(body)
    return client.post("/lti/launch/", {"id_token": token, "state": login.state})


def _enrolment(platform, sub: str) -> Enrolment:
    identity = LtiIdentity.objects.get(issuer=platform.issuer, sub=sub)
    return Enrolment.objects.get(user=identity.user, course__lti_issuer=platform.issuer)


@pytest.mark.parametrize(
    ("roles", "course_role", "is_platform_admin"),
    [
        pytest.param(["Learner"], "learner", False, id="short-learner"),
        pytest.param(["Instructor"], "instructor", False, id="short-instructor"),
        pytest.param(["http://example.com/roles#Wizard", "Wizard"], "learner", False, id="unknown"),
        pytest.param([], "learner", False, id="empty"),
        pytest.param([TEACHING_ASSISTANT], "instructor", False, id="teaching-assistant"),
        pytest.param([CONTENT_DEVELOPER], "instructor", False, id="content-developer"),
        pytest.param([INSTITUTION_ADMIN], "instructor", True, id="institution-administrator"),
        pytest.param(
            [LEARNER, INSTITUTION_INSTRUCTOR], "learner", False, id="teacher-elsewhere-learns-here"
        ),
    ],
)
def test_roles_variants_land_with_the_mapped_role(
    client, platform, roles, course_role, is_platform_admin
):
    response = launch(client, platform, sub="person-1", roles=roles)

    assert response.status_code == 302
    assert _enrolment(platform, "person-1").role == course_role
    identity = LtiIdentity.objects.get(sub="person-1")
    assert identity.is_platform_admin is is_platform_admin
    teach = client.get(f"/teach/{Course.objects.get(lti_issuer=platform.issuer).slug}/")
    assert (teach.status_code == 200) is (course_role == "instructor")


@pytest.mark.parametrize(
    "roles", [["Instructor"], [TEACHING_ASSISTANT], [INSTITUTION_ADMIN]], ids=str
)
def test_those_who_teach_may_deep_link(client, platform, roles):
    response = launch(client, platform, roles=roles, message_type="LtiDeepLinkingRequest")

    assert response.status_code == 200
    assert "Add kzstudy content to Kazakhstan 101" in response.content.decode()


def test_a_launch_without_name_or_email_creates_the_user_without_them(client, platform):
    response = _launch_without(client, platform, "name", "given_name", "family_name", "email")

    assert response.status_code == 302
    user = LtiIdentity.objects.get(sub="learner-1").user
    assert (user.first_name, user.last_name, user.email) == ("", "", "")
    assert client.get("/api/v1/me/").json()["username"] == user.username


def test_a_later_launch_without_name_keeps_the_name_given_earlier(client, platform):
    assert launch(client, platform, sub="learner-1").status_code == 302

    response = _launch_without(
        Client(), platform, "name", "given_name", "family_name", "email", sub="learner-1"
    )

    assert response.status_code == 302
    user = LtiIdentity.objects.get(sub="learner-1").user
    assert (user.first_name, user.last_name) == ("Given", "Learner-1")
    assert user.email == "learner-1@platform.example"


def test_only_a_full_name_fills_the_first_name(client, platform):
    response = _launch_without(client, platform, "given_name", "family_name")

    assert response.status_code == 302
    assert LtiIdentity.objects.get(sub="learner-1").user.first_name == "Name of learner-1"


def test_launches_without_context_share_one_course_per_deployment(client, platform):
    first = launch(client, platform, sub="learner-1", context=None)
    second = launch(Client(), platform, sub="learner-2", context=None)

    course = Course.objects.get(lti_issuer=platform.issuer)
    assert course.lti_context_id == f"~deployment~{platform.deployment_id}"
    assert first["Location"] == second["Location"] == f"/courses/{course.slug}/"
    assert client.get(first["Location"]).status_code == 200
    assert Enrolment.objects.filter(course=course).count() == 2


def test_a_context_with_only_an_id_makes_a_course(client, platform):
    response = launch(client, platform, context={"id": "context-9"})

    assert response.status_code == 302
    course = Course.objects.get(lti_issuer=platform.issuer, lti_context_id="context-9")
    assert response["Location"] == f"/courses/{course.slug}/"


def test_a_launch_without_grade_or_roster_services_lands(client, platform):
    response = _launch_without(
        client, platform, "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
    )
    response_without_ags = launch(Client(), platform, sub="learner-2", with_ags=False)

    assert response.status_code == response_without_ags.status_code == 302


def test_aud_as_a_list_with_our_client_id_and_azp_is_accepted(client, platform):
    response = launch(
        client,
        platform,
        aud=[platform.client_id, "https://lms.example/another-audience"],
        azp=platform.client_id,
    )

    assert response.status_code == 302
    assert client.get("/api/v1/me/").status_code == 200


def test_aud_as_a_one_item_list_without_azp_is_accepted(client, platform):
    assert launch(client, platform, aud=[platform.client_id]).status_code == 302


def test_two_subs_with_the_same_email_are_two_users(client, platform):
    email = "shared@platform.example"
    launch(client, platform, sub="learner-1", email=email)
    launch(Client(), platform, sub="learner-2", email=email)

    users = User.objects.filter(email=email)
    assert users.count() == 2
    assert {u.lti_identities.get().sub for u in users} == {"learner-1", "learner-2"}


def test_the_same_sub_on_another_issuer_is_another_user(client, platform):
    elsewhere = User.objects.create_user(username="from-another-lms")
    LtiIdentity.objects.create(
        issuer="https://lms.elsewhere.example", sub="learner-1", user=elsewhere
    )

    response = launch(client, platform, sub="learner-1")

    assert response.status_code == 302
    identity = LtiIdentity.objects.get(issuer=platform.issuer, sub="learner-1")
    assert identity.user != elsewhere
    assert client.get("/api/v1/me/").json()["username"] == identity.user.username
    assert not Enrolment.objects.filter(user=elsewhere).exists()


def test_an_instructor_demoted_to_learner_is_a_learner_on_the_next_launch(client, platform):
    launch(client, platform, sub="person-1", roles=[INSTRUCTOR])
    assert _enrolment(platform, "person-1").role == "instructor"

    again = Client()
    response = launch(again, platform, sub="person-1", roles=[LEARNER])

    assert response.status_code == 302
    assert _enrolment(platform, "person-1").role == "learner"
    course = Course.objects.get(lti_issuer=platform.issuer)
    assert again.get(f"/teach/{course.slug}/").status_code in (403, 404)


def test_an_administrator_launching_as_a_learner_loses_platform_admin(client, platform):
    launch(client, platform, sub="person-1", roles=[INSTITUTION_ADMIN])
    assert LtiIdentity.objects.get(sub="person-1").is_platform_admin

    launch(Client(), platform, sub="person-1", roles=[LEARNER])

    assert not LtiIdentity.objects.get(sub="person-1").is_platform_admin
    assert _enrolment(platform, "person-1").role == "learner"


def test_a_learner_promoted_to_instructor_may_teach_on_the_next_launch(client, platform):
    launch(client, platform, sub="person-1", roles=[LEARNER])
    launch(client, platform, sub="person-1", roles=[INSTRUCTOR])

    assert _enrolment(platform, "person-1").role == "instructor"
    course = Course.objects.get(lti_issuer=platform.issuer)
    assert client.get(f"/teach/{course.slug}/").status_code == 200


def test_custom_claims_other_than_target_are_ignored(client, platform):
    response = launch(client, platform, **{LTI + "custom": {"colour": "blue"}})

    assert response.status_code == 302
    course = Course.objects.get(lti_issuer=platform.issuer)
    assert response["Location"] == f"/courses/{course.slug}/"
