"""Error pages: JSON under /api/ (the API's error envelope), the site's HTML pages elsewhere
(templates/403.html, 404.html, 500.html; 503.html for database and cache outages, see
kzstudy/outage.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views import defaults

from .error_envelope import json_error
from .outage import outage_response_for_current


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400."""
    if _is_api(request):
        return json_error("bad_request", "The request is malformed.", 400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """403."""
    if _is_api(request):
        return json_error("permission_denied", str(exception) or "Not allowed.", 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404."""
    if _is_api(request):
        return json_error("not_found", "No such endpoint or object.", 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 when what failed is the database or the cache (an exception in a middleware,
    such as the session read or save, reaches Django's handler500 rather than a middleware's
    hook)."""
    outage = outage_response_for_current(request)
    if outage is not None:
        return outage
    if _is_api(request):
        return json_error("server_error", "Something went wrong on our side.", 500)
    return defaults.server_error(request)
