"""One JSON shape for every error: {"error": {"code", "message", "field", "details"}}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from ..errors import (
    AttemptClosed,
    AttemptNotFound,
    CardNotFound,
    DomainError,
    PlatformUnavailable,
    QuizUnavailable,
    RosterUnavailable,
    SaveConflict,
    TooManyWrites,
)

DOMAIN_STATUS = {
    AttemptNotFound: status.HTTP_404_NOT_FOUND,
    CardNotFound: status.HTTP_404_NOT_FOUND,
    AttemptClosed: status.HTTP_409_CONFLICT,
    QuizUnavailable: status.HTTP_403_FORBIDDEN,
    RosterUnavailable: status.HTTP_409_CONFLICT,
    PlatformUnavailable: status.HTTP_502_BAD_GATEWAY,
    SaveConflict: status.HTTP_409_CONFLICT,
    TooManyWrites: status.HTTP_429_TOO_MANY_REQUESTS,
}


def error_body(code: str, message: str, field: str | None = None, details: Any = None) -> dict:
    """The error envelope."""
    return {"error": {"code": code, "message": message, "field": field, "details": details}}


def _first_message(detail: Any) -> tuple[str | None, str]:
    """The first field name and message of a DRF validation error."""
    if isinstance(detail, dict):
        for field, value in detail.items():
            inner_field, message = _first_message(value)
            return (field if field != "non_field_errors" else inner_field), message
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return None, str(detail)


def handler(exc: Exception, context: dict) -> Response | None:
    """Turn DRF, Django and domain errors into the error envelope."""
    if isinstance(exc, DomainError):
        code = next((c for kind, c in DOMAIN_STATUS.items() if isinstance(exc, kind)), 400)
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyWrites) else None
        return Response(error_body(exc.code, exc.message), status=code, headers=headers)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        field, message = _first_message(exc.detail)
        response.data = error_body("invalid", message, field, exc.detail)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = error_body(code if isinstance(code, str) else "error", str(detail))
    return response
