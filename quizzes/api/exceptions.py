"""The API's errors in the one JSON shape (`kzstudy.error_envelope`), with the status each
domain error names (`quizzes.errors`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from kzstudy.error_envelope import error_body

from ..errors import DomainError

__all__ = ["error_body", "handler"]


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
        body = error_body(exc.code, exc.message)
        return Response(body, status=exc.status, headers=exc.headers or None)
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
