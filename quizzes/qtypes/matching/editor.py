"""The matching editor: rows of pairs, and optional extra wrong options.

Loaded on first use (`QuestionType.editor`): forms belong to the pages, not to grading.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from ...forms.answer_parts import PairFormSet, PartInfo, TextFormSet, filled_rows

PARTS = [
    PartInfo("pairs", PairFormSet, _("Pairs"), _("Pair")),
    PartInfo(
        "distractors", TextFormSet, _("Extra wrong options (optional)"), _("Extra wrong option")
    ),
]


def authoring_data(parts: dict[str, Any]) -> dict[str, Any]:
    """The pairs and the distractors typed."""
    return {
        "pairs": filled_rows(parts["pairs"]),
        "distractors": [r["text"] for r in filled_rows(parts["distractors"])],
    }


def initial(prefix: str, data: dict[str, Any]) -> Any:
    """The pairs as rows, each distractor a row."""
    if prefix == "pairs":
        return data.get("pairs", [])
    return [{"text": text} for text in data.get("distractors", [])]
