"""Access helpers shared by the page views."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404

from ..models import Course, CourseRole, Enrolment


def course_for_member(user: AbstractBaseUser, slug: str) -> tuple[Course, str]:
    """The course and the user's role in it; 404 when the user is not a member.

    Superusers count as instructors everywhere. A 404 (not 403) avoids revealing which
    courses exist.
    """
    course = Course.objects.select_related("article").filter(slug=slug).first()
    if course is None:
        raise Http404("No such course.")
    if user.is_superuser:
        return course, CourseRole.INSTRUCTOR
    role = Enrolment.objects.filter(course=course, user=user).values_list("role", flat=True).first()
    if role is None:
        raise Http404("No such course.")
    return course, role
