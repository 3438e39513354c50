"""The ordering editor: the items, one row each, in the right order.

Loaded on first use (`QuestionType.editor`): forms belong to the pages, not to grading.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from ...forms.answer_parts import PartInfo, TextFormSet, filled_rows

PARTS = [PartInfo("items", TextFormSet, _("Items, in the right order"), _("Item"))]


def authoring_data(parts: dict[str, Any]) -> dict[str, Any]:
    """The items in the order typed."""
    return {"items": [r["text"] for r in filled_rows(parts["items"])]}


def initial(prefix: str, data: dict[str, Any]) -> Any:
    """One row per item."""
    return [{"text": text} for text in data.get("items", [])]
