"""Access helpers shared by the page views."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kzstudy.outage import try_again_context

from ..errors import TooManyWrites
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


def too_many_writes(request: HttpRequest, error: TooManyWrites) -> HttpResponse:
    """A page's answer to a learner past their write limit: 429 with Retry-After, as the API
    answers. A redirect back would hide the status and the wait from whoever retries; the "try
    again in a moment" page (the one a database outage shows) says how long to wait, and that
    nothing saved is lost."""
    reply = render(
        request,
        "503.html",
        {
            "message": error.message,
            "retry_after": error.retry_after,
            **try_again_context(request),
        },
        status=error.status,
    )
    for name, value in error.headers.items():
        reply[name] = value
    return reply
