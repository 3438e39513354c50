"""Question editor forms: shared fields, then per-type formsets (crispy-bootstrap5 layouts)."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from ..models import BloomLevel, Concept, QuestionStatus, Section
from ..qtypes import registry

EXTRA_ROWS = 2


class QuestionForm(forms.Form):
    """What every question has: where it belongs, how hard it is, and what it says."""

    section = forms.ModelChoiceField(queryset=Section.objects.none(), label=_("Section"))
    concepts = forms.ModelMultipleChoiceField(
        queryset=Concept.objects.none(),
        required=False,
        label=_("Concepts"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    difficulty = forms.TypedChoiceField(
        choices=[(1, _("1 easy")), (2, _("2 medium")), (3, _("3 hard"))], coerce=int, initial=2
    )
    bloom_level = forms.ChoiceField(choices=BloomLevel.choices, label=_("Bloom level"))
    status = forms.ChoiceField(choices=QuestionStatus.choices, initial=QuestionStatus.DRAFT)
    stem = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, label=_("Question")
    )
    explanation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
        help_text=_("Shown after submission: why the key is right."),
    )
    source_quote = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=_("A short verbatim passage of the article that supports the key."),
    )

    def __init__(self, *args: Any, article=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = Section.objects.filter(article=article).order_by(
            "position"
        )
        self.fields["concepts"].queryset = Concept.objects.filter(article=article).order_by("term")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("Question"), "stem", "explanation", "source_quote"),
            Fieldset(
                _("Classification"),
                Div(
                    Div("section", css_class="col-md-6"),
                    Div("status", css_class="col-md-6"),
                    css_class="row",
                ),
                Div(
                    Div("difficulty", css_class="col-md-6"),
                    Div("bloom_level", css_class="col-md-6"),
                    css_class="row",
                ),
                Field("concepts"),
            ),
        )

    def clean_stem(self) -> str:
        stem = self.cleaned_data["stem"].strip()
        if not stem:
            raise ValidationError(_("Write the question."), code="required")
        return stem


def _row_helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class ChoiceRowForm(forms.Form):
    """One choice of a choice question."""

    text = forms.CharField(max_length=1000, required=False)
    correct = forms.BooleanField(required=False)
    feedback = forms.CharField(max_length=1000, required=False)


class TextRowForm(forms.Form):
    """One line: an accepted answer, an ordering item or a distractor."""

    text = forms.CharField(max_length=1000, required=False)


class PairRowForm(forms.Form):
    """One matching pair."""

    left = forms.CharField(max_length=1000, required=False)
    right = forms.CharField(max_length=1000, required=False)


class TrueFalseForm(forms.Form):
    """The answer of a true/false question."""

    answer = forms.TypedChoiceField(
        choices=[("true", _("True")), ("false", _("False"))],
        coerce=lambda v: v == "true",
        widget=forms.RadioSelect,
        label=_("The statement is"),
    )
    feedback = forms.CharField(
        max_length=1000, required=False, label=_("Feedback for a wrong answer")
    )


class NumericForm(forms.Form):
    """The answer of a numeric question."""

    answer = forms.DecimalField(max_digits=20, decimal_places=6)
    tolerance = forms.DecimalField(max_digits=20, decimal_places=6, min_value=0, initial=0)
    unit = forms.CharField(max_length=40, required=False)


# A choice question needs at least three choices: offer four blank rows from the start.
ChoiceFormSet = formset_factory(ChoiceRowForm, extra=EXTRA_ROWS + 2, can_delete=True)
TextFormSet = formset_factory(TextRowForm, extra=EXTRA_ROWS, can_delete=True)
PairFormSet = formset_factory(PairRowForm, extra=EXTRA_ROWS, can_delete=True)

# For each type: the parts of its editor, as (prefix, form or formset class).
TYPE_PARTS: dict[str, list[tuple[str, type]]] = {
    "single_choice": [("choices", ChoiceFormSet)],
    "multiple_response": [("choices", ChoiceFormSet)],
    "true_false": [("tf", TrueFalseForm)],
    "short_answer": [("accepted", TextFormSet)],
    "numeric": [("numeric", NumericForm)],
    "matching": [("pairs", PairFormSet), ("distractors", TextFormSet)],
    "ordering": [("items", TextFormSet)],
}


def _rows(formset) -> list[dict[str, Any]]:
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


class TypeEditor:
    """The type-specific part of the editor: bound forms/formsets and their authoring data."""

    def __init__(self, qtype: str, data=None, initial: dict[str, Any] | None = None) -> None:
        self.qtype = qtype
        self.parts = {}
        for prefix, cls in TYPE_PARTS[qtype]:
            part = cls(data, prefix=prefix, initial=_initial_for(qtype, prefix, initial or {}))
            part.helper = _row_helper()
            self.parts[prefix] = part
        self.errors: list[str] = []

    @property
    def part_list(self) -> list[tuple[str, Any]]:
        """(prefix, form or formset) pairs, for templates (a dict's `.items` would clash with
        the ordering editor's "items" part)."""
        return list(self.parts.items())

    def is_valid(self) -> bool:
        """Forms valid and the type's own rules satisfied (errors collected in `errors`)."""
        if not all(part.is_valid() for part in self.parts.values()):
            self.errors = [_("Check the highlighted fields.")]
            return False
        self.errors = registry.get(self.qtype).validate(self.authoring_data())
        return not self.errors

    def authoring_data(self) -> dict[str, Any]:
        """The type's authoring data, in the question type's own shape."""
        p = self.parts
        if self.qtype in ("single_choice", "multiple_response"):
            return {
                "choices": [
                    {
                        "text": r["text"],
                        "correct": bool(r.get("correct")),
                        "feedback": r.get("feedback", ""),
                    }
                    for r in _rows(p["choices"])
                ]
            }
        if self.qtype == "true_false":
            return dict(p["tf"].cleaned_data)
        if self.qtype == "short_answer":
            return {"accepted": [r["text"] for r in _rows(p["accepted"])]}
        if self.qtype == "numeric":
            data = p["numeric"].cleaned_data
            return {
                "answer": str(data["answer"]),
                "tolerance": str(data["tolerance"]),
                "unit": data.get("unit", ""),
            }
        if self.qtype == "matching":
            return {
                "pairs": _rows(p["pairs"]),
                "distractors": [r["text"] for r in _rows(p["distractors"])],
            }
        return {"items": [r["text"] for r in _rows(p["items"])]}


def _initial_for(qtype: str, prefix: str, data: dict[str, Any]):
    """Initial values of one editor part from a version's authoring data."""
    if prefix == "choices":
        return data.get("choices", [])
    if prefix == "tf":
        return {
            "answer": "true" if data.get("answer", True) else "false",
            "feedback": data.get("feedback", ""),
        }
    if prefix == "numeric":
        return {k: data[k] for k in ("answer", "tolerance", "unit") if k in data}
    if prefix in ("accepted", "items", "distractors"):
        return [{"text": t} for t in data.get(prefix, [])]
    if prefix == "pairs":
        return data.get("pairs", [])
    return None


class BankFilterForm(forms.Form):
    """Filters and search of the bank browser (GET)."""

    q = forms.CharField(required=False, max_length=200, label=_("Search"))
    section = forms.ModelChoiceField(queryset=Section.objects.none(), required=False)
    qtype = forms.ChoiceField(required=False, label=_("Type"))
    concept = forms.ModelChoiceField(queryset=Concept.objects.none(), required=False)
    difficulty = forms.TypedChoiceField(
        choices=[("", "any"), (1, "1"), (2, "2"), (3, "3")],
        coerce=int,
        required=False,
        empty_value=None,
    )
    status = forms.ChoiceField(choices=[("", "any"), *QuestionStatus.choices], required=False)
    owner = forms.ChoiceField(
        choices=[("", _("all")), ("course", _("this course's bank")), ("shared", _("shared bank"))],
        required=False,
    )

    def __init__(self, *args: Any, article=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = Section.objects.filter(article=article).order_by(
            "position"
        )
        self.fields["concept"].queryset = Concept.objects.filter(article=article).order_by("term")
        self.fields["qtype"].choices = [("", "any"), *registry.choices()]
