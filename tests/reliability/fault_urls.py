"""The site's URLs plus a view that writes only the session, so the session's save (in
SessionMiddleware, on the way out) is the first thing to reach the database: an outage in a
middleware rather than in a view."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from kzstudy.urls import urlpatterns as site_urlpatterns


def remember_choice(request: HttpRequest) -> HttpResponse:
    request.session["choice"] = "kept for later"
    return HttpResponse("remembered")


urlpatterns = [path("remember/", remember_choice), *site_urlpatterns]

from kzstudy.urls import handler400, handler403, handler404, handler500  # noqa: E402, F401
