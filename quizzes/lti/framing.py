"""Letting platforms show kzstudy in their frames: a CSP `frame-ancestors` naming the platform's
origins replaces X-Frame-Options for LTI sessions and the LTI pages themselves."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

SESSION_KEY = "kzstudy_lti_frame_origins"


def origin(url: object) -> str | None:
    try:
        parts = urlsplit(url) if isinstance(url, str) else None
    except ValueError:  # an unclosed "[::1" from a platform or a registration request
        return None
    if parts is None or parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def origins(urls: Iterable[object]) -> list[str]:
    found = {o for o in (origin(u) for u in urls) if o}
    found |= set(getattr(settings, "LTI_FRAME_ANCESTORS", []))
    return sorted(found)


def allow(response: HttpResponse, frame_origins: list[str]) -> HttpResponse:
    """Mark a response as frameable by these origins (the middleware writes the header)."""
    response.lti_frame_origins = frame_origins
    return response


class LtiFramingMiddleware:
    """Runs before XFrameOptionsMiddleware on the way out (it is listed after it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        frame_origins = getattr(response, "lti_frame_origins", None)
        if frame_origins is None and hasattr(request, "session"):
            frame_origins = request.session.get(SESSION_KEY)
        if frame_origins:
            response.xframe_options_exempt = True
            response["Content-Security-Policy"] = "frame-ancestors 'self' " + " ".join(
                frame_origins
            )
        return response
