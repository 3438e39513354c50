"""The admin: every model listed; attempts readable but not editable; hostile selections and
date drill-downs refused, never a 500."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from quizzes import models
from quizzes.admin_guard import GuardedAdmin
from tests.factories import CourseFactory, UserFactory, fixed_quiz, make_attempt, make_question

pytestmark = pytest.mark.django_db


def test_every_model_has_a_working_changelist(admin_client):
    make_attempt(questions=[make_question()])
    for model in (m for m in admin.site._registry if m._meta.app_label == "quizzes"):
        url = reverse(f"admin:quizzes_{model._meta.model_name}_changelist")
        assert admin_client.get(url).status_code == 200, url
    registered = {m for m in admin.site._registry if m._meta.app_label == "quizzes"}
    every_model = {
        m
        for m in models.__dict__.values()
        if isinstance(m, type) and hasattr(m, "_meta") and not m._meta.abstract
    }
    # A quiz's slots are read on its own page: they change in the quiz builder only.
    assert registered == every_model - {models.QuizSlot}


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


# What an action's checkboxes can be made to post: not an id, and ids no column can hold.
IMPOSSIBLE_SELECTIONS = ["abc", "1.5", str(10**30), str(2**63)]


@pytest.mark.parametrize("selected", IMPOSSIBLE_SELECTIONS)
def test_an_admin_action_on_a_selection_naming_no_possible_record_is_a_400(admin_client, selected):
    attempt = make_attempt(questions=[make_question()])
    response = admin_client.post(
        reverse("admin:quizzes_attempt_changelist"),
        {"action": "export_attempts_csv", "index": "0", "_selected_action": [attempt.pk, selected]},
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_a_delete_action_with_an_impossible_selection_deletes_nothing(admin_client):
    tag = models.Tag.objects.create(name="week-3")
    response = admin_client.post(
        reverse("admin:quizzes_tag_changelist"),
        {"action": "delete_selected", "index": "0", "_selected_action": [tag.pk, "abc"]},
    )
    assert response.status_code == 400
    assert models.Tag.objects.filter(pk=tag.pk).exists()


def test_deleting_users_with_a_forged_selection_is_a_400_and_deletes_no_one(admin_client):
    """Django's own user admin, guarded like the project's: before, a 500."""
    user = UserFactory()
    response = admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "delete_selected", "index": "0", "_selected_action": [user.pk, "abc"]},
    )
    assert response.status_code == 400
    assert User.objects.filter(pk=user.pk).exists()


def test_an_admin_action_on_real_records_still_runs(admin_client):
    attempt = make_attempt(questions=[make_question()])
    response = admin_client.post(
        reverse("admin:quizzes_attempt_changelist"),
        {"action": "export_attempts_csv", "index": "0", "_selected_action": [attempt.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize(
    "drilldown",
    [
        {"started_at__year": "9999"},
        {"started_at__year": "9999", "started_at__month": "12"},
        {"started_at__year": "9999", "started_at__month": "12", "started_at__day": "31"},
        {"started_at__year": str(10**30)},
    ],
)
def test_a_date_drilldown_past_the_calendars_end_is_a_bad_filter_not_a_500(admin_client, drilldown):
    url = reverse("admin:quizzes_attempt_changelist")
    response = admin_client.get(url, drilldown)
    # The admin's answer to any filter it cannot apply: back to the list with ?e=1.
    assert response.status_code == 302
    assert response["Location"] == f"{url}?e=1"


def test_every_admin_of_the_site_refuses_hostile_selections_and_drilldowns():
    """Django's own and other apps' admins too (users, groups, sign-in records, tasks)."""
    unguarded = [
        type(model_admin).__name__
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, GuardedAdmin)
    ]
    assert unguarded == []
    assert {model._meta.app_label for model in admin.site._registry} >= {"auth", "axes", "quizzes"}


def test_a_quiz_is_changed_in_the_builder_not_in_the_admin(admin_client):
    """Before, the admin's quiz form saved slot marks too large for an attempt, and a new
    grading method without recomputing anyone's grade: every rule of the builder bypassed."""
    course = CourseFactory()
    quiz = fixed_quiz([make_question()], course=course, grading_method="highest")
    change = reverse("admin:quizzes_quiz_change", args=[quiz.pk])

    page = admin_client.get(change)
    posted = admin_client.post(change, {"title": "Renamed", "grading_method": "average"})

    assert page.status_code == 200  # to read, with a link to the builder from the list
    assert posted.status_code == 403
    quiz.refresh_from_db()
    assert (quiz.title, quiz.grading_method) != ("Renamed", "average")
    assert admin_client.get(reverse("admin:quizzes_quiz_add")).status_code == 403
    listing = admin_client.get(reverse("admin:quizzes_quiz_changelist")).content.decode()
    assert reverse("teach:quiz_edit", args=[course.slug, quiz.pk]) in listing
