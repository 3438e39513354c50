"""The true/false editor: whether the statement is true, and the feedback for a wrong answer.

Loaded on first use (`QuestionType.editor`): forms belong to the pages, not to grading.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ...forms.answer_parts import PartInfo
from ...forms.unjudged import Unjudged
from ..text_limits import ANSWER_TEXT_MAX


class TrueFalseForm(Unjudged, forms.Form):
    """The answer of a true/false question."""

    answer = forms.TypedChoiceField(
        choices=[("true", _("True")), ("false", _("False"))],
        coerce=lambda v: v == "true",
        widget=forms.RadioSelect,
        label=_("The statement is"),
    )
    feedback = forms.CharField(
        max_length=ANSWER_TEXT_MAX, required=False, label=_("Feedback for a wrong answer")
    )


PARTS = [PartInfo("tf", TrueFalseForm)]


def authoring_data(parts: dict[str, Any]) -> dict[str, Any]:
    """The answer (a bool) and the feedback."""
    return dict(parts["tf"].cleaned_data)


def initial(prefix: str, data: dict[str, Any]) -> Any:
    """The answer as the radio button's value (true for a new question)."""
    return {
        "answer": "true" if data.get("answer", True) else "false",
        "feedback": data.get("feedback", ""),
    }
