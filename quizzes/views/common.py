"""Access helpers shared by the page views."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404

from ..models import Course
from ..selectors import membership


def course_for_member(user: AbstractBaseUser, slug: str) -> tuple[Course, str]:
    """The course and the user's role in it (`selectors.membership.course_for_member`); 404
    when the user is not a member (enrolled, or a site admin).

    A 404 (not 403) avoids revealing which courses exist.
    """
    course = membership.course_for_member(user, slug=slug)
    if course is None:
        raise Http404("No such course.")
    return course, course.role
