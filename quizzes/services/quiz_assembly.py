"""Choosing an attempt's questions: fixed slots, random pools, shuffling (pure after loading)."""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from .. import clock
from ..errors import QuizUnavailable
from ..models import Course, Question, QuestionVersion, Quiz, QuizSlot, SlotKind
from ..qtypes import registry
from ..selectors import prepared
from ..selectors.exam_protection import practice_guard
from ..selectors.quiz_building import in_pool, pool_candidates
from .quiz_rules import marks_fit_an_attempt

MAX_ORDER_RESHUFFLES = 20


@dataclass(frozen=True)
class Pick:
    """One question placed in an attempt: the exact version, its mark, and the order shown."""

    question_id: int
    version: QuestionVersion
    mark: Decimal
    choice_order: list[str]


def quiz_pick_questions(
    *,
    quiz: Quiz,
    rng: random.Random,
    course: Course | None = None,
    learner_id: int | None = None,
) -> list[Pick]:
    """Fix the questions of a new attempt (a constant number of queries, whatever the size).

    Given the course (and the learner), a practice quiz's pools leave out the questions an
    "exam only" graded quiz keeps for itself, drawing fewer if that is all they have left.
    """
    # No JOIN to the versions here: the versions every slot needs are read in one query below.
    slots = prepared.instances(QuizSlot, ("slots", quiz.pk), lambda: quiz.slots.all())
    kept_out = (
        practice_guard(quiz=quiz, user_id=learner_id, course=course, now=clock.now()).exam_only
        if course is not None
        else frozenset()
    )
    candidates = pool_candidates(quiz=quiz, slots=[s for s in slots if s.kind == SlotKind.RANDOM])
    chosen: list[tuple[int, int | None, Decimal]] = []
    taken: set[int] = {s.question_id for s in slots if s.kind == SlotKind.FIXED}
    for slot in sorted(slots, key=lambda s: s.position):
        if slot.kind == SlotKind.FIXED:
            chosen.append((slot.question_id, slot.pinned_version_id, slot.mark))
            continue
        pool = [c.id for c in candidates if in_pool(slot, c) and c.id not in taken]
        if len(pool) < slot.pool_count:
            raise QuizUnavailable(
                f"Slot {slot.position} draws {slot.pool_count} of {len(pool)}.",
                code="pool_too_small",
            )
        drawable = sorted(set(pool) - kept_out)
        for question_id in rng.sample(drawable, min(slot.pool_count, len(drawable))):
            taken.add(question_id)
            chosen.append((question_id, None, slot.mark))
    if not chosen:
        raise QuizUnavailable(code="practice_withheld")
    if not marks_fit_an_attempt(sum((mark for _, _, mark in chosen), Decimal(0))):
        # A quiz saved before the builder checked totals: refuse clearly, not with a 500.
        raise QuizUnavailable(code="marks_overflow")
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    pinned, current = _versions(chosen)
    picks = []
    for question_id, pinned_id, mark in chosen:
        version = pinned.get(pinned_id) if pinned_id else current.get(question_id)
        if version is None:
            raise QuizUnavailable("A question of this quiz has no version.", code="pool_too_small")
        order = _choice_order(version, shuffle=quiz.shuffle_choices, rng=rng)
        picks.append(Pick(question_id, version, mark, order))
    return picks


def _versions(
    chosen: list[tuple[int, int | None, Decimal]],
) -> tuple[dict[int, QuestionVersion], dict[int, QuestionVersion]]:
    """The pinned versions by id and the current versions of the other questions by question
    id, in one query."""
    pinned_ids = sorted({pinned_id for _, pinned_id, _ in chosen if pinned_id})
    unpinned = sorted({question_id for question_id, pinned_id, _ in chosen if not pinned_id})
    pinned: dict[int, QuestionVersion] = {}
    current: dict[int, QuestionVersion] = {}
    found = prepared.instances(
        QuestionVersion,
        ("versions", len(pinned_ids), len(unpinned)),
        functools.partial(_versions_query, len(pinned_ids)),
        args=(*pinned_ids, *unpinned),
    )
    pinned_set, unpinned_set = set(pinned_ids), set(unpinned)
    for version in found:
        if version.pk in pinned_set:
            pinned[version.pk] = version
        if version.question_id in unpinned_set:
            current[version.question_id] = version
    return pinned, current


def _versions_query(pinned_count: int, *ids: int) -> QuerySet[QuestionVersion]:
    """The versions `ids[:pinned_count]`, and the current versions of the questions
    `ids[pinned_count:]`."""
    pinned_ids, unpinned = ids[:pinned_count], ids[pinned_count:]
    wanted = Q(pk__in=Question.objects.filter(pk__in=unpinned).values("current_version"))
    if pinned_ids:
        wanted |= Q(pk__in=pinned_ids)
    return QuestionVersion.objects.filter(wanted).order_by()


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
