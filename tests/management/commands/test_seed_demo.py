"""seed_demo: demo accounts in a demo course, only with DEBUG on."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from quizzes.models import Course, Enrolment

pytestmark = pytest.mark.django_db


def sign_in(name: str, password: str):
    """The user a login form would sign in (login throttling needs the request)."""
    return authenticate(RequestFactory().post("/accounts/login/"), username=name, password=password)


def test_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not Course.objects.filter(slug="demo").exists()


def test_creates_the_four_accounts_in_one_course_and_prints_them(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    for name in ("student", "student2", "instructor", "admin"):
        assert sign_in(name, name) is not None
        assert name in out
    roles = dict(
        Enrolment.objects.filter(course__slug="demo").values_list("user__username", "role")
    )
    assert roles == {"student": "learner", "student2": "learner", "instructor": "instructor"}
    assert sign_in("admin", "admin").is_superuser
    assert Course.objects.get(slug="demo").article.slug == "human-rights-reforms-in-kazakhstan"


def test_running_again_changes_nothing(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    before = list(Enrolment.objects.values_list("pk", "user_id", "role"))
    call_command("seed_demo")
    assert list(Enrolment.objects.values_list("pk", "user_id", "role")) == before
