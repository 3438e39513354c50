"""Question editor forms: the fields every question has, and the bank's filters.

The answer part of the editor (one per type) is in `answer_parts`.
"""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import BloomLevel, Concept, QuestionStatus, Section, Tag
from ..qtypes import registry
from ..qtypes.text_limits import EXPLANATION_MAX, SOURCE_QUOTE_MAX, STEM_MAX
from ..tagging import MAX_TAGS_TEXT, parse_tags, split_tags
from .answer_parts import TypeEditor, with_one_more_row
from .unjudged import Unjudged

__all__ = ["BankFilterForm", "QuestionForm", "TypeEditor", "with_one_more_row"]


class QuestionForm(Unjudged, forms.Form):
    """What every question has: where it belongs, how hard it is, and what it says."""

    section = forms.ModelChoiceField(queryset=Section.objects.none(), label=_("Section"))
    concepts = forms.ModelMultipleChoiceField(
        queryset=Concept.objects.none(),
        required=False,
        label=_("Concepts"),
        help_text=_("Type to find a concept; pick as many as the question tests."),
        # `data-picker` makes it a search box (static/kzstudy/pickers.js); without JavaScript
        # it stays a list where Ctrl-click picks several.
        widget=forms.SelectMultiple(attrs={"size": 8, "data-picker": "search"}),
    )
    tags = forms.CharField(
        required=False,
        max_length=MAX_TAGS_TEXT,
        label=_("Tags"),
        help_text=_(
            "Comma-separated, such as exam, week-3. A quiz pool can draw only the questions "
            "with a tag (the Final exam draws those tagged exam). Tags make no new version."
        ),
    )
    difficulty = forms.TypedChoiceField(
        choices=[(1, _("1 easy")), (2, _("2 medium")), (3, _("3 hard"))], coerce=int, initial=2
    )
    bloom_level = forms.ChoiceField(choices=BloomLevel.choices, label=_("Bloom level"))
    status = forms.ChoiceField(choices=QuestionStatus.choices, initial=QuestionStatus.DRAFT)
    stem = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=STEM_MAX, label=_("Question")
    )
    explanation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=EXPLANATION_MAX,
        required=False,
        help_text=_("Shown after submission: why the key is right."),
    )
    source_quote = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=SOURCE_QUOTE_MAX,
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
                Field("tags"),
            ),
        )

    def clean_tags(self) -> list[str]:
        """The tag names, normalised (`Week 3` is `week-3`) and each checked."""
        names, problems = parse_tags(split_tags(self.cleaned_data["tags"]))
        if problems:
            raise ValidationError(
                [ValidationError(p[0].upper() + p[1:] + ".", code="bad_tag") for p in problems]
            )
        return names

    def clean_stem(self) -> str:
        stem = self.cleaned_data["stem"].strip()
        if not stem:
            raise ValidationError(_("Write the question."), code="required")
        return stem


class BankFilterForm(forms.Form):
    """Filters and search of the bank browser (GET)."""

    q = forms.CharField(required=False, max_length=200, label=_("Search"))
    section = forms.ModelChoiceField(queryset=Section.objects.none(), required=False)
    qtype = forms.ChoiceField(required=False, label=_("Type"))
    concept = forms.ModelChoiceField(queryset=Concept.objects.none(), required=False)
    tag = forms.ModelChoiceField(
        queryset=Tag.objects.none(), to_field_name="name", required=False, label=_("Tag")
    )
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

    def __init__(self, *args: Any, article=None, tags=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = Section.objects.filter(article=article).order_by(
            "position"
        )
        self.fields["concept"].queryset = Concept.objects.filter(article=article).order_by("term")
        # The tags of the questions the course may use (not every course's tag names).
        self.fields["tag"].queryset = tags if tags is not None else Tag.objects.none()
        self.fields["qtype"].choices = [("", "any"), *registry.choices()]
