"""NUL characters are refused at the door: 400 before any view, form or query sees them.

PostgreSQL stores no NUL (0x00) in text or JSON, so a NUL that reaches a query is a 500 there
(and a string SQLite keeps but nothing else can read). Rather than guard every field of every
form, serializer and LTI claim, this middleware refuses a request with a NUL in its path, query
string, cookies, form fields or JSON body. Answers saved by code rather than by a request are
guarded again where they are normalised (`QuestionType.read_answer`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

logger = logging.getLogger("kzstudy.security")

NUL = "\x00"
# In JSON a NUL can only be written as the escape \u0000 (a raw control character is invalid
# JSON, which the parser refuses anyway); an escaped backslash before "u0000" is plain text.
JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
MESSAGE = "The request contains a NUL character, which no field accepts."


def _in_pairs(pairs) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in pairs)


def nul_found_in(request: HttpRequest) -> str | None:
    """Which part of the request carries a NUL character ("path", "query", …), or None."""
    if NUL in request.path:
        return "path"
    if _in_pairs(request.GET.lists()):
        return "query"
    if any(NUL in name or NUL in value for name, value in request.COOKIES.items()):
        return "cookie"
    content_type = request.content_type or ""
    if request.method == "GET":
        return None
    if content_type in FORM_TYPES and _in_pairs(request.POST.lists()):
        return "form"
    if (content_type == "application/json" or content_type.endswith("+json")) and (
        NUL.encode() in request.body or JSON_NUL.search(request.body)
    ):
        return "body"
    return None


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


class RejectNulMiddleware:
    """Answer 400 to a request with a NUL character anywhere a view could read it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        where = nul_found_in(request)
        if where is None:
            return self.get_response(request)
        logger.warning("Refused a request with a NUL character in its %s: %r", where, request.path)
        if _wants_json(request):
            error = {"code": "nul_character", "message": MESSAGE, "field": where, "details": None}
            return JsonResponse({"error": error}, status=400)
        return HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
