"""The multiple-response editor: rows of choices, any number marked correct.

Loaded on first use (`QuestionType.editor`): forms belong to the pages, not to grading.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from ...forms.answer_parts import ChoiceFormSet, PartInfo, choices_data

PARTS = [PartInfo("choices", ChoiceFormSet, _("Choices"), _("Choice"))]


def authoring_data(parts: dict[str, Any]) -> dict[str, Any]:
    """The filled rows as choices."""
    return choices_data(parts["choices"])


def initial(prefix: str, data: dict[str, Any]) -> Any:
    """The version's choices as rows."""
    return data.get("choices", [])
