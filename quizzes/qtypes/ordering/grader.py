"""Ordering: put items in the right sequence, with partial credit."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from itertools import pairwise
from typing import Any

from ..base import (
    Grade,
    InvalidResponse,
    QuestionType,
    clean_text,
    duplicates,
    listed_text_errors,
    require_dict,
    reuse_keys,
)


class OrderingGrader(QuestionType):
    """Arrange the items; the payload lists them in the right order under opaque keys.

    Partial credit follows Moodle's ordering question ("relative to the next item, excluding
    the last"): one point for each item directly followed by its right successor.
    """

    key = "ordering"
    label = "Ordering"
    answer_keys = frozenset({"order"})
    authoring_fields = frozenset({"items"})

    def validate(self, data: Mapping[str, Any]) -> list[str]:
        """At least three distinct, non-empty items, each text."""
        errors = self.field_errors(data)
        if not isinstance(data, Mapping):
            return errors
        items = data.get("items")
        if not isinstance(items, list) or len(items) < 3:
            return [*errors, "items: give at least three items in the right order."]
        for number, item in enumerate(items, start=1):
            errors += listed_text_errors(f"items[{number}]:", item, "the text is empty.")
        texts = [clean_text(item) for item in items]
        errors += [f"items: {t!r} appears twice." for t in duplicates([t for t in texts if t])]
        return errors

    def build_payload(
        self, data: Mapping[str, Any], previous: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """Items in the right order with opaque keys."""
        texts = [clean_text(i) for i in data["items"]]
        keys = reuse_keys(texts, {i["text"]: i["key"] for i in (previous or {}).get("items", [])})
        return {"items": [{"key": k, "text": t} for k, t in zip(keys, texts, strict=True)]}

    def authoring_data(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """The item texts in the right order."""
        return {"items": [i["text"] for i in payload["items"]]}

    def shuffle_keys(self, payload: Mapping[str, Any]) -> list[str]:
        """Items always start shuffled; otherwise the question answers itself."""
        return [i["key"] for i in payload["items"]]

    def normalize_response(self, payload: Mapping[str, Any], raw: Any) -> dict[str, Any]:
        """`{"order": [key, ...]}`: a permutation of all the item keys."""
        order = require_dict(raw).get("order")
        keys = [i["key"] for i in payload["items"]]
        if (
            not isinstance(order, list)
            or not all(isinstance(key, str) for key in order)
            or sorted(order) != sorted(keys)
        ):
            raise InvalidResponse("Give every item exactly once, in your order.")
        return {"order": list(order)}

    def is_complete(self, payload: Mapping[str, Any], response: Mapping[str, Any]) -> bool:
        """Complete once an order is given."""
        return bool(response.get("order"))

    def grade(self, payload: Mapping[str, Any], response: Mapping[str, Any] | None) -> Grade:
        """Share of items followed by their right successor."""
        order = (response or {}).get("order")
        if not order:
            return Grade.gave_up()
        keys = [i["key"] for i in payload["items"]]
        successor = dict(pairwise(keys))
        points = sum(1 for a, b in pairwise(order) if successor.get(a) == b)
        return Grade.from_fraction(Decimal(points) / (len(keys) - 1))

    def option_texts(self, payload: Mapping[str, Any]) -> list[str]:
        """The items, in the right order (exports list them as the learner sees them)."""
        return [i["text"] for i in payload["items"]]

    def correct_texts(self, payload: Mapping[str, Any]) -> list[str]:
        """The items in the right order."""
        return [i["text"] for i in payload["items"]]

    def summarise_response(self, payload: Mapping[str, Any], response: Mapping[str, Any]) -> str:
        """The learner's order."""
        texts = {i["key"]: i["text"] for i in payload["items"]}
        return " → ".join(texts.get(k, "?") for k in response.get("order", []))
