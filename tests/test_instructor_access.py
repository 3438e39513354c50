"""Every instructor URL answers 403 to a learner of the course, and 302 to anonymous users."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import get_resolver

from quizzes.models import Question, Quiz
from tests.factories import course_with_learner

pytestmark = pytest.mark.django_db


def teach_routes() -> list[str]:
    """The URL templates of the teach namespace, e.g. 'teach/<slug:course>/questions/<id:question>/'."""
    resolver = get_resolver()
    teach = next(p for p in resolver.url_patterns if getattr(p, "namespace", None) == "teach")
    routes = []

    def walk(patterns, prefix):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                routes.append(prefix + str(pattern.pattern))

    walk(teach.url_patterns, "teach/")
    return routes


def concrete(route: str, course: str, ids: dict[str, int]) -> str:
    def fill(match: re.Match) -> str:
        converter, name = match.group(1), match.group(2)
        if name == "course":
            return course
        if converter in ("int", "id"):
            return str(ids.get(name, 1))
        return "single_choice" if name == "qtype" else "x"

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)


def test_the_walk_covers_the_instructor_area():
    routes = teach_routes()
    assert len(routes) >= 8
    assert any("questions/<id:question>/edit/" in r for r in routes)


def test_a_learner_gets_403_on_every_instructor_url():
    course, learner = course_with_learner()
    ids = {"question": Question.objects.first().pk, "quiz": Quiz.objects.get(key="final-exam").pk}
    client = Client()
    client.force_login(learner)
    for route in teach_routes():
        url = concrete(route, course.slug, ids)
        for method in (client.get, client.post):
            status = method(url).status_code
            assert status in (403, 405), f"{method.__name__.upper()} {url} answered {status}"
            if method is client.post and status == 405:
                assert client.get(url).status_code == 403


def test_anonymous_users_are_sent_to_log_in():
    course, _ = course_with_learner()
    client = Client()
    for route in teach_routes():
        response = client.get(concrete(route, course.slug, {}))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], route
