"""The results table's filter and sort form (GET parameters, crispy-bootstrap5 layout)."""

from __future__ import annotations

from typing import Any

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import AttemptState
from ..selectors.results import DEFAULT_SORT, ResultFilters

SORT_CHOICES = [
    ("-started", _("Newest first")),
    ("started", _("Oldest first")),
    ("learner", _("Learner, A–Z")),
    ("-learner", _("Learner, Z–A")),
    ("-score", _("Highest score first")),
    ("score", _("Lowest score first")),
    ("duration", _("Shortest first")),
    ("-duration", _("Longest first")),
]


class ResultFilterForm(forms.Form):
    """Which attempts the results table, the CSV and the histogram show, and their order."""

    state = forms.ChoiceField(
        choices=[("", _("Any state")), *AttemptState.choices], required=False, label=_("State")
    )
    submitted_from = forms.DateField(
        required=False,
        label=_("Submitted from"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    submitted_to = forms.DateField(
        required=False, label=_("Submitted to"), widget=forms.DateInput(attrs={"type": "date"})
    )
    percent_min = forms.DecimalField(
        required=False, min_value=0, max_value=100, decimal_places=2, label=_("Score from (%)")
    )
    percent_max = forms.DecimalField(
        required=False, min_value=0, max_value=100, decimal_places=2, label=_("Score to (%)")
    )
    learner = forms.CharField(
        required=False, max_length=150, label=_("Learner"), help_text=_("Username or name.")
    )
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False, label=_("Sort by"))

    def __init__(self, *args: Any, reset_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.attrs = {"aria-label": _("Filter attempts")}
        self.helper.layout = Layout(
            Div(
                Div("learner", css_class="col-12 col-md-4"),
                Div("state", css_class="col-6 col-md-2"),
                Div("percent_min", css_class="col-6 col-md-3"),
                Div("percent_max", css_class="col-6 col-md-3"),
                Div("submitted_from", css_class="col-6 col-md-4"),
                Div("submitted_to", css_class="col-6 col-md-4"),
                Div("sort", css_class="col-12 col-md-4"),
                css_class="row g-2",
            ),
            Div(
                StrictButton(_("Filter"), type="submit", css_class="btn-primary"),
                HTML(
                    format_html(
                        '<a class="btn btn-outline-secondary" href="{}">{}</a>',
                        reset_url,
                        _("Clear"),
                    )
                ),
                css_class="d-flex gap-2",
            ),
        )

    def clean_submitted_to(self) -> Any:
        start, end = self.cleaned_data.get("submitted_from"), self.cleaned_data["submitted_to"]
        if start and end and end < start:
            raise ValidationError(_("The end date is before the start date."), code="date_range")
        return end

    def clean_percent_max(self) -> Any:
        low, high = self.cleaned_data.get("percent_min"), self.cleaned_data["percent_max"]
        if low is not None and high is not None and high < low:
            raise ValidationError(
                _("The upper score is below the lower score."), code="score_range"
            )
        return high

    def filters(self) -> ResultFilters:
        """The cleaned values as selector filters (call after is_valid())."""
        data = self.cleaned_data
        return ResultFilters(
            state=data["state"],
            submitted_from=data["submitted_from"],
            submitted_to=data["submitted_to"],
            percent_min=data["percent_min"],
            percent_max=data["percent_max"],
            learner=data["learner"].strip(),
            sort=data["sort"] or DEFAULT_SORT,
        )
