"""The short-answer editor: one row per accepted answer.

Loaded on first use (`QuestionType.editor`): forms belong to the pages, not to grading.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from ...forms.answer_parts import PartInfo, TextFormSet, filled_rows

PARTS = [PartInfo("accepted", TextFormSet, _("Accepted answers"), _("Accepted answer"))]


def authoring_data(parts: dict[str, Any]) -> dict[str, Any]:
    """The accepted answers typed."""
    return {"accepted": [r["text"] for r in filled_rows(parts["accepted"])]}


def initial(prefix: str, data: dict[str, Any]) -> Any:
    """One row per accepted answer."""
    return [{"text": text} for text in data.get("accepted", [])]
