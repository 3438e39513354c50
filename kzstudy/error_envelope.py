"""The one JSON shape of an error, for the API and for every JSON answer of a middleware or an
error page: {"error": {"code", "message", "field", "details"}} (docs/api.md, "Errors").

A leaf module (no imports from the project) so the middlewares, the error pages and the API can
all build it without importing one another."""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse


def error_body(code: str, message: str, field: str | None = None, details: Any = None) -> dict:
    """The error envelope: a stable `code`, a `message` for people, the `field` at fault (or
    None) and machine-readable `details` (or None)."""
    return {"error": {"code": code, "message": message, "field": field, "details": details}}


def json_error(
    code: str, message: str, status: int, *, field: str | None = None, details: Any = None
) -> JsonResponse:
    """The envelope as a response with its status."""
    return JsonResponse(error_body(code, message, field, details), status=status)
