"""What the quiz builder's forms share: a crispy layout inside the page's one <form>, a row of
columns, and a service's problems shown on the fields they concern."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.core.exceptions import ValidationError

from ...services.quiz_rules import Problem


def layout_helper(*layout: Any) -> FormHelper:
    """A crispy helper that renders fields only: the page's <form> holds the quiz form and the
    slots together, with one CSRF token."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*layout)
    return helper


def columns(*fields: tuple[str, str]) -> Div:
    """A Bootstrap row of fields, each with its column classes."""
    return Div(*(Div(name, css_class=css) for name, css in fields), css_class="row")


def add_problems(form: forms.Form, problems: Iterable[Problem]) -> None:
    """Show a service's problems as errors of a form's fields."""
    for problem in problems:
        field = problem.field if problem.field in form.fields else None
        form.add_error(field, ValidationError(problem.message, code=problem.code))
