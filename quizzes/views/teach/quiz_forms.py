"""Quiz builder forms: the quiz's rules, its slots (an inline formset) and the preview options.

The rules themselves live in `services.quiz_building`; `clean` asks it and pins each problem on
its field, so the form and the service can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from ...forms.unjudged import Unjudged
from ...models import (
    ExamProtection,
    GradingMethod,
    Quiz,
    QuizLayout,
    QuizMode,
    QuizSlot,
    ReviewTiming,
    SlotKind,
)
from ...qtypes import registry
from ...selectors.quiz_building import BankQuestion, QuizBank
from ...services.quiz_building import quiz_defaults
from ...services.quiz_rules import (
    QUIZ_FIELDS,
    Problem,
    SlotSpec,
    quiz_field_problems,
    quiz_slot_problems,
)

EXTRA_ROWS = 2
MAX_SLOTS = 100
STEM_CHARS = 80
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _helper(*layout: Any) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*layout)
    return helper


def _cols(*fields: tuple[str, str]) -> Div:
    return Div(*(Div(name, css_class=css) for name, css in fields), css_class="row")


def _datetime_field(label: str, help_text: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )


def add_problems(form: forms.Form, problems: Iterable[Problem]) -> None:
    """Show a service's problems as errors of a form's fields."""
    for problem in problems:
        field = problem.field if problem.field in form.fields else None
        form.add_error(field, ValidationError(problem.message, code=problem.code))


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
        self.helper = _helper(
            Fieldset(_("Quiz"), "title", "description", "section"),
            Fieldset(
                _("How it runs"),
                _cols(("mode", "col-md-6"), ("layout", "col-md-6")),
                _cols(("time_limit_minutes", "col-md-4"), ("max_attempts", "col-md-4")),
                _cols(("pass_mark", "col-md-4"), ("grading_method", "col-md-4")),
                Field("shuffle_questions"),
                Field("shuffle_choices"),
            ),
            Fieldset(_("When"), _cols(("opens_at", "col-md-6"), ("closes_at", "col-md-6"))),
            Fieldset(
                _("Review"), "review_timing", "review_shows_correct", "review_shows_explanation"
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


@dataclass(frozen=True)
class SlotChoices:
    """The options of every slot row, computed once so 40 rows cost no more queries than 2."""

    questions: list[tuple[Any, Any]]
    sections: list[tuple[Any, Any]]
    concepts: list[tuple[Any, Any]]
    tags: list[tuple[Any, Any]]


def _question_label(question: BankQuestion, tag_names: list[str]) -> str:
    stem = " ".join(question.stem.split())
    if len(stem) > STEM_CHARS:
        stem = stem[: STEM_CHARS - 1] + "…"
    notes = [registry.get(question.qtype).label, f"difficulty {question.difficulty}"]
    notes += [f"#{name}" for name in tag_names]
    if question.course_id is not None:
        notes.append(str(_("this course")))
    if not question.is_drawable:
        notes.append(question.status)
    return f"{stem} ({', '.join(notes)})"


def slot_choices(bank: QuizBank, keep: Iterable[int] = ()) -> SlotChoices:
    """Questions grouped by section (published ones, and any in `keep`), sections, concepts,
    and the tags the bank's questions have."""
    keep = set(keep)
    headings = {s.pk: s.heading for s in bank.sections}
    tag_names = {t.pk: t.name for t in bank.tags}
    grouped: dict[int, list[tuple[int, str]]] = {}
    for question in bank.questions.values():
        if (question.in_scope and question.is_drawable) or question.id in keep:
            names = sorted(tag_names[t] for t in question.tag_ids if t in tag_names)
            grouped.setdefault(question.section_id, []).append(
                (question.id, _question_label(question, names))
            )
    article_id = bank.article.pk if bank.article else None
    sections = [s for s in bank.sections if s.article_id == article_id]
    concepts: dict[int, list[tuple[int, str]]] = {}
    for concept in bank.concepts:
        concepts.setdefault(concept.section_id, []).append((concept.pk, concept.term))
    return SlotChoices(
        questions=[("", "—")] + [(headings[sid], rows) for sid, rows in grouped.items()],
        sections=[("", _("any section"))] + [(s.pk, s.heading) for s in sections],
        concepts=[("", _("any concept"))]
        + [(s.heading, concepts[s.pk]) for s in sections if s.pk in concepts],
        tags=[("", _("any tag"))] + [(t.pk, t.name) for t in bank.tags],
    )


POOL_FIELDS = ("pool_section", "pool_concept", "pool_difficulty", "pool_tag", "pool_count")


class SlotForm(Unjudged, forms.Form):
    """One slot: a fixed question, or a random pool (any mix of filters) and how many it draws."""

    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", "—"), *SlotKind.choices], required=False
    )
    question = forms.TypedChoiceField(
        label=_("Question"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Type words of the question to find it."),
        # A search box (static/kzstudy/pickers.js); a plain list without JavaScript.
        widget=forms.Select(attrs={"data-picker": "search"}),
    )
    pool_section = forms.TypedChoiceField(
        label=_("Pool: section"), coerce=int, empty_value=None, required=False
    )
    pool_concept = forms.TypedChoiceField(
        label=_("Pool: concept"), coerce=int, empty_value=None, required=False
    )
    pool_difficulty = forms.TypedChoiceField(
        label=_("Pool: difficulty"),
        choices=[("", _("any")), (1, _("1 easy")), (2, _("2 medium")), (3, _("3 hard"))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    pool_tag = forms.TypedChoiceField(
        label=_("Pool: tag"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Only questions with this tag, such as exam."),
    )
    pool_count = forms.IntegerField(
        label=_("Questions drawn"), min_value=1, max_value=500, required=False
    )
    mark = forms.DecimalField(
        label=_("Mark per question"),
        max_digits=6,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        help_text=_("Empty: 1."),
    )

    def __init__(self, *args: Any, choices: SlotChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = choices.questions
        self.fields["pool_section"].choices = choices.sections
        self.fields["pool_concept"].choices = choices.concepts
        self.fields["pool_tag"].choices = choices.tags
        self.helper = _helper(
            _cols(("kind", "col-md-4"), ("question", "col-md-8")),
            _cols(
                ("pool_section", "col-md-4"),
                ("pool_concept", "col-md-4"),
                ("pool_tag", "col-md-4"),
            ),
            _cols(("pool_difficulty", "col-sm-6 col-md-4"), ("pool_count", "col-sm-6 col-md-4")),
            _cols(("mark", "col-sm-4"), ("ORDER", "col-sm-4"), ("DELETE", "col-sm-4 pt-sm-4")),
        )

    def clean(self) -> dict[str, Any]:
        """A row is one kind of slot: a fixed row takes no pool settings, a pool no question."""
        cleaned = super().clean()
        kind = cleaned.get("kind")
        pools = [name for name in POOL_FIELDS if cleaned.get(name) is not None]
        if not kind and "kind" not in self.errors:
            self.add_error("kind", ValidationError(_("Choose the kind of slot."), code="slot_kind"))
        elif kind == SlotKind.FIXED:
            for name in pools:
                message = _("A fixed question takes no pool settings: clear this.")
                self.add_error(name, ValidationError(message, code="fixed_has_pool"))
        elif cleaned.get("question") is not None:
            message = _("A random pool draws its questions: leave this empty.")
            self.add_error("question", ValidationError(message, code="pool_has_question"))
        return cleaned

    def spec(self) -> SlotSpec:
        """The slot as the services take it (blank count and mark mean 1)."""
        data = self.cleaned_data
        return SlotSpec(
            kind=data["kind"],
            mark=data.get("mark") or Decimal(1),
            question_id=data.get("question"),
            pool_section_id=data.get("pool_section"),
            pool_concept_id=data.get("pool_concept"),
            pool_difficulty=data.get("pool_difficulty"),
            pool_count=data.get("pool_count") or 1,
            pool_tag_id=data.get("pool_tag"),
        )


class BaseSlotFormSet(BaseFormSet):
    """The slots of a quiz: rows can be added (blank rows), removed and reordered."""

    def __init__(
        self,
        *args: Any,
        bank: QuizBank,
        keep: Iterable[int] = (),
        judge: bool = True,
        **kwargs: Any,
    ):
        self.bank, self.judge = bank, judge
        kwargs["form_kwargs"] = {"choices": slot_choices(bank, keep), "judge": judge}
        super().__init__(*args, **kwargs)

    def full_clean(self) -> None:
        """Validate every row and the slots together, unless told not to judge yet."""
        if self.judge:
            super().full_clean()
        else:
            self._errors, self._non_form_errors = [], self.error_class()

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        """Name the position and remove fields the way the page talks about slots."""
        super().add_fields(form, index)
        form.fields["ORDER"].label = _("Position")
        form.fields["DELETE"].label = _("Remove this slot")

    def kept_forms(self) -> list[SlotForm]:
        """Filled rows not marked for removal, in the order their positions ask for."""
        kept = [
            form for form in self.forms if form.cleaned_data and not self._should_delete_form(form)
        ]
        # Rows without a position go last; ties keep the order on the page (sort is stable).
        return sorted(
            kept,
            key=lambda f: (f.cleaned_data.get("ORDER") is None, f.cleaned_data.get("ORDER") or 0),
        )

    def clean(self) -> None:
        """Apply the services' slot rules (duplicates, pool supply, at least one slot)."""
        if any(self.errors):
            return
        forms_in_order = self.kept_forms()
        problems = quiz_slot_problems(bank=self.bank, slots=[f.spec() for f in forms_in_order])
        for problem in problems:
            if problem.slot is None:
                raise ValidationError(problem.message, code=problem.code)
            add_problems(forms_in_order[problem.slot], [problem])

    def slots(self) -> list[SlotSpec]:
        """The slots, in order, as the services take them (call after `is_valid`)."""
        return [form.spec() for form in self.kept_forms()]


SlotFormSet = formset_factory(
    SlotForm,
    formset=BaseSlotFormSet,
    extra=EXTRA_ROWS,
    can_order=True,
    can_delete=True,
    max_num=MAX_SLOTS,
    validate_max=True,
)


def slot_initial(slots: Iterable[QuizSlot]) -> list[dict[str, Any]]:
    """Initial rows of the slot formset from a quiz's slots."""
    return [
        {
            "kind": slot.kind,
            "question": slot.question_id,
            "pool_section": slot.pool_section_id,
            "pool_concept": slot.pool_concept_id,
            "pool_difficulty": slot.pool_difficulty,
            "pool_tag": slot.pool_tag_id,
            "pool_count": slot.pool_count if slot.kind == SlotKind.RANDOM else None,
            "mark": slot.mark,
            "ORDER": slot.position,
        }
        for slot in slots
    ]


class PreviewForm(forms.Form):
    """The preview's options: the draw to show (a seed) and whether to show the review."""

    seed = forms.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
    review = forms.BooleanField(required=False)
