"""Reads for course membership: a course with the user's role in it, when they belong to it.

The one definition the pages (`views/common.py`) and the API (`api/views_study.py`) share, so a
member is the same person through every door.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from ..models import Course
from ..permissions import courses_as_member, with_role


def course_for_member(
    user: AbstractBaseUser, *, slug: str | None = None, course_id: int | None = None
) -> Course | None:
    """The course named by slug or id, annotated with the user's `role` in it
    (`permissions.with_role`, one query), or None when the user is not a member
    (`permissions.courses_as_member`: enrolled, the course's platform not deactivated; or a
    site admin) or there is no such course; the two look the same, so no door reveals which
    courses exist."""
    courses = courses_as_member(user).select_related("article")
    courses = courses.filter(slug=slug) if course_id is None else courses.filter(pk=course_id)
    return with_role(courses, user).first()
