"""Numeric on the page: one number box, with the unit shown beside it when there is one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import QueryDict

from ..base import Ordered


def learner_fields(payload: Mapping[str, Any], ordered: Ordered) -> dict[str, Any]:
    """The unit, if the question has one (the answer and tolerance are the key)."""
    return {"unit": payload["unit"]} if payload.get("unit") else {}


def read_post(post: QueryDict, prefix: str) -> dict[str, Any]:
    """`{"value": …}` as typed, blank as no answer (the type reads the number)."""
    if f"{prefix}value" not in post:
        return {}
    return {"value": (post.get(f"{prefix}value") or "").strip() or None}


def staff_key_rows(
    question: Mapping[str, Any], payload: Mapping[str, Any], answer: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """No options to lay out: the answer and the key are shown as texts."""
    return []
