"""The LTI management commands: manual registration, key rotation, the grade worker's options."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from quizzes import clock
from quizzes.lti import keys
from quizzes.models import LtiDeployment, LtiKey, LtiPlatform

from .conftest import launch

ARGS = [
    "--issuer",
    "https://lms.example.edu",
    "--client-id",
    "abc123",
    "--deployment-id",
    "1",
    "--auth-url",
    "https://lms.example.edu/auth",
    "--token-url",
    "https://lms.example.edu/token",
    "--jwks-url",
    "https://lms.example.edu/jwks",
]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_lti_add_platform_registers_a_platform_and_its_deployment():
    assert "Registered https://lms.example.edu" in run("lti_add_platform", *ARGS)
    platform = LtiPlatform.objects.get(issuer="https://lms.example.edu", client_id="abc123")
    assert platform.auth_token_url == "https://lms.example.edu/token"
    assert list(platform.deployments.values_list("deployment_id", flat=True)) == ["1"]


@pytest.mark.django_db
def test_lti_add_platform_again_updates_and_adds_deployments():
    run("lti_add_platform", *ARGS)
    out = run(
        "lti_add_platform",
        *ARGS[:-2],
        "--jwks-url",
        "https://lms.example.edu/keys",
        "--deployment-id",
        "2",
    )
    assert out.startswith("Updated")
    platform = LtiPlatform.objects.get()
    assert platform.key_set_url == "https://lms.example.edu/keys"
    assert set(LtiDeployment.objects.values_list("deployment_id", flat=True)) == {"1", "2"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--auth-url", "not a url", "--auth-url"),
        ("--jwks-url", "ftp://lms.example.edu/jwks", "--jwks-url"),
        ("--issuer", " ", "--issuer"),
    ],
)
def test_lti_add_platform_refuses_bad_values_and_stores_nothing(flag, value, message):
    args = list(ARGS)
    args[args.index(flag) + 1] = value
    with pytest.raises(CommandError, match=message):
        call_command("lti_add_platform", *args, stdout=io.StringIO())
    assert not LtiPlatform.objects.exists()


def test_lti_add_platform_is_enough_to_launch(client, unregistered_platform):
    p = unregistered_platform
    run(
        "lti_add_platform",
        "--issuer", p.issuer, "--client-id", p.client_id, "--deployment-id", p.deployment_id,
        "--auth-url", p.auth_url, "--token-url", p.token_url, "--jwks-url", p.jwks_url,
    )  # fmt: skip
    assert launch(client, p).status_code == 302


@pytest.mark.django_db
def test_lti_rotate_keys_publishes_both_keys_during_the_overlap_then_only_the_new_one():
    old = keys.signing_key()

    out = run("lti_rotate_keys", "--overlap-hours", "24")

    new = keys.signing_key()
    assert new.kid != old.kid and new.kid in out and old.kid in out
    published = {k["kid"] for k in keys.public_jwks()["keys"]}
    assert published == {old.kid, new.kid}
    LtiKey.objects.filter(pk=old.pk).update(retires_at=clock.now() - timedelta(seconds=1))
    assert {k["kid"] for k in keys.public_jwks()["keys"]} == {new.kid}


@pytest.mark.django_db
@pytest.mark.parametrize("hours", ["-1", "nan", "inf", "1e9", "99999999999999"])
def test_lti_rotate_keys_refuses_an_overlap_that_is_no_number_of_hours_and_keeps_the_key(hours):
    before = keys.signing_key()
    with pytest.raises(CommandError, match="from 0 to"):
        call_command("lti_rotate_keys", "--overlap-hours", hours, stdout=io.StringIO())
    assert keys.signing_key().kid == before.kid


@pytest.mark.django_db
def test_lti_worker_refuses_nonsense_options():
    with pytest.raises(CommandError):
        call_command("lti_worker", "--once", "--batch", "0", stdout=io.StringIO())


@pytest.mark.django_db
def test_lti_worker_once_with_nothing_queued_says_so():
    assert "Done: 0 sent" in run("lti_worker", "--once")


@pytest.mark.django_db
def test_lti_add_platform_refuses_plain_http_unless_allowed(settings):
    settings.LTI_ALLOW_HTTP = False
    args = list(ARGS)
    args[args.index("--token-url") + 1] = "http://lms.example.edu/token"
    with pytest.raises(CommandError, match=r"--token-url: .* is not an https URL"):
        call_command("lti_add_platform", *args, stdout=io.StringIO())
    assert not LtiPlatform.objects.exists()


@pytest.mark.django_db
def test_rerunning_lti_add_platform_keeps_a_name_and_audience_left_out():
    run("lti_add_platform", *ARGS, "--name", "Our Moodle", "--audience", "https://lms/aud")
    run("lti_add_platform", *ARGS)
    platform = LtiPlatform.objects.get()
    assert (platform.name, platform.auth_audience) == ("Our Moodle", "https://lms/aud")
