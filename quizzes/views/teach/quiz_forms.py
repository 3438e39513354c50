"""Quiz builder forms: the quiz's rules and the preview options (the slots: slot_forms).

The rules themselves live in `services.quiz_rules`; `clean` asks it and pins each problem on
its field, so the form and the service can never disagree.
"""

from __future__ import annotations

from typing import Any

from crispy_forms.layout import Field, Fieldset
from django import forms
from django.utils.translation import gettext_lazy as _

from ...forms.unjudged import Unjudged
from ...models import ExamProtection, GradingMethod, Quiz, QuizLayout, QuizMode, ReviewTiming
from ...selectors.quiz_building import QuizBank
from ...services.quiz_building import quiz_defaults
from ...services.quiz_rules import QUIZ_FIELDS, quiz_field_problems
from .builder_form_parts import add_problems, columns, layout_helper

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_field(label: str, help_text: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )


class QuizForm(Unjudged, forms.Form):
    """A quiz's rules: what it is, how it runs, when it is open and what the review shows."""

    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    section = forms.TypedChoiceField(
        label=_("Practice quiz of section"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Optional: the section pages link to their practice quiz."),
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=QuizMode.choices)
    layout = forms.ChoiceField(label=_("Layout"), choices=QuizLayout.choices)
    shuffle_questions = forms.BooleanField(label=_("Shuffle questions"), required=False)
    shuffle_choices = forms.BooleanField(label=_("Shuffle choices"), required=False)
    time_limit_minutes = forms.IntegerField(
        label=_("Time limit (minutes)"),
        min_value=1,
        max_value=32767,
        required=False,
        help_text=_("Empty: no time limit."),
    )
    max_attempts = forms.IntegerField(
        label=_("Attempts allowed"),
        min_value=1,
        max_value=32767,
        required=False,
        help_text=_("Empty: unlimited."),
    )
    pass_mark = forms.DecimalField(
        label=_("Pass mark (%)"), max_digits=5, decimal_places=2, min_value=0, max_value=100
    )
    grading_method = forms.ChoiceField(
        label=_("Grading method"),
        choices=GradingMethod.choices,
        help_text=Quiz._meta.get_field("grading_method").help_text,
    )
    opens_at = _datetime_field(_("Opens at"), _("Empty: open now."))
    closes_at = _datetime_field(_("Closes at"), _("Empty: never closes."))
    review_timing = forms.ChoiceField(label=_("Review available"), choices=ReviewTiming.choices)
    review_shows_correct = forms.BooleanField(label=_("Review shows right answers"), required=False)
    review_shows_explanation = forms.BooleanField(
        label=_("Review shows explanations and the article's passage"), required=False
    )
    review_key_after_last_attempt = forms.BooleanField(
        label=_("Right answers and explanations only after the learner's last attempt"),
        required=False,
        help_text=Quiz._meta.get_field("review_key_after_last_attempt").help_text,
    )
    exam_protection = forms.ChoiceField(
        label=_("Before it closes, its questions in practice quizzes and flashcards"),
        choices=ExamProtection.choices,
        widget=forms.RadioSelect,
        help_text=Quiz._meta.get_field("exam_protection").help_text,
    )
    is_published = forms.BooleanField(label=_("Published (learners see it)"), required=False)

    def __init__(self, *args: Any, bank: QuizBank, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bank = bank
        article_id = bank.article.pk if bank.article else None
        self.sections = {s.pk: s for s in bank.sections if s.article_id == article_id}
        self.fields["section"].choices = [("", _("none"))] + [
            (s.pk, s.heading) for s in self.sections.values()
        ]
        self.helper = layout_helper(
            Fieldset(_("Quiz"), "title", "description", "section"),
            Fieldset(
                _("How it runs"),
                columns(("mode", "col-md-6"), ("layout", "col-md-6")),
                columns(("time_limit_minutes", "col-md-4"), ("max_attempts", "col-md-4")),
                columns(("pass_mark", "col-md-4"), ("grading_method", "col-md-4")),
                Field("shuffle_questions"),
                Field("shuffle_choices"),
            ),
            Fieldset(_("When"), columns(("opens_at", "col-md-6"), ("closes_at", "col-md-6"))),
            Fieldset(
                _("Review"),
                "review_timing",
                "review_shows_correct",
                "review_shows_explanation",
                "review_key_after_last_attempt",
            ),
            Fieldset(_("Exam protection"), "exam_protection"),
            Fieldset(_("Learners"), "is_published"),
        )

    def clean_section(self):
        """The chosen section as a Section (the choices are the article's sections)."""
        section_id = self.cleaned_data["section"]
        return None if section_id is None else self.sections[section_id]

    def clean(self) -> dict[str, Any]:
        """Apply the services' rules (dates, ranges, section) to the fields that parsed."""
        cleaned = super().clean()
        problems = quiz_field_problems(fields=self.rules(), bank=self.bank)
        add_problems(self, (p for p in problems if p.field in cleaned))
        return cleaned

    def rules(self) -> dict[str, Any]:
        """The cleaned rules, in the shape the services take."""
        return {k: v for k, v in self.cleaned_data.items() if k in QUIZ_FIELDS}


def quiz_initial(quiz: Quiz | None) -> dict[str, Any]:
    """Initial values of a quiz's form: its rules, or a new quiz's defaults (a draft)."""
    if quiz is None:
        return quiz_defaults()
    initial = {name: getattr(quiz, name) for name in QUIZ_FIELDS if name != "section"}
    initial["section"] = quiz.section_id
    return initial


class PreviewForm(forms.Form):
    """The preview's options: the draw to show (a seed) and whether to show the review."""

    seed = forms.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
    review = forms.BooleanField(required=False)
