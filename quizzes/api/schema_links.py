"""OpenAPI links for the attempt flow, so a client (or schemathesis's stateful testing) can
follow quizzes → start → read → answer → submit → answer again from the ids each response
carries."""

from __future__ import annotations

ATTEMPT_FROM_BODY = {"attempt_id": "$response.body#/id"}
SAME_ATTEMPT = {"attempt_id": "$request.path.attempt_id"}
FIRST_QUESTION = {**ATTEMPT_FROM_BODY, "question_id": "$response.body#/questions/0/id"}
SAME_QUESTION = {**SAME_ATTEMPT, "question_id": "$request.path.question_id"}

# A follow-up that is valid for any question type: flag the question, leave it unanswered.
FLAG = {"answer": None, "flagged": True}

# operationId → response status → link name → (target operationId, parameters[, body]).
LINKS: dict[str, dict[str, dict[str, tuple]]] = {
    "quizzes_list": {
        "200": {"StartAttempt": ("attempt_start", {"quiz_id": "$response.body#/results/0/id"})}
    },
    "attempt_start": {
        status: {
            "GetAttempt": ("attempt_get", ATTEMPT_FROM_BODY),
            "AnswerFirstQuestion": ("answer_put", FIRST_QUESTION),
            "FlagFirstQuestion": ("answer_put", FIRST_QUESTION, FLAG),
            "SubmitAttempt": ("attempt_submit", ATTEMPT_FROM_BODY),
        }
        for status in ("200", "201")
    },
    "attempt_get": {
        "200": {
            "AnswerFirstQuestion": ("answer_put", FIRST_QUESTION),
            "FlagFirstQuestion": ("answer_put", FIRST_QUESTION, FLAG),
            "SubmitAttempt": ("attempt_submit", ATTEMPT_FROM_BODY),
        }
    },
    "answer_put": {
        "200": {
            "AnswerAgain": ("answer_put", SAME_QUESTION),
            "GetAttempt": ("attempt_get", SAME_ATTEMPT),
            "SubmitAttempt": ("attempt_submit", SAME_ATTEMPT),
        }
    },
    "attempt_submit": {
        "200": {
            "GetAttempt": ("attempt_get", SAME_ATTEMPT),
            # Then GetAttempt → FlagFirstQuestion: a change after submitting must be refused.
            "SubmitAgain": ("attempt_submit", SAME_ATTEMPT),
        }
    },
}


def _link(target: str, parameters: dict[str, str], body: dict | None = None) -> dict:
    link: dict = {"operationId": target, "parameters": dict(parameters)}
    if body is not None:
        link["requestBody"] = body
    return link


def add_attempt_links(result, generator, request, public):
    """drf-spectacular post-processing hook: add `LINKS` to the operations' responses."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for status, links in LINKS.get(operation.get("operationId"), {}).items():
                response = operation.get("responses", {}).get(status)
                if response is None:
                    continue
                response["links"] = {name: _link(*link) for name, link in links.items()}
    return result
