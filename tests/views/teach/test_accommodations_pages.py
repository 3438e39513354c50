"""The course's Accommodations page (issue #14 item 9): staff add, change and remove extra time,
attempts and close dates for a learner or a group; bad input is a form error that saves
nothing; the learner's quiz page and the staff's attempt page say an accommodation applies."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from quizzes import clock
from quizzes.models import Accommodation, AccommodationGroup, Attempt, Question
from quizzes.services.attempts import attempt_start
from tests.factories import UserFactory, course_with_learner, enrol, fixed_quiz

pytestmark = pytest.mark.django_db


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def setup():
    course, learner = course_with_learner()
    quiz = fixed_quiz(
        [Question.objects.get(key="introduction-01")],
        course=course,
        title="Midterm",
        time_limit_minutes=30,
        max_attempts=1,
    )
    return course, quiz, learner, enrol(course, role="instructor")


def page(course) -> str:
    return reverse("teach:accommodations", args=[course.slug])


def test_only_the_courses_staff_open_the_page(client, setup):
    course, _quiz, learner, teacher = setup
    client.force_login(learner)
    assert client.get(page(course)).status_code == 403
    assert (
        client.post(page(course), {"learner": learner.pk, "extra_minutes": 99}).status_code == 403
    )
    assert not Accommodation.objects.exists()
    client.force_login(teacher)
    assert client.get(page(course)).status_code == 200


def test_staff_give_extra_minutes_and_the_open_attempt_gets_them(client, setup):
    course, quiz, learner, teacher = setup
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    client.force_login(teacher)
    reply = client.post(
        page(course), {"learner": learner.pk, "quiz": quiz.pk, "extra_minutes": 15, "note": "DSA"}
    )
    assert reply.status_code == 302
    attempt.refresh_from_db()
    assert attempt.deadline == attempt.started_at + timedelta(minutes=45)
    listing = text_of(client.get(page(course)).content.decode())
    assert f"{learner.username} Midterm +15 min" in listing and "DSA" in listing
    staff_view = client.get(reverse("teach:attempt", args=[course.slug, attempt.pk]))
    assert "15 extra minutes" in text_of(staff_view.content.decode())


def test_the_learner_sees_their_longer_time_and_extra_attempt(client, setup):
    course, quiz, learner, teacher = setup
    client.force_login(teacher)
    client.post(page(course), {"learner": learner.pk, "extra_minutes": 15, "extra_attempts": 1})
    client.force_login(learner)
    html = client.get(reverse("quizzes:quiz", args=[course.slug, quiz.pk])).content.decode()
    text = text_of(html)
    assert "45 minutes (with your 15 extra)" in text
    assert "Attempts allowed 2 (2 left)" in text
    assert "you have 15 extra minutes, 1 extra attempt" in text


@pytest.mark.parametrize(
    "posted",
    [
        {"extra_minutes": -5},
        {"extra_minutes": "soon"},
        {"time_multiplier": "0.5"},
        {},
    ],
    ids=["negative-minutes", "not-a-number", "shorter-multiplier", "nothing-given"],
)
def test_bad_adjustments_are_form_errors_and_save_nothing(client, setup, posted):
    course, _quiz, learner, teacher = setup
    client.force_login(teacher)
    reply = client.post(page(course), {"learner": learner.pk, **posted})
    assert reply.status_code == 400
    assert "Nothing was saved" in reply.content.decode()
    assert not Accommodation.objects.exists()


def test_a_non_member_and_a_close_date_before_opening_are_refused(client, setup):
    course, quiz, learner, teacher = setup
    client.force_login(teacher)
    stranger = UserFactory()
    reply = client.post(page(course), {"learner": stranger.pk, "extra_minutes": 5})
    assert reply.status_code == 400 and "Select a valid choice" in reply.content.decode()
    quiz.opens_at = clock.now() + timedelta(days=3)
    quiz.closes_at = quiz.opens_at + timedelta(days=1)
    quiz.save()
    early = (quiz.opens_at - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    reply = client.post(page(course), {"learner": learner.pk, "quiz": quiz.pk, "closes_at": early})
    assert reply.status_code == 400
    assert "after the quiz opens" in reply.content.decode()
    assert not Accommodation.objects.exists()


def test_staff_change_and_remove_an_accommodation(client, setup):
    course, _quiz, learner, teacher = setup
    client.force_login(teacher)
    client.post(page(course), {"learner": learner.pk, "extra_minutes": 10})
    granted = Accommodation.objects.get()
    edit = reverse("teach:accommodation_edit", args=[course.slug, granted.pk])
    assert client.get(edit).status_code == 200
    assert client.post(edit, {"extra_minutes": -1}).status_code == 400
    assert client.post(edit, {"extra_minutes": 20, "note": "more"}).status_code == 302
    granted.refresh_from_db()
    assert granted.extra_minutes == 20 and granted.note == "more"
    delete = reverse("teach:accommodation_delete", args=[course.slug, granted.pk])
    assert client.post(delete).status_code == 302
    assert not Accommodation.objects.exists()


def test_another_courses_accommodation_is_not_found(client, setup):
    course, _quiz, _learner, teacher = setup
    other, other_learner = course_with_learner()
    theirs = Accommodation.objects.create(course=other, learner=other_learner, extra_minutes=5)
    client.force_login(teacher)
    edit = reverse("teach:accommodation_edit", args=[course.slug, theirs.pk])
    assert client.get(edit).status_code == 404
    delete = reverse("teach:accommodation_delete", args=[course.slug, theirs.pk])
    assert client.post(delete).status_code == 404
    assert Accommodation.objects.filter(pk=theirs.pk).exists()


def test_a_group_gets_an_accommodation_its_members_see(client, setup):
    course, quiz, learner, teacher = setup
    client.force_login(teacher)
    add_group = reverse("teach:accommodation_group_add", args=[course.slug])
    stranger = UserFactory()
    refused = client.post(add_group, {"name": "Readers", "members": [learner.pk, stranger.pk]})
    assert refused.status_code == 400 and not AccommodationGroup.objects.exists()
    assert client.post(add_group, {"name": "Readers", "members": [learner.pk]}).status_code == 302
    group = AccommodationGroup.objects.get()
    client.post(page(course), {"group": group.pk, "time_multiplier": "1.5"})
    listed = client.get(page(course))
    assert listed.status_code == 200, "a group's accommodation broke the list"
    assert 'Remove<span class="visually-hidden"> the accommodation of Readers' in (
        listed.content.decode()
    )
    client.force_login(learner)
    html = client.get(reverse("quizzes:quiz", args=[course.slug, quiz.pk])).content.decode()
    assert "45 minutes (with your 15 extra)" in text_of(html)


def test_the_gradebook_row_leads_to_the_learners_accommodations(client, setup):
    course, _quiz, learner, teacher = setup
    client.force_login(teacher)
    gradebook = client.get(reverse("teach:gradebook", args=[course.slug])).content.decode()
    link = f"{page(course)}?learner={learner.pk}"
    assert f'href="{link}"' in gradebook
    form = client.get(link).content.decode()
    assert re.search(rf'<option value="{learner.pk}" selected>', form)
    dashboard = client.get(reverse("teach:dashboard", args=[course.slug])).content.decode()
    assert f'href="{page(course)}"' in dashboard


def test_the_api_lists_gives_and_removes_accommodations(setup):
    course, quiz, learner, teacher = setup
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    api = APIClient()
    api.force_authenticate(teacher)
    url = f"/api/v1/courses/{course.pk}/accommodations/"
    bad = api.post(url, {"learner": learner.pk, "extra_minutes": -5}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "extra_minutes"
    stranger = api.post(url, {"learner": UserFactory().pk, "extra_minutes": 5}, format="json")
    assert stranger.status_code == 400 and stranger.json()["error"]["field"] == "learner"
    assert not Accommodation.objects.exists()
    made = api.post(url, {"learner": learner.pk, "extra_minutes": 15}, format="json")
    assert made.status_code == 201 and made.json()["quiz"] is None
    assert Attempt.objects.get(pk=attempt.pk).deadline == attempt.deadline + timedelta(minutes=15)
    listed = api.get(url).json()["results"]
    assert [(a["learner_username"], a["extra_minutes"]) for a in listed] == [(learner.username, 15)]
    assert api.delete(f"{url}{made.json()['id']}/").status_code == 204
    assert Attempt.objects.get(pk=attempt.pk).deadline == attempt.deadline
