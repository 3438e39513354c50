"""Fixtures of the instructors' API tests: a course on the shipped article and its teacher's
client. A module that needs another course defines its own `course`, which takes precedence."""

from __future__ import annotations

import pytest

from tests.api.helpers import client_for
from tests.factories import course_with_learner, enrol


@pytest.fixture
def course():
    return course_with_learner()[0]


@pytest.fixture
def teacher(course):
    return client_for(enrol(course, role="instructor"))
