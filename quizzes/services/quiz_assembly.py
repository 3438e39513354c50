"""Choosing an attempt's questions: fixed slots, random pools, shuffling (pure after loading)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from .. import clock
from ..errors import QuizUnavailable
from ..models import Course, QuestionVersion, Quiz, QuizSlot, SlotKind
from ..qtypes import registry
from ..selectors import prepared
from ..selectors.exam_protection import NO_PROTECTION, practice_guard
from ..selectors.quiz_building import PoolCandidate, in_pool, pool_candidates
from ..selectors.version_store import note_versions_in_use, versions_by_id
from .first_answer import one_statement_saves
from .quiz_rules import marks_fit_an_attempt

MAX_ORDER_RESHUFFLES = 20
NO_MARK = Decimal(0)


@dataclass(frozen=True)
class Pick:
    """One question placed in an attempt: the exact version, its mark, and the order shown."""

    question_id: int
    version: QuestionVersion
    mark: Decimal
    choice_order: list[str]


class QuizSlotRow(NamedTuple):
    """A slot as the draw reads it (a row, not a model instance: a start reads every slot)."""

    position: int
    kind: str
    question_id: int | None
    current_version_id: int | None  # the fixed question's
    pinned_version_id: int | None
    mark: Decimal
    pool_count: int
    pool_section_id: int | None
    pool_difficulty: int | None
    pool_concept_id: int | None
    pool_tag_id: int | None


_SLOT_COLUMNS = (
    "position",
    "kind",
    "question_id",
    "question__current_version_id",
    "pinned_version_id",
    "mark",
    "pool_count",
    "pool_section_id",
    "pool_difficulty",
    "pool_concept_id",
    "pool_tag_id",
)


def quiz_slots_sent(quiz_id: int) -> Callable[[], list[QuizSlotRow]]:
    """Send the read of the quiz's slots, in order, and return what fetches them (compiled
    once for every quiz): sent inside a `pipelined` block, it travels with the block's other
    statements, as a start's does with its offer."""
    fetch = prepared.values_sent(
        QuizSlot,
        ("slot rows",),
        lambda quiz_id: (
            QuizSlot.objects.filter(quiz_id=quiz_id)
            .order_by("position")
            .values_list(*_SLOT_COLUMNS)
        ),
        args=(quiz_id,),
    )
    return lambda: [QuizSlotRow(*row) for row in fetch()]


def quiz_pick_questions(
    *,
    quiz: Quiz,
    rng: random.Random,
    course: Course | None = None,
    learner_id: int | None = None,
    slots: list[QuizSlotRow] | None = None,
) -> list[Pick]:
    """Fix the questions of a new attempt (a constant number of queries, whatever the size).
    `slots` are the quiz's, when the caller has read them (`quiz_slots_sent`).

    Given the course (and the learner), a practice quiz's pools leave out the questions an
    "exam only" graded quiz keeps for itself, drawing fewer if that is all they have left.
    A protected question practice still asks (drawn under "key-free practice", or fixed in a
    slot) carries no mark: the attempt's total, the quiz grade and the learner's mastery would
    otherwise tell its result, which the review withholds.
    """
    if slots is None:
        slots = quiz_slots_sent(quiz.pk)()
    guard = (
        practice_guard(quiz=quiz, user_id=learner_id, course=course, now=clock.now())
        if course is not None
        else NO_PROTECTION
    )
    kept_out = guard.exam_only
    candidates = pool_candidates(quiz=quiz, slots=[s for s in slots if s.kind == SlotKind.RANDOM])
    current_version = {c.id: c.current_version_id for c in candidates}
    # A slot looks only at its section's candidates (slots mostly draw from one section).
    in_section: dict[int, list[PoolCandidate]] = {}
    for candidate in candidates:
        in_section.setdefault(candidate.section_id, []).append(candidate)
    chosen: list[tuple[int, int | None, Decimal]] = []  # question, version, mark
    taken: set[int] = {s.question_id for s in slots if s.kind == SlotKind.FIXED}
    for slot in slots:
        if slot.kind == SlotKind.FIXED:
            version_id = slot.pinned_version_id or slot.current_version_id
            chosen.append((slot.question_id, version_id, slot.mark))
            continue
        scope = in_section.get(slot.pool_section_id, []) if slot.pool_section_id else candidates
        pool = [c.id for c in scope if in_pool(slot, c) and c.id not in taken]
        if len(pool) < slot.pool_count:
            raise QuizUnavailable(
                f"Slot {slot.position} draws {slot.pool_count} of {len(pool)}.",
                code="pool_too_small",
            )
        drawable = sorted(set(pool) - kept_out)
        for question_id in rng.sample(drawable, min(slot.pool_count, len(drawable))):
            taken.add(question_id)
            chosen.append((question_id, current_version[question_id], slot.mark))
    if not chosen:
        raise QuizUnavailable(code="practice_withheld")
    if guard.withheld:
        chosen = [
            (question_id, version_id, NO_MARK if question_id in guard.withheld else mark)
            for question_id, version_id, mark in chosen
        ]
    if not marks_fit_an_attempt(sum((mark for _, _, mark in chosen), Decimal(0))):
        # A quiz saved before the builder checked totals: refuse clearly, not with a 500.
        raise QuizUnavailable(code="marks_overflow")
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    versions = versions_by_id(version_id for _, version_id, _ in chosen if version_id)
    picks = []
    for question_id, version_id, mark in chosen:
        version = versions.get(version_id) if version_id else None
        if version is None:
            raise QuizUnavailable("A question of this quiz has no version.", code="pool_too_small")
        order = _choice_order(version, shuffle=quiz.shuffle_choices, rng=rng)
        picks.append(Pick(question_id, version, mark, order))
    if one_statement_saves():
        # What this start gave is what a first save of these questions will most likely meet.
        note_versions_in_use((pick.question_id, pick.version.pk) for pick in picks)
    return picks


def _choice_order(version: QuestionVersion, *, shuffle: bool, rng: random.Random) -> list[str]:
    """The display order of choices.

    Ordering items and matching options are always shuffled, whatever the quiz says: in their
    authoring order they would give the answer away.
    """
    qtype = registry.get(version.qtype)
    keys = qtype.shuffle_keys(version.payload)
    must_shuffle = qtype.always_shuffle
    if not keys or not (shuffle or must_shuffle):
        return keys
    order = list(keys)
    for _ in range(MAX_ORDER_RESHUFFLES):
        rng.shuffle(order)
        if not must_shuffle or order != keys or len(keys) < 2:
            break
    return order
