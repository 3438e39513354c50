"""Access helpers shared by the page views."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404

from ..models import Course
from ..permissions import is_site_admin, with_role


def course_for_member(user: AbstractBaseUser, slug: str) -> tuple[Course, str]:
    """The course and the user's role in it (`permissions.with_role`, one query); 404 when the
    user is not a member (enrolled, or a site admin).

    A 404 (not 403) avoids revealing which courses exist.
    """
    courses = with_role(Course.objects.select_related("article").filter(slug=slug), user)
    if not is_site_admin(user):
        courses = courses.filter(enrolments__user=user)
    course = courses.first()
    if course is None:
        raise Http404("No such course.")
    return course, course.role
