"""Ordering on the page: a position number per item (keyboard-friendly, no drag and drop)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext

from ..base import FaceList, InvalidResponse, Ordered, QuestionType, positions_of, scrambled_texts
from ..choices import letter

POSITION = "pos-"


def learner_fields(payload: Mapping[str, Any], ordered: Ordered) -> dict[str, Any]:
    """The items in the (shuffled) order shown."""
    return {"items": ordered(payload["items"])}


def answer_widget(question: Mapping[str, Any], answer: Mapping[str, Any]) -> dict[str, Any]:
    """Each item with the position the learner gave it, and the positions to choose from."""
    order = answer.get("order") or []
    return {
        "items": [
            {**item, "position": positions_of(order, item["id"])} for item in question["items"]
        ],
        "positions": list(range(1, len(question["items"]) + 1)),
    }


def read_post(post: QueryDict, prefix: str) -> dict[str, Any]:
    """`{"order": [key, ...]}` from the `pos-<key>` numbers; None when no item is placed;
    InvalidResponse for positions that cannot make an order."""
    start = f"{prefix}{POSITION}"
    positions = {name[len(start) :]: v for name, v in post.items() if name.startswith(start)}
    if not positions:
        return {}
    return {"order": order_from_positions(positions)}


def order_from_positions(positions: dict[str, str]) -> list[str] | None:
    """Keys sorted by their position numbers (all given, all different)."""
    if not any(positions.values()):
        return None
    if not all(v.isascii() and v.isdigit() and len(v) < 6 for v in positions.values()):
        raise InvalidResponse("Give every item a position.")
    if len(set(positions.values())) != len(positions):
        raise InvalidResponse("Give each item a different position.")
    return sorted(positions, key=lambda key: int(positions[key]))


def staff_key_rows(
    question: Mapping[str, Any], payload: Mapping[str, Any], answer: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Each item as shown, where the learner put it and where it belongs."""
    order = answer.get("order") or []
    right = [item["key"] for item in payload["items"]]
    return [
        {
            "label": letter(n),
            "text": item["text"],
            "position": positions_of(order, item["id"]),
            "key_position": positions_of(right, item["id"]),
        }
        for n, item in enumerate(question["items"])
    ]


def study_faces(
    question_type: QuestionType, payload: Mapping[str, Any]
) -> tuple[list[FaceList], FaceList]:
    """The items, scrambled, on the front; the right order behind."""
    prompts = [FaceList(gettext("Put these in order"), scrambled_texts(payload["items"]))]
    key = FaceList(gettext("Right order"), question_type.correct_texts(payload), is_ordered=True)
    return prompts, key
