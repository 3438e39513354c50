"""Choosing an attempt's questions: fixed slots, random pools, shuffling (pure after loading)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from ..errors import QuizUnavailable
from ..models import Question, QuestionVersion, Quiz, QuizSlot, SlotKind
from ..qtypes import registry

MAX_ORDER_RESHUFFLES = 20


@dataclass(frozen=True)
class Pick:
    """One question placed in an attempt: the exact version, its mark, and the order shown."""

    question_id: int
    version: QuestionVersion
    mark: Decimal
    choice_order: list[str]


@dataclass(frozen=True)
class _Candidate:
    question_id: int
    section_id: int
    difficulty: int
    concept_ids: frozenset[int]


def quiz_pick_questions(*, quiz: Quiz, rng: random.Random) -> list[Pick]:
    """Fix the questions of a new attempt (a constant number of queries, whatever the size)."""
    slots = list(quiz.slots.select_related("question__current_version", "pinned_version"))
    candidates = _pool_candidates(slots)
    chosen: list[tuple[int, QuestionVersion | None, Decimal]] = []
    taken: set[int] = {s.question_id for s in slots if s.kind == SlotKind.FIXED}
    for slot in sorted(slots, key=lambda s: s.position):
        if slot.kind == SlotKind.FIXED:
            chosen.append((slot.question_id, slot.pinned_version, slot.mark))
            continue
        pool = [
            c.question_id for c in candidates if _in_pool(slot, c) and c.question_id not in taken
        ]
        if len(pool) < slot.pool_count:
            raise QuizUnavailable(
                f"Slot {slot.position} draws {slot.pool_count} of {len(pool)}.",
                code="pool_too_small",
            )
        for question_id in rng.sample(sorted(pool), slot.pool_count):
            taken.add(question_id)
            chosen.append((question_id, None, slot.mark))
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    versions = _current_versions([qid for qid, pinned, _ in chosen if pinned is None])
    picks = []
    for question_id, pinned, mark in chosen:
        version = pinned or versions.get(question_id)
        if version is None:
            raise QuizUnavailable("A question of this quiz has no version.", code="pool_too_small")
        order = _choice_order(version, shuffle=quiz.shuffle_choices, rng=rng)
        picks.append(Pick(question_id, version, mark, order))
    return picks


def _pool_candidates(slots: list[QuizSlot]) -> list[_Candidate]:
    """Published questions that any random slot could draw, with their concepts (two queries)."""
    random_slots = [s for s in slots if s.kind == SlotKind.RANDOM]
    if not random_slots:
        return []
    # Pools draw from the shared bank and the quiz's own course bank, never another course's.
    owner = random_slots[0].quiz.course_id
    shared_or_own = Q(course__isnull=True) | (Q(course_id=owner) if owner else Q(pk__in=[]))
    questions = Question.objects.published().filter(shared_or_own, current_version__isnull=False)
    if all(s.pool_section_id for s in random_slots):
        questions = questions.filter(section_id__in={s.pool_section_id for s in random_slots})
    rows = list(questions.values_list("id", "section_id", "difficulty"))
    concept_ids: dict[int, set[int]] = {}
    wanted = {s.pool_concept_id for s in random_slots if s.pool_concept_id}
    if wanted:
        links = Question.concepts.through.objects.filter(
            concept_id__in=wanted, question_id__in=[r[0] for r in rows]
        ).values_list("question_id", "concept_id")
        for question_id, concept_id in links:
            concept_ids.setdefault(question_id, set()).add(concept_id)
    return [_Candidate(q, s, d, frozenset(concept_ids.get(q, ()))) for q, s, d in rows]


def _in_pool(slot: QuizSlot, candidate: _Candidate) -> bool:
    return (
        slot.pool_section_id in (None, candidate.section_id)
        and slot.pool_difficulty in (None, candidate.difficulty)
        and (slot.pool_concept_id is None or slot.pool_concept_id in candidate.concept_ids)
    )


def _current_versions(question_ids: list[int]) -> dict[int, QuestionVersion]:
    versions = QuestionVersion.objects.filter(
        pk__in=Question.objects.filter(pk__in=question_ids).values("current_version")
    )
    return {v.question_id: v for v in versions}


def _choice_order(version: QuestionVersion, *, shuffle: bool, rng: random.Random) -> list[str]:
    """The display order of choices.

    Ordering items and matching options are always shuffled, whatever the quiz says: in their
    authoring order they would give the answer away.
    """
    keys = registry.get(version.qtype).shuffle_keys(version.payload)
    must_shuffle = version.qtype in ("ordering", "matching")
    if not keys or not (shuffle or must_shuffle):
        return keys
    order = list(keys)
    for _ in range(MAX_ORDER_RESHUFFLES):
        rng.shuffle(order)
        if not must_shuffle or order != keys or len(keys) < 2:
            break
    return order
