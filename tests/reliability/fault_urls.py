"""The site's URLs plus views for the error tests: one that writes only the session, so the
session's save (in SessionMiddleware, on the way out) is the first thing to reach the database
(an outage in a middleware rather than in a view); one with a bug; one that refuses."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from kzstudy.urls import urlpatterns as site_urlpatterns


def remember_choice(request: HttpRequest) -> HttpResponse:
    request.session["choice"] = "kept for later"
    return HttpResponse("remembered")


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug, not an outage")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("Only the course's instructors may open this page.")


urlpatterns = [
    path("remember/", remember_choice),
    path("broken/", broken),
    path("forbidden/", forbidden),
    *site_urlpatterns,
]

from kzstudy.urls import handler400, handler403, handler404, handler500  # noqa: E402, F401
