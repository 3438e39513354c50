"""The answer part of the question editor: numbered, growable row formsets.

Each type's editor (`qtypes/<key>/editor.py`) is one or more parts built from the row forms and
formsets here; `TypeEditor` binds them and turns what was typed into the question type's
authoring data, which the type itself then validates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, formset_factory
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from ..qtypes import registry
from ..qtypes.text_limits import ANSWER_TEXT_MAX
from .unjudged import Unjudged

EXTRA_ROWS = 2
# Far more than any question needs; Django's formsets refuse more than 1000 rows anyway.
MAX_ROWS = 100


def _row_helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class RowRadio(forms.CheckboxInput):
    """A row's "Correct" box drawn as a radio button: every row of the formset shares one
    name and posts its own row number, so a browser lets exactly one row be marked."""

    input_type = "radio"

    def __init__(self, group: str, row: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.group, self.row = group, row

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(self.group, value, attrs)
        context["widget"]["value"] = self.row
        return context

    def value_from_datadict(self, data, files, name: str) -> bool:
        return data.get(self.group) == self.row

    def value_omitted_from_data(self, data, files, name: str) -> bool:
        # An unmarked radio posts nothing; that means "not this row", not "left out".
        return False


class ChoiceRowForm(Unjudged, forms.Form):
    """One choice of a choice question."""

    text = forms.CharField(max_length=ANSWER_TEXT_MAX, required=False)
    correct = forms.BooleanField(required=False)
    feedback = forms.CharField(max_length=ANSWER_TEXT_MAX, required=False)


class TextRowForm(Unjudged, forms.Form):
    """One line: an accepted answer, an ordering item or a distractor."""

    text = forms.CharField(max_length=ANSWER_TEXT_MAX, required=False)


class PairRowForm(Unjudged, forms.Form):
    """One matching pair."""

    left = forms.CharField(max_length=ANSWER_TEXT_MAX, required=False)
    right = forms.CharField(max_length=ANSWER_TEXT_MAX, required=False)


class RowFormSet(BaseFormSet):
    """Rows of an answer part: numbered, growable (one row at a time) and judged on demand."""

    def __init__(self, *args: Any, judge: bool = True, **kwargs: Any) -> None:
        self.judge = judge
        kwargs["form_kwargs"] = {"judge": judge}
        super().__init__(*args, **kwargs)

    def full_clean(self) -> None:
        """Validate every row and the rows together, unless told not to judge yet."""
        if self.judge:
            super().full_clean()
        else:
            self._errors, self._non_form_errors = [], self.error_class()


class SingleChoiceFormSet(RowFormSet):
    """The choices of a single-choice question: "Correct" is one radio group across the rows."""

    @property
    def correct_name(self) -> str:
        """The name every row's "Correct" radio button shares."""
        return self.add_prefix("correct")

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        # The blank template row's number is filled in by the page's script, like its names.
        row = "__prefix__" if index is None else str(index)
        form.fields["correct"].widget = RowRadio(self.correct_name, row)

    def clean(self) -> None:
        """Exactly one filled row is marked correct (a forged POST can mark two)."""
        if any(self.errors):
            return
        marked = self.data.getlist(self.correct_name) if hasattr(self.data, "getlist") else []
        if len(marked) > 1:
            raise ValidationError(
                _("Mark only one choice as correct: a single-choice question has one answer."),
                code="one_correct",
            )
        filled = [row for row in filled_rows(self) if row.get("text")]
        if filled and not any(row.get("correct") for row in filled):
            raise ValidationError(
                _("Mark the right answer: choose which choice is correct."), code="no_correct"
            )


# A choice question needs at least three choices: offer four blank rows from the start.
SingleChoiceRows = formset_factory(
    ChoiceRowForm, formset=SingleChoiceFormSet, extra=EXTRA_ROWS + 2, can_delete=True
)
ChoiceFormSet = formset_factory(
    ChoiceRowForm, formset=RowFormSet, extra=EXTRA_ROWS + 2, can_delete=True
)
TextFormSet = formset_factory(TextRowForm, formset=RowFormSet, extra=EXTRA_ROWS, can_delete=True)
PairFormSet = formset_factory(PairRowForm, formset=RowFormSet, extra=EXTRA_ROWS, can_delete=True)


@dataclass(frozen=True)
class PartInfo:
    """One part of a type's editor: its prefix, form class, heading and what a row is called."""

    prefix: str
    form_class: type
    heading: str = ""
    row_label: str = ""


def filled_rows(formset) -> list[dict[str, Any]]:
    """Filled rows of a formset, skipping blank and deleted ones."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data if form.is_valid() else {}
        if not data or data.get("DELETE"):
            continue
        values = {
            k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k != "DELETE"
        }
        if any(v for k, v in values.items() if k != "correct"):
            rows.append(values)
    return rows


def choices_data(formset: BaseFormSet) -> dict[str, Any]:
    """A choice question's authoring data from its filled rows."""
    return {
        "choices": [
            {
                "text": r["text"],
                "correct": bool(r.get("correct")),
                "feedback": r.get("feedback", ""),
            }
            for r in filled_rows(formset)
        ]
    }


@dataclass(frozen=True)
class EditorPart:
    """One bound part of a type's editor, with what the page calls it and its rows."""

    prefix: str
    form: Any
    heading: str
    row_label: str

    @property
    def is_formset(self) -> bool:
        """Rows (a formset) rather than a single form."""
        return isinstance(self.form, BaseFormSet)


class TypeEditor:
    """The type-specific part of the editor: bound forms/formsets and their authoring data."""

    def __init__(
        self,
        qtype: str,
        data=None,
        initial: dict[str, Any] | None = None,
        *,
        judge: bool = True,
    ) -> None:
        self.qtype = qtype
        self.editor = registry.get(qtype).editor
        self.parts = {}
        self.infos = {info.prefix: info for info in self.editor.PARTS}
        for info in self.editor.PARTS:
            part = info.form_class(
                data,
                prefix=info.prefix,
                initial=self.editor.initial(info.prefix, initial or {}),
                judge=judge,
            )
            part.helper = _row_helper()
            self.parts[info.prefix] = part
        self.errors: list[str] = []

    @property
    def part_list(self) -> list[EditorPart]:
        """The parts in page order, for templates (a dict's `.items` would clash with the
        ordering editor's "items" part)."""
        return [
            EditorPart(prefix, part, self.infos[prefix].heading, self.infos[prefix].row_label)
            for prefix, part in self.parts.items()
        ]

    def is_valid(self) -> bool:
        """Forms valid and the type's own rules satisfied (errors collected in `errors`)."""
        if not all(part.is_valid() for part in self.parts.values()):
            self.errors = [_("Check the highlighted fields.")]
            return False
        self.errors = registry.get(self.qtype).validate(self.authoring_data())
        return not self.errors

    def authoring_data(self) -> dict[str, Any]:
        """The type's authoring data, in the question type's own shape."""
        return self.editor.authoring_data(self.parts)


def with_one_more_row(data: QueryDict, qtype: str, prefix: str) -> QueryDict:
    """The posted editor with one more blank row in the part `prefix` ("Add a row" without
    JavaScript); unchanged when the type has no such rows."""
    parts = registry.get(qtype).editor.PARTS
    info = next((i for i in parts if i.prefix == prefix and i.row_label), None)
    name = f"{prefix}-TOTAL_FORMS"
    if info is None:
        return data
    # int() itself is the test, as in the quiz builder: str.isdigit() passes "²", which int()
    # refuses, and a count of thousands of digits is past int()'s limit.
    try:
        total = int(data.get(name, ""))
    except ValueError:
        return data  # the formset reports a broken management form itself
    data = data.copy()
    data[name] = str(min(total + 1, MAX_ROWS))
    return data
