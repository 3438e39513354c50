"""The quiz builder's rules: what makes a quiz's settings and slots valid, as problems a form
or the API can show next to the field (and slot) they concern. Pure reads; writes are in
quiz_building.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from ..errors import QuizInvalid
from ..models import (
    Attempt,
    ExamProtection,
    GradingMethod,
    QuizLayout,
    QuizMode,
    QuizSlot,
    Response,
    ReviewTiming,
    SlotKind,
)
from ..selectors.quiz_building import QuizBank, in_pool

# What each problem found by the checks below says; kept apart from errors.MESSAGES so its
# codes (per field, not per error class) cannot clash with another area's.
QUIZ_MESSAGES = {
    "no_slots": _("Add at least one fixed question or random pool."),
    "title_required": _("Give the quiz a title."),
    "closes_before_opens": _("The quiz must close after it opens."),
    "pass_mark_range": _("The pass mark is a percentage from 0 to 100."),
    "at_least_one": _("Enter 1 or more, or leave it empty."),
    "no_last_attempt": _(
        "With unlimited attempts and no close date a learner never has a last attempt, so the "
        "review would never show the right answers: set an attempt limit or a close date."
    ),
    "bad_choice": _("Choose one of the options offered."),
    "section_unavailable": _("Choose a section of this course's article."),
    "slot_kind": _("Choose a fixed question or a random pool."),
    "mark_positive": _("A mark must be more than 0."),
    "mark_too_big": _("A mark is at most %(max)s."),
    "mark_places": _("A mark has at most %(places)s decimal places."),
    "total_too_big": _(
        "The marks add up to %(total)s (each pool counts its mark once per question drawn); "
        "an attempt can hold at most %(max)s."
    ),
    "question_required": _("Choose the question this slot shows."),
    "question_unavailable": _("This question is not in this course's bank or the shared bank."),
    "question_not_published": _("This question is not published; learners cannot be given it."),
    "duplicate_question": _("This question is already in slot %(first)s."),
    "pool_concept": _("Choose a concept of this course's article."),
    "pool_difficulty": _("Difficulty is 1, 2 or 3."),
    "pool_tag": _("Choose a tag of this bank's questions."),
    "pool_count_min": _("A pool draws at least 1 question."),
    "pool_short": _(
        "Only %(available)s published questions match this pool (fixed questions of this "
        "quiz not counted); it cannot draw %(count)s."
    ),
    "pool_overlap": _(
        "%(available)s published questions match this pool, but earlier pools may draw "
        "%(taken)s of them: it can be sure of %(left)s, not %(count)s."
    ),
}

# The rules an instructor sets; anything else (course, article, key) the services decide.
QUIZ_FIELDS = frozenset(
    {
        "title",
        "description",
        "section",
        "mode",
        "layout",
        "shuffle_questions",
        "shuffle_choices",
        "time_limit_minutes",
        "max_attempts",
        "pass_mark",
        "grading_method",
        "opens_at",
        "closes_at",
        "review_timing",
        "review_shows_correct",
        "review_shows_explanation",
        "review_key_after_last_attempt",
        "exam_protection",
        "is_published",
    }
)
CHOICE_FIELDS = {
    "mode": QuizMode,
    "layout": QuizLayout,
    "review_timing": ReviewTiming,
    "exam_protection": ExamProtection,
    "grading_method": GradingMethod,
}


def _column_max(model: type, name: str) -> Decimal:
    """The largest value a decimal column holds (PostgreSQL refuses more; SQLite stores it)."""
    column = model._meta.get_field(name)
    return Decimal(10) ** (column.max_digits - column.decimal_places) - Decimal(1).scaleb(
        -column.decimal_places
    )


# A slot's mark is stored on the slot and on each response; the total on the attempt (its
# maximum and its score). Marks are checked against these columns, the one place they are.
MARK_PLACES = QuizSlot._meta.get_field("mark").decimal_places
MAX_MARK = min(_column_max(QuizSlot, "mark"), _column_max(Response, "max_mark"))
MAX_TOTAL = min(_column_max(Attempt, "max_score"), _column_max(Attempt, "score"))


def marks_fit_an_attempt(total: Decimal) -> bool:
    """Whether an attempt's total mark fits the columns that store it."""
    return total <= MAX_TOTAL


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a quiz: its field (in slot `slot`, if any), a code and a message."""

    field: str
    code: str
    message: str
    slot: int | None = None


def _problem(field: str, code: str, slot: int | None = None, **params: Any) -> Problem:
    text = QUIZ_MESSAGES[code]
    return Problem(field, code, str(text % params if params else text), slot)


@dataclass(frozen=True)
class SlotSpec:
    """One slot as the builder describes it: a fixed question, or a pool and a count."""

    kind: str
    mark: Decimal = Decimal(1)
    question_id: int | None = None
    pool_section_id: int | None = None
    pool_concept_id: int | None = None
    pool_difficulty: int | None = None
    pool_count: int = 1
    pool_tag_id: int | None = None

    @classmethod
    def of(cls, slot: QuizSlot) -> SlotSpec:
        """The spec of a saved slot."""
        return cls(
            kind=slot.kind,
            mark=slot.mark,
            question_id=slot.question_id,
            pool_section_id=slot.pool_section_id,
            pool_concept_id=slot.pool_concept_id,
            pool_difficulty=slot.pool_difficulty,
            pool_count=slot.pool_count,
            pool_tag_id=slot.pool_tag_id,
        )


def quiz_field_problems(*, fields: Mapping[str, Any], bank: QuizBank) -> list[Problem]:
    """What is wrong with a quiz's rules (empty when nothing is)."""
    unknown = set(fields) - QUIZ_FIELDS
    if unknown:
        raise TypeError(f"Not quiz rules: {sorted(unknown)}")
    problems = []
    if not str(fields.get("title", "")).strip():
        problems.append(_problem("title", "title_required"))
    for name, choices in CHOICE_FIELDS.items():
        if name in fields and fields[name] not in choices.values:
            problems.append(_problem(name, "bad_choice"))
    for name in ("time_limit_minutes", "max_attempts"):
        if fields.get(name) is not None and fields[name] < 1:
            problems.append(_problem(name, "at_least_one"))
    pass_mark = fields.get("pass_mark")
    if pass_mark is not None and not Decimal(0) <= pass_mark <= Decimal(100):
        problems.append(_problem("pass_mark", "pass_mark_range"))
    opens, closes = fields.get("opens_at"), fields.get("closes_at")
    if opens and closes and closes <= opens:
        problems.append(_problem("closes_at", "closes_before_opens"))
    if _never_a_last_attempt(fields):
        problems.append(_problem("review_key_after_last_attempt", "no_last_attempt"))
    section = fields.get("section")
    if section is not None and (bank.article is None or section.article_id != bank.article.pk):
        problems.append(_problem("section", "section_unavailable"))
    return problems


def _never_a_last_attempt(fields: Mapping[str, Any]) -> bool:
    """Whether the review waits for a last attempt that never comes (judged when the rules
    given include the attempt limit and the close date)."""
    given = "max_attempts" in fields and "closes_at" in fields
    return bool(
        fields.get("review_key_after_last_attempt")
        and given
        and fields["max_attempts"] is None
        and fields["closes_at"] is None
    )


def quiz_slot_problems(*, bank: QuizBank, slots: Sequence[SlotSpec]) -> list[Problem]:
    """What is wrong with a quiz's slots, each problem pinned to its slot (index in `slots`)."""
    if not slots:
        return [_problem("", "no_slots")]
    problems: list[Problem] = []
    first_slot: dict[int, int] = {}
    for index, slot in enumerate(slots):
        problems += _mark_problems(slot.mark, index)
        if slot.kind == SlotKind.FIXED:
            problems += _fixed_problems(bank, slot, index, first_slot)
        elif slot.kind == SlotKind.RANDOM:
            problems += _pool_problems(bank, slot, index)
        else:
            problems.append(_problem("kind", "slot_kind", index))
    # A pool whose filters are wrong is left out of the supply check: its count means nothing.
    skip = {p.slot for p in problems if p.field != "mark"}
    problems += _pool_supply_problems(bank, slots, set(first_slot), skip)
    return problems + _total_problems(slots, problems)


def _mark_problems(mark: Decimal, index: int) -> list[Problem]:
    if not mark.is_finite() or mark <= 0:
        return [_problem("mark", "mark_positive", index)]
    if mark > MAX_MARK:
        return [_problem("mark", "mark_too_big", index, max=MAX_MARK)]
    if mark != mark.quantize(Decimal(1).scaleb(-MARK_PLACES)):
        return [_problem("mark", "mark_places", index, places=MARK_PLACES)]
    return []


def _total_problems(slots: Sequence[SlotSpec], problems: list[Problem]) -> list[Problem]:
    """The whole quiz's mark must fit an attempt (judged once every slot's own mark fits)."""
    if any(p.field == "mark" for p in problems):
        return []
    total = sum(
        (s.mark * (s.pool_count if s.kind == SlotKind.RANDOM else 1) for s in slots), Decimal(0)
    )
    if marks_fit_an_attempt(total):
        return []
    return [_problem("", "total_too_big", total=total, max=MAX_TOTAL)]


def _fixed_problems(
    bank: QuizBank, slot: SlotSpec, index: int, first_slot: dict[int, int]
) -> list[Problem]:
    if slot.question_id is None:
        return [_problem("question", "question_required", index)]
    question = bank.questions.get(slot.question_id)
    if question is None or not question.in_scope:
        return [_problem("question", "question_unavailable", index)]
    if not question.is_drawable:
        return [_problem("question", "question_not_published", index)]
    if slot.question_id in first_slot:
        return [
            _problem(
                "question", "duplicate_question", index, first=first_slot[slot.question_id] + 1
            )
        ]
    first_slot[slot.question_id] = index
    return []


def _pool_problems(bank: QuizBank, slot: SlotSpec, index: int) -> list[Problem]:
    problems = []
    article_id = bank.article.pk if bank.article else None
    sections = {None} | {s.pk for s in bank.sections if s.article_id == article_id}
    if slot.pool_section_id not in sections:
        problems.append(_problem("pool_section", "section_unavailable", index))
    if slot.pool_concept_id not in {None} | {c.pk for c in bank.concepts}:
        problems.append(_problem("pool_concept", "pool_concept", index))
    if slot.pool_difficulty not in (None, 1, 2, 3):
        problems.append(_problem("pool_difficulty", "pool_difficulty", index))
    if slot.pool_tag_id not in {None} | {t.pk for t in bank.tags}:
        problems.append(_problem("pool_tag", "pool_tag", index))
    if slot.pool_count < 1:
        problems.append(_problem("pool_count", "pool_count_min", index))
    return problems


def _pool_supply_problems(
    bank: QuizBank, slots: Sequence[SlotSpec], fixed_ids: set[int], skip: set[int | None]
) -> list[Problem]:
    """Pools that might run dry: each must fill its count whatever earlier pools drew.

    Attempts draw pool by pool in slot order, skipping questions already drawn, so an earlier
    pool may take up to min(its count, the overlap) of a later pool's questions.
    """
    drawable = [
        q
        for q in bank.questions.values()
        if q.in_pool_scope and q.is_drawable and q.id not in fixed_ids
    ]
    problems, earlier = [], []
    for index, slot in enumerate(slots):
        if slot.kind != SlotKind.RANDOM or index in skip:
            continue
        pool = {q.id for q in drawable if in_pool(slot, q)}
        taken = sum(min(count, len(ids & pool)) for count, ids in earlier)
        params = {"available": len(pool), "count": slot.pool_count}
        if len(pool) < slot.pool_count:
            problems.append(_problem("pool_count", "pool_short", index, **params))
        elif len(pool) - taken < slot.pool_count:
            params |= {"taken": taken, "left": len(pool) - taken}
            problems.append(_problem("pool_count", "pool_overlap", index, **params))
        earlier.append((slot.pool_count, pool))
    return problems


def _check(fields: Mapping[str, Any], slots: Sequence[SlotSpec], bank: QuizBank) -> None:
    problems = quiz_field_problems(fields=fields, bank=bank)
    problems += quiz_slot_problems(bank=bank, slots=slots)
    if problems:
        raise QuizInvalid(problems)
