"""True/false on the page and in item analysis: two fixed options, "true" and "false"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from ..base import OptionTable, Ordered
from ..choices import checked_options, picked_rows

OPTION_IDS = {True: "true", False: "false"}


def learner_fields(payload: Mapping[str, Any], ordered: Ordered) -> dict[str, Any]:
    """The two options, always in this order."""
    return {"choices": [{"id": "true", "text": "True"}, {"id": "false", "text": "False"}]}


def answer_widget(question: Mapping[str, Any], answer: Mapping[str, Any]) -> dict[str, Any]:
    """The options with the one given checked."""
    return checked_options(question, picked_options(answer))


def read_post(post: QueryDict, prefix: str) -> dict[str, Any]:
    """`{"value": "true"|"false"}` from the radio group (the type reads the strings)."""
    if f"{prefix}value" not in post:
        return {}
    return {"value": (post.get(f"{prefix}value") or "").strip() or None}


def staff_key_rows(
    question: Mapping[str, Any], payload: Mapping[str, Any], answer: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Both options, the one given and the right one."""
    return picked_rows(question, picked_options(answer), {OPTION_IDS[payload["answer"]]})


def option_table(payloads: Sequence[Mapping[str, Any]]) -> OptionTable:
    """True and False, by the newest version's answer."""
    answer = payloads[-1]["answer"]
    return {"true": (_("True"), answer is True), "false": (_("False"), answer is False)}


def picked_options(answer: Any) -> list[str]:
    """The option given, if the stored answer holds a true or false."""
    value = answer.get("value") if isinstance(answer, Mapping) else None
    return [OPTION_IDS[value]] if isinstance(value, bool) else []
