"""The admin: every model listed; attempts readable but not editable."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from quizzes import models
from tests.factories import make_attempt, make_question

pytestmark = pytest.mark.django_db


def test_every_model_has_a_working_changelist(admin_client):
    make_attempt(questions=[make_question()])
    for model in (m for m in admin.site._registry if m._meta.app_label == "quizzes"):
        url = reverse(f"admin:quizzes_{model._meta.model_name}_changelist")
        assert admin_client.get(url).status_code == 200, url
    assert len([m for m in admin.site._registry if m._meta.app_label == "quizzes"]) == len(
        [
            m
            for m in models.__dict__.values()
            if isinstance(m, type) and hasattr(m, "_meta") and not m._meta.abstract
        ]
    )


def test_changelist_search_and_filters_work(admin_client):
    url = reverse("admin:quizzes_question_changelist")
    response = admin_client.get(url, {"q": "law-enforcement-abuse-0", "status__exact": "published"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "law-enforcement-abuse-01" in html and "introduction-01" not in html


def test_attempts_cannot_be_changed_or_deleted_through_the_admin(admin_client):
    attempt = make_attempt(questions=[make_question()])
    change = reverse("admin:quizzes_attempt_change", args=[attempt.pk])
    assert admin_client.get(change).status_code == 200
    response = admin_client.post(
        change, {"score": "1", "state": "submitted", "submitted_at": timezone.now()}
    )
    assert response.status_code == 403
    assert (
        admin_client.post(
            reverse("admin:quizzes_attempt_delete", args=[attempt.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    attempt.refresh_from_db()
    assert attempt.state == "in_progress" and attempt.score is None
