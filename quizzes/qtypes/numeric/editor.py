"""The numeric editor: the answer, the tolerance either side and an optional unit.

Loaded on first use (`QuestionType.editor`): forms belong to the pages, not to grading.
"""

from __future__ import annotations

from typing import Any

from django import forms

from ...forms.answer_parts import PartInfo
from ...forms.unjudged import Unjudged
from ..text_limits import UNIT_MAX

FIELDS = ("answer", "tolerance", "unit")


class NumericForm(Unjudged, forms.Form):
    """The answer of a numeric question."""

    answer = forms.DecimalField(max_digits=20, decimal_places=6)
    tolerance = forms.DecimalField(max_digits=20, decimal_places=6, min_value=0, initial=0)
    unit = forms.CharField(max_length=UNIT_MAX, required=False)


PARTS = [PartInfo("numeric", NumericForm)]


def authoring_data(parts: dict[str, Any]) -> dict[str, Any]:
    """The numbers as strings, as the type's authoring data has them."""
    data = parts["numeric"].cleaned_data
    return {
        "answer": str(data["answer"]),
        "tolerance": str(data["tolerance"]),
        "unit": data.get("unit", ""),
    }


def initial(prefix: str, data: dict[str, Any]) -> Any:
    """The version's answer, tolerance and unit."""
    return {k: data[k] for k in FIELDS if k in data}
