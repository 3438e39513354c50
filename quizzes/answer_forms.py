"""Read answers from an attempt page's POST data into the API's answer shapes.

Field names are `q<question id>-<part>`; the shapes that come out are the same ones the REST
API takes, so one normalisation path (the question type's) serves pages and API alike.
"""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from .qtypes import InvalidResponse


def field_prefix(question_id: int) -> str:
    """The prefix of a question's form fields."""
    return f"q{question_id}-"


def question_ids_in(post: QueryDict) -> list[int]:
    """Question ids whose fields (or `q<id>-present` markers) appear in the POST data."""
    ids = set()
    for name in post:
        head, _, _ = name.partition("-")
        if head.startswith("q") and head[1:].isdigit():
            ids.add(int(head[1:]))
    return sorted(ids)


def raw_answer(qtype: str, post: QueryDict, question_id: int) -> dict[str, Any]:
    """The raw answer for one question; InvalidResponse for positions given twice."""
    p = field_prefix(question_id)
    if qtype == "single_choice":
        return {"choice": post.get(f"{p}choice") or None}
    if qtype == "multiple_response":
        return {"choices": post.getlist(f"{p}choices")}
    if qtype in ("true_false", "numeric"):
        return {"value": (post.get(f"{p}value") or "").strip() or None}
    if qtype == "short_answer":
        return {"text": post.get(f"{p}text", "")}
    if qtype == "matching":
        return {
            "pairs": {
                _suffix(n, f"{p}pair-"): v
                for n, v in post.items()
                if n.startswith(f"{p}pair-") and v
            }
        }
    if qtype == "ordering":
        return _order_from_positions(post, f"{p}pos-")
    raise InvalidResponse(f"Unknown question type {qtype!r}.")


def _suffix(name: str, prefix: str) -> str:
    return name[len(prefix) :]


def _order_from_positions(post: QueryDict, prefix: str) -> dict[str, Any]:
    """Items are placed with a position number each (keyboard-friendly, no drag and drop)."""
    positions = {_suffix(n, prefix): v for n, v in post.items() if n.startswith(prefix)}
    if not any(positions.values()):
        return {"order": None}
    if not all(v.isdigit() for v in positions.values()):
        raise InvalidResponse("Give every item a position.")
    if len(set(positions.values())) != len(positions):
        raise InvalidResponse("Give each item a different position.")
    return {"order": sorted(positions, key=lambda key: int(positions[key]))}
