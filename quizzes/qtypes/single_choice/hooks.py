"""Single choice on the page: the picked choice's radio button, and the one field it posts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import QueryDict

from ..choices import checked_options


def answer_widget(question: Mapping[str, Any], answer: Mapping[str, Any]) -> dict[str, Any]:
    """The choices with the picked one checked."""
    return checked_options(question, picked_options(answer))


def read_post(post: QueryDict, prefix: str) -> dict[str, Any]:
    """`{"choice": key}` from the radio group (a blank one clears the answer)."""
    if f"{prefix}choice" not in post:
        return {}
    return {"choice": post.get(f"{prefix}choice") or None}


def picked_options(answer: Any) -> list[str]:
    """The one choice picked, if any."""
    if not isinstance(answer, Mapping) or not answer.get("choice"):
        return []
    return [answer["choice"]]
