"""NUL characters are refused at the door: 400 before any view, form or query sees them.

PostgreSQL stores no NUL (0x00) in text or JSON, so a NUL that reaches a query is a 500 there
(and a string SQLite keeps but nothing else can read). Rather than guard every field of every
form, serializer and LTI claim, this middleware refuses a request with a NUL in its path, query
string, cookies, form fields or JSON body. Answers saved by code rather than by a request are
guarded again where they are normalised (`QuestionType.read_answer`).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

from .error_envelope import json_error

logger = logging.getLogger("kzstudy.security")

NUL = "\x00"
# In JSON a NUL can only be written as the escape \u0000 (a raw control character is invalid
# JSON, which the parser refuses anyway); an escaped backslash before "u0000" is plain text.
JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
MESSAGE = "The request contains a NUL character, which no field accepts."
# Half of a UTF-16 surrogate pair, alone: JSON can write one (\ud800), but it is no character
# and nothing can encode it, so once stored it breaks every page and document that shows it. A
# whole pair (an emoji written as two escapes) decodes to one character and is welcome.
JSON_SURROGATE = re.compile(rb"(?<!\\)(?:\\\\)*\\u[dD][89a-fA-F]")
SURROGATE = re.compile("[\ud800-\udfff]")
SURROGATE_MESSAGE = "The request contains half of a UTF-16 surrogate pair, which is no character."


def strings_in(value: Any) -> Iterator[str]:
    """Every string in decoded JSON, keys included.

    Walked with a stack rather than by recursion: JSON that the parser could read may still nest
    deeper than the interpreter's recursion limit allows a recursive walk to follow (a 500).
    """
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, str):
            yield current
        elif isinstance(current, dict):
            stack += current.keys()
            stack += current.values()
        elif isinstance(current, list):
            stack += current


def has_nul(value: Any) -> bool:
    """Whether a NUL character hides anywhere in decoded JSON."""
    return any(NUL in text for text in strings_in(value))


def _field_in(pairs) -> str | None:
    """The first field whose name or a value holds a NUL character."""
    for key, values in pairs:
        if NUL in key or any(NUL in value for value in values):
            return key.replace(NUL, "")
    return None


def _json_field(body: bytes) -> str:
    """The top-level field of a JSON body that holds the NUL ("body" if it is not a field)."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # unreadable, or nested deeper than the parser follows
        return "body"
    if isinstance(data, dict):
        return next((k for k, v in data.items() if has_nul(k) or has_nul(v)), "body")
    return "body"


def nul_found_in(request: HttpRequest) -> tuple[str, str] | None:
    """Where a NUL character sits: the part of the request ("path", "query", "cookie",
    "form", "body") and the field it is in; None when there is none."""
    if NUL in request.path:
        return "path", "path"
    if (field := _field_in(request.GET.lists())) is not None:
        return "query", field
    if (field := _field_in((k, [v]) for k, v in request.COOKIES.items())) is not None:
        return "cookie", field
    content_type = request.content_type or ""
    if request.method == "GET":
        return None
    if content_type in FORM_TYPES and (field := _field_in(request.POST.lists())) is not None:
        return "form", field
    if (content_type == "application/json" or content_type.endswith("+json")) and (
        NUL.encode() in request.body or JSON_NUL.search(request.body)
    ):
        return "body", _json_field(request.body)
    return None


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def lone_surrogate_in(request: HttpRequest) -> bool:
    """Whether a JSON body holds a lone surrogate (forms and URLs are decoded from UTF-8, which
    cannot carry one). Parsed only when the body has such an escape."""
    content_type = request.content_type or ""
    if request.method == "GET" or not (
        content_type == "application/json" or content_type.endswith("+json")
    ):
        return False
    if not JSON_SURROGATE.search(request.body):
        return False
    try:
        data = json.loads(request.body)
    except (ValueError, RecursionError):
        return False  # the parser refuses it with its own 400
    return any(SURROGATE.search(text) for text in strings_in(data))


class RejectNulMiddleware:
    """Answer 400 to a request with a NUL character anywhere a view could read it, or a lone
    surrogate in its JSON body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if lone_surrogate_in(request):
            logger.warning("Refused a request with a lone surrogate in its body: %r", request.path)
            if _wants_json(request):
                return json_error("lone_surrogate", SURROGATE_MESSAGE, 400, field="body")
            return HttpResponseBadRequest(
                SURROGATE_MESSAGE, content_type="text/plain; charset=utf-8"
            )
        found = nul_found_in(request)
        if found is None:
            return self.get_response(request)
        part, field = found
        logger.warning("Refused a request with a NUL character in its %s: %r", part, request.path)
        if _wants_json(request):
            return json_error("nul_character", MESSAGE, 400, field=field)
        return HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
