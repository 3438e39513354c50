"""Quiz builder forms: the quiz's slots, an inline formset of fixed questions and random pools.

The slot rules themselves live in `services.quiz_rules`; the formset's `clean` asks it and pins
each problem on its row, so the form and the service can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from ...forms.unjudged import Unjudged
from ...models import QuizSlot, SlotKind
from ...qtypes import registry
from ...selectors.quiz_building import BankQuestion, QuizBank
from ...services.quiz_rules import SlotSpec, quiz_slot_problems
from .builder_form_parts import add_problems, columns, layout_helper

EXTRA_ROWS = 2
MAX_SLOTS = 100
STEM_CHARS = 80


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
        self.helper = layout_helper(
            columns(("kind", "col-md-4"), ("question", "col-md-8")),
            columns(
                ("pool_section", "col-md-4"),
                ("pool_concept", "col-md-4"),
                ("pool_tag", "col-md-4"),
            ),
            columns(("pool_difficulty", "col-sm-6 col-md-4"), ("pool_count", "col-sm-6 col-md-4")),
            columns(("mark", "col-sm-4"), ("ORDER", "col-sm-4"), ("DELETE", "col-sm-4 pt-sm-4")),
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
    # Django's own ceiling is 1,000 rows past max_num: a forged TOTAL_FORMS would build (and
    # show) 1,100 rows, each listing the whole bank, though no more than 100 can be saved.
    absolute_max=MAX_SLOTS,
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
