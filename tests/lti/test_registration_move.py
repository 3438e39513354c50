"""`lti_move_registration`: after a platform registers kzstudy anew, a site administrator hands
the old registration's courses and accounts to the new one, and learners carry on."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from quizzes.models import Course, LtiContext, LtiIdentity, LtiPlatform, LtiResourceLink

from .conftest import launch
from .platform import INSTRUCTOR
from .test_registration_scope import another_registration


def _move(old: LtiPlatform, new: LtiPlatform, *extra: str) -> str:
    out = io.StringIO()
    call_command(
        "lti_move_registration",
        "--from-platform", str(old.pk), "--to-platform", str(new.pk), *extra,
        stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    return out.getvalue()


def test_after_the_move_the_new_registration_opens_the_old_course_as_the_same_people(
    client, platform
):
    launch(Client(), platform, sub="learner-1")
    launch(Client(), platform, sub="teacher-1", roles=[INSTRUCTOR])
    course = Course.objects.get()
    learner = LtiIdentity.objects.get(sub="learner-1").user
    again = another_registration(platform, "client id")
    new = LtiPlatform.objects.get(client_id=again.client_id)
    assert launch(Client(), again, sub="learner-1").status_code == 409

    out = _move(platform.registered, new)

    assert "Moved 1 courses, 2 accounts and 1 placements" in out
    response = launch(client, again, sub="learner-1")
    assert response.status_code == 302, response.content[:500]
    assert response["Location"] == f"/courses/{course.slug}/"
    assert client.get("/api/v1/me/").json()["username"] == learner.get_username()
    assert LtiContext.objects.get().platform == new
    assert LtiResourceLink.objects.get().platform == new
    assert launch(Client(), platform, sub="learner-1").status_code == 409


def test_someone_who_already_launched_through_the_new_registration_keeps_that_account(platform):
    launch(Client(), platform, sub="learner-1")
    again = another_registration(platform, "client id")
    launch(Client(), again, sub="learner-1", context={"id": "c-new"}, resource_link_id="l-new")
    new = LtiPlatform.objects.get(client_id=again.client_id)
    new_account = LtiIdentity.objects.get(deployment__platform=new).user

    out = _move(platform.registered, new)

    assert "keep that account" in out and "learner-1" in out
    assert LtiIdentity.objects.get(deployment__platform=new).user == new_account
    assert LtiIdentity.objects.filter(deployment__platform=platform.registered).count() == 1


def test_a_registration_of_another_issuer_cannot_take_over(platform):
    launch(Client(), platform, sub="learner-1")
    other = LtiPlatform.objects.create(
        issuer="https://other-lms.example",
        client_id="c",
        auth_login_url="https://other-lms.example/a",
        auth_token_url="https://other-lms.example/t",
        key_set_url="https://other-lms.example/k",
    )
    other.deployments.create(deployment_id="1")

    with pytest.raises(CommandError, match="same issuer"):
        _move(platform.registered, other)

    assert LtiContext.objects.get().platform == platform.registered
    assert LtiIdentity.objects.get().deployment.platform == platform.registered


def test_a_platform_with_several_deployments_needs_the_deployment_named(platform):
    again = another_registration(platform, "client id")
    new = LtiPlatform.objects.get(client_id=again.client_id)
    new.deployments.create(deployment_id="another")

    with pytest.raises(CommandError, match="--to-deployment"):
        _move(platform.registered, new)
    assert "Moved 0 courses" in _move(
        platform.registered, new, "--to-deployment", again.deployment_id
    )


def test_a_move_onto_placements_with_the_same_ids_changes_nothing(platform):
    launch(Client(), platform, sub="learner-1")  # link-1 in context-1
    again = another_registration(platform, "client id")
    launch(Client(), again, sub="learner-2", context={"id": "c-new"})  # link-1 again
    new = LtiPlatform.objects.get(client_id=again.client_id)

    with pytest.raises(CommandError, match="nothing was moved"):
        _move(platform.registered, new)

    assert LtiContext.objects.get(context_id="context-1").platform == platform.registered
    assert LtiIdentity.objects.get(sub="learner-1").deployment.platform == platform.registered
