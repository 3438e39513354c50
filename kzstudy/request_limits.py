"""Request bodies larger than any page or API call needs are refused before anything reads them.

Django spools a multipart upload to a temporary file before a view can look at its size, and
the middlewares after this one read forms and JSON bodies; so without this guard a client could
make the server write gigabytes to disk, or parse them, before a form said "too large". The
largest legitimate body is a question-bank import (5 MB, `quizzes.exchange.MAX_UPLOAD_BYTES`)
plus its multipart envelope. A reverse proxy should refuse such bodies even earlier
(docs/operations.md: `client_max_body_size`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .error_envelope import json_error

logger = logging.getLogger("kzstudy.security")

MESSAGE = "The request is larger than kzstudy accepts ({limit} MB at most)."


def body_limit() -> int:
    """The largest request body accepted, in bytes."""
    return int(getattr(settings, "MAX_REQUEST_BODY_BYTES", 6 * 1024 * 1024))


def _declared_length(request: HttpRequest) -> int | None:
    """The body's declared length; None when the header is not a length at all."""
    raw = request.META.get("CONTENT_LENGTH") or "0"
    try:
        length = int(raw)
    except ValueError:
        return None
    return length if length >= 0 else None


def _refusal(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        code = "too_large" if status == 413 else "bad_request"
        return json_error(code, message, status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class RequestBodyLimitMiddleware:
    """413 for a body over the limit, 400 for a malformed Content-Length; nothing is read.

    Bodies without a Content-Length (chunked) are not read by Django's WSGI handler at all, so
    the declared length is the only way in.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = _declared_length(request)
        if length is None:
            return _refusal(request, 400, "The request's Content-Length is not a number.")
        limit = body_limit()
        if length > limit:
            logger.warning("Refused a %d-byte request body on %s", length, request.path)
            return _refusal(request, 413, MESSAGE.format(limit=limit // (1024 * 1024)))
        return self.get_response(request)
