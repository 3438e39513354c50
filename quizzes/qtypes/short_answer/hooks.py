"""Short answer on the page: one text box; staff read the answer as the type summarises it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import QueryDict

from ..base import Ordered


def learner_fields(payload: Mapping[str, Any], ordered: Ordered) -> dict[str, Any]:
    """Nothing beyond the stem: the accepted answers are the key."""
    return {}


def read_post(post: QueryDict, prefix: str) -> dict[str, Any]:
    """`{"text": …}` as typed (the type normalises it)."""
    if f"{prefix}text" not in post:
        return {}
    return {"text": post.get(f"{prefix}text", "")}


def staff_key_rows(
    question: Mapping[str, Any], payload: Mapping[str, Any], answer: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """No options to lay out: the answer and the key are shown as texts."""
    return []
