"""Migration 0009_lti_trust keeps existing LTI data working: rows from before registrations
scoped users and courses get their deployment, and the people and courses behind them are the
same after the upgrade."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.test import Client

from quizzes.models import (
    Course,
    Enrolment,
    LtiContext,
    LtiDeployment,
    LtiIdentity,
    LtiPlatform,
    PlatformStatus,
    RegisteredVia,
)
from tests.factories import CourseFactory, UserFactory

from .conftest import launch
from .platform import INSTRUCTOR

migration = importlib.import_module("quizzes.migrations.0009_lti_trust")

ADMIN = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"


def _as_before_the_migration() -> None:
    """Forget what the migration adds, as rows written by the older code lack it."""
    LtiIdentity.objects.update(deployment=None)
    LtiContext.objects.update(deployment=None, context_id="")
    LtiPlatform.objects.update(approved_at=None)


def _migrate() -> None:
    migration.forwards(apps, None)


def _platform(issuer: str, *deployments: str, **fields) -> LtiPlatform:
    platform = LtiPlatform.objects.create(
        issuer=issuer,
        client_id=f"client-{LtiPlatform.objects.count()}",
        auth_login_url=f"{issuer}/auth",
        auth_token_url=f"{issuer}/token",
        key_set_url=f"{issuer}/jwks",
        **fields,
    )
    for deployment_id in deployments:
        LtiDeployment.objects.create(platform=platform, deployment_id=deployment_id)
    return platform


def _course(platform: LtiPlatform, context_id: str) -> Course:
    course = CourseFactory(lti_issuer=platform.issuer, lti_context_id=context_id)
    LtiContext.objects.create(course=course, platform=platform)
    return course


def test_after_the_upgrade_a_learner_and_an_instructor_launch_into_the_same_account_and_course(
    client, platform
):
    launch(Client(), platform, sub="learner-1")
    launch(Client(), platform, sub="teacher-1", roles=[INSTRUCTOR])
    before = {i.sub: i.user_id for i in LtiIdentity.objects.all()}
    course = Course.objects.get()
    _as_before_the_migration()

    _migrate()
    response = launch(client, platform, sub="learner-1")

    assert response.status_code == 302, response.content[:500]
    assert {i.sub: i.user_id for i in LtiIdentity.objects.all()} == before
    assert client.get("/api/v1/me/").json()["username"] == (
        LtiIdentity.objects.get(sub="learner-1").user.get_username()
    )
    assert Course.objects.get() == course
    assert LtiContext.objects.get().deployment == LtiDeployment.objects.get()


@pytest.mark.django_db
def test_platforms_registered_by_hand_count_as_approved_and_dynamic_ones_stay_as_they_were():
    by_hand = _platform("https://a.example", "1")
    dynamic = _platform("https://b.example", "1", registered_via=RegisteredVia.DYNAMIC)

    _migrate()

    by_hand.refresh_from_db()
    dynamic.refresh_from_db()
    assert by_hand.approved_at == by_hand.created_at
    assert dynamic.is_active and dynamic.approved_at is None
    assert dynamic.status == PlatformStatus.ACTIVE


@pytest.mark.django_db
def test_a_context_gets_the_deployment_it_can_be_told_and_none_when_it_cannot():
    single = _platform("https://one.example", "1")
    several = _platform("https://many.example", "d1", "d2")
    plain = _course(single, "ctx-1")
    named = _course(several, "~deployment~d2")
    unknown = _course(several, "ctx-2")

    _migrate()

    contexts = {c.course_id: c for c in LtiContext.objects.select_related("deployment")}
    assert contexts[plain.pk].deployment.deployment_id == "1"
    assert contexts[plain.pk].context_id == "ctx-1"
    assert contexts[named.pk].deployment.deployment_id == "d2"
    assert contexts[unknown.pk].deployment is None
    assert contexts[unknown.pk].context_id == "ctx-2"


@pytest.mark.django_db
def test_an_identity_used_through_several_deployments_keeps_one_user_in_each_without_admin():
    several = _platform("https://many.example", "d1", "d2")
    course = _course(several, "ctx-1")  # its deployment cannot be told
    user = UserFactory()
    Enrolment.objects.create(course=course, user=user)
    LtiIdentity.objects.create(issuer=several.issuer, sub="s1", user=user, is_platform_admin=True)

    _migrate()

    identities = LtiIdentity.objects.filter(sub="s1").select_related("deployment")
    assert sorted(i.deployment.deployment_id for i in identities) == ["d1", "d2"]
    assert {i.user_id for i in identities} == {user.pk}
    assert not any(i.is_platform_admin for i in identities)


@pytest.mark.django_db
def test_an_identity_with_one_deployment_keeps_its_platform_administration():
    single = _platform("https://one.example", "1")
    course = _course(single, "ctx-1")
    user = UserFactory()
    Enrolment.objects.create(course=course, user=user)
    LtiIdentity.objects.create(issuer=single.issuer, sub="s1", user=user, is_platform_admin=True)

    _migrate()

    identity = LtiIdentity.objects.get()
    assert identity.deployment.deployment_id == "1"
    assert identity.is_platform_admin


@pytest.mark.django_db
def test_an_identity_whose_issuer_has_no_registration_left_is_kept_unreachable():
    LtiIdentity.objects.create(issuer="https://gone.example", sub="s1", user=UserFactory())

    _migrate()

    assert LtiIdentity.objects.get().deployment is None


def test_a_context_whose_deployment_was_unknown_is_claimed_by_the_next_launch_from_its_platform(
    client, platform
):
    LtiDeployment.objects.create(platform=platform.registered, deployment_id="deployment-2")
    launch(Client(), platform, sub="teacher-1", roles=[ADMIN])
    course = Course.objects.get()
    _as_before_the_migration()
    _migrate()
    assert LtiContext.objects.get().deployment is None

    response = launch(client, platform, sub="learner-1")

    assert response.status_code == 302
    assert Course.objects.get() == course
    assert LtiContext.objects.get().deployment.deployment_id == platform.deployment_id
