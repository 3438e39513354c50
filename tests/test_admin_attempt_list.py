"""The admin's list of attempts fits beside its filters (issue #14 item 11)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from quizzes import models
from tests.factories import make_attempt, make_question

pytestmark = pytest.mark.django_db


def test_the_attempt_list_has_one_score_column_and_leaves_the_course_to_the_filters():
    columns = admin.site._registry[models.Attempt].list_display
    assert columns == ("learner", "quiz", "attempt_number", "state", "result", "started_at")


def test_a_long_username_is_cut_short_with_the_whole_in_a_tooltip(admin_client):
    attempt = make_attempt(questions=[make_question()])
    attempt.user.username = "lti-" + "x" * 100
    attempt.user.save()
    html = admin_client.get(reverse("admin:quizzes_attempt_changelist")).content.decode()
    assert f'title="{attempt.user.username}"' in html
    assert f">{attempt.user.username}<" not in html


def test_the_score_column_shows_score_maximum_and_percent(admin_client):
    questions = [make_question() for _ in range(15)]
    make_attempt(
        questions=questions, state="submitted", submitted_at=timezone.now(), score=Decimal("12.5")
    )
    unscored = make_attempt(questions=[make_question()])
    html = admin_client.get(reverse("admin:quizzes_attempt_changelist")).content.decode()
    assert "12.5 / 15 (83.33%)" in html
    assert unscored.score is None and "–" in html


def test_the_attempt_list_sorts_by_score(admin_client):
    low = make_attempt(
        questions=[make_question()],
        state="submitted",
        submitted_at=timezone.now(),
        score=Decimal("0"),
    )
    high = make_attempt(
        questions=[make_question()],
        state="submitted",
        submitted_at=timezone.now(),
        score=Decimal("1"),
    )
    html = admin_client.get(
        reverse("admin:quizzes_attempt_changelist"), {"o": "-5"}
    ).content.decode()
    high_at = html.index(f"/admin/quizzes/attempt/{high.pk}/change/")
    assert high_at < html.index(f"/admin/quizzes/attempt/{low.pk}/change/")
