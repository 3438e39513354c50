"""Access for instructor pages: a course the user teaches, or 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from ...models import Course
from ...permissions import teaches


def instructor_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Log in, then require that the user teaches the URL's course; passes the Course.

    A learner gets 403 (they know the course exists); an unknown course is 404.
    """

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, course: str, *args, **kwargs) -> HttpResponse:
        course_obj = Course.objects.select_related("article").filter(slug=course).first()
        if course_obj is None:
            raise Http404("No such course.")
        if not teaches(request.user, course_obj):
            raise PermissionDenied("Only the course's instructors may open this page.")
        return view(request, course_obj, *args, **kwargs)

    return wrapper
