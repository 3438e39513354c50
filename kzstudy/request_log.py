"""Request ids and structured logs.

Every request carries an id: the incoming `X-Request-ID` when it is well formed (a proxy or
load balancer set it), else a new one. It is echoed in the response's `X-Request-ID` header
and stamped on every log record written while the request runs, so one grep finds all
that happened for a learner's complaint. `LOG_FORMAT=json` writes one JSON object a line
(time, level, logger, message, request_id, and the request's method, path, status and
duration on the access line) for log collectors; the default is plain text.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
# Letters, digits and a few separators, at most 128: enough for UUIDs and the ids of common
# proxies, and nothing that could forge a log line or a header.
WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}")
NO_REQUEST = "-"

current_request_id: ContextVar[str] = ContextVar("kzstudy_request_id", default=NO_REQUEST)
access_logger = logging.getLogger("kzstudy.request")

# Fields the access line adds to its record (`extra=`), written by the JSON formatter.
ACCESS_FIELDS = ("method", "path", "status", "duration_ms")


def request_id_from(header_value: str | None) -> str:
    """The caller's id when it is well formed, else a new random one."""
    if header_value and WELL_FORMED.fullmatch(header_value):
        return header_value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Outermost middleware: gives the request its id, logs one access line, echoes the id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get(HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        token = current_request_id.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            duration_ms = round((time.monotonic() - started) * 1000, 1)
            access_logger.info(
                "%s %s %s %sms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                },
            )
            return response
        finally:
            current_request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Stamps each record with the id of the request being served ("-" outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs a request's 4xx/5xx after the middleware returned: it passes the request.
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or current_request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", current_request_id.get()),
        }
        for name in ACCESS_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
