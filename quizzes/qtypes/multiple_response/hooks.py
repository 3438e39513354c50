"""Multiple response on the page: a checkbox per choice, posted as one list."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import QueryDict

from ..choices import checked_options


def answer_widget(question: Mapping[str, Any], answer: Mapping[str, Any]) -> dict[str, Any]:
    """The choices with the picked ones checked."""
    return checked_options(question, picked_options(answer))


def read_post(post: QueryDict, prefix: str) -> dict[str, Any]:
    """`{"choices": [key, ...]}` from the checkboxes."""
    if f"{prefix}choices" not in post:
        return {}
    return {"choices": post.getlist(f"{prefix}choices")}


def picked_options(answer: Any) -> list[str]:
    """The choices picked (keys only: anything else in a stored answer is skipped)."""
    picked = answer.get("choices") if isinstance(answer, Mapping) else None
    return [key for key in picked if isinstance(key, str)] if isinstance(picked, list) else []
