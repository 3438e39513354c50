"""OpenAPI post-processing: every operation documents the error envelope and its statuses."""

from __future__ import annotations

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "example": "invalid_answer"},
                "message": {
                    "type": "string",
                    "example": "The answer is not valid. Enter a number.",
                },
                "field": {"type": "string", "nullable": True, "example": "answer"},
                "details": {"nullable": True},
            },
        }
    },
}
COMMON_ERRORS = {
    "400": "Invalid input; nothing was changed.",
    "401": "No valid credentials (send a session cookie or `Authorization: Bearer <token>`).",
    "403": "Not allowed for this user, or CSRF check failed for a session request.",
    "404": "No such object for this user.",
    "405": "Method not allowed.",
    "409": "The attempt no longer takes answers (submitted or its time is up).",
    "429": "Too many writes; retry later.",
    "503": "The database is briefly unavailable (code `unavailable`): nothing was changed; "
    "retry after the `Retry-After` header's seconds.",
}
# Operations whose error statuses differ from the common ones (by operation id).
OPERATION_ERRORS = {
    "course_quiz_roster_list": {
        "409": "The course has no roster from a platform (it was not launched over LTI).",
        "502": "The course platform did not give the roster; try again later.",
    },
    "course_questions_import": {
        "415": "The body is not a multipart form (`multipart/form-data`).",
    },
}


def add_error_responses(result, generator, request, public):
    """Add the error envelope and the common error statuses to every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            errors = {**COMMON_ERRORS, **OPERATION_ERRORS.get(operation.get("operationId"), {})}
            for status, description in errors.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result
