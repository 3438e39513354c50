"""Users, courses and platform administration belong to a registration (issuer + client id +
deployment), never to an issuer alone: a second registration of an issuer — someone else's,
or another school on Instructure's shared Canvas issuer — cannot sign in as the first one's
users, open its courses, or administer them."""

from __future__ import annotations

import copy

import pytest
from django.test import Client

from quizzes.models import Course, Enrolment, LtiDeployment, LtiIdentity, LtiPlatform, Quiz

from .conftest import launch
from .platform import INSTRUCTOR, TestPlatform

ADMIN = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"


def another_registration(platform: TestPlatform, how: str) -> TestPlatform:
    """The same issuer (and keys) under another client id, or another deployment of the same
    client: what a second school on one Canvas issuer looks like to kzstudy."""
    twin = copy.copy(platform)
    if how == "client id":
        twin.client_id = platform.client_id + "-school-b"
        registered = LtiPlatform.objects.create(
            name="School B",
            issuer=platform.issuer,
            client_id=twin.client_id,
            auth_login_url=platform.auth_url,
            auth_token_url=platform.token_url,
            key_set_url=platform.jwks_url,
        )
    else:
        registered = platform.registered
    twin.deployment_id = "deployment-school-b"
    LtiDeployment.objects.create(platform=registered, deployment_id=twin.deployment_id)
    return twin


REGISTRATIONS = pytest.mark.parametrize("how", ["client id", "deployment"])


@REGISTRATIONS
def test_another_registration_of_the_issuer_cannot_sign_in_as_the_first_ones_user(
    client, platform, how
):
    launch(client, platform, sub="learner-1")
    school_a_user = LtiIdentity.objects.get(deployment__deployment_id="deployment-1").user
    school_b = another_registration(platform, how)

    other = Client()
    response = launch(other, school_b, sub="learner-1", context={"id": "context-b"})

    assert response.status_code == 302, response.content[:500]
    signed_in = other.get("/api/v1/me/").json()["username"]
    assert signed_in != school_a_user.get_username()
    assert LtiIdentity.objects.filter(sub="learner-1").count() == 2
    assert not Enrolment.objects.filter(
        user=school_a_user, course__lti_context_id="context-b"
    ).exists()


@REGISTRATIONS
def test_another_registration_of_the_issuer_cannot_open_the_first_ones_course(
    client, platform, how
):
    launch(client, platform, sub="teacher-1", roles=[INSTRUCTOR])
    school_b = another_registration(platform, how)
    before = (Course.objects.count(), LtiIdentity.objects.count(), Enrolment.objects.count())

    other = Client()
    response = launch(other, school_b, sub="intruder", roles=[INSTRUCTOR])  # context-1 again

    assert response.status_code == 409
    assert "another registration of your platform" in response.content.decode()
    assert (Course.objects.count(), LtiIdentity.objects.count(), Enrolment.objects.count()) == (
        before
    )
    assert other.get("/api/v1/me/").status_code in (401, 403)


@REGISTRATIONS
def test_school_a_admin_cannot_read_school_b_gradebook_or_results(client, platform, how):
    exam = Quiz.objects.get(key="final-exam")
    launch(client, platform, sub="admin-a", roles=[ADMIN])
    school_a = Course.objects.get(lti_context_id="context-1")
    school_b = another_registration(platform, how)
    launch(Client(), school_b, sub="teacher-b", roles=[INSTRUCTOR], context={"id": "context-b"})
    school_b_course = Course.objects.get(lti_context_id="context-b")

    assert client.get(f"/teach/{school_a.slug}/").status_code == 200
    assert client.get(f"/teach/{school_b_course.slug}/").status_code == 403
    results = f"/teach/{school_b_course.slug}/quizzes/{exam.pk}/results/"
    assert client.get(results).status_code == 403
    api = f"/api/v1/courses/{school_b_course.pk}"
    assert client.get(f"{api}/gradebook/").status_code in (403, 404)
    assert client.get(f"{api}/quizzes/{exam.pk}/results/").status_code in (403, 404)
    assert client.get(f"/api/v1/courses/{school_a.pk}/gradebook/").status_code == 200
