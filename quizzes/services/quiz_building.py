"""Writes for the quiz builder: create, update and duplicate quizzes; preview one unrecorded.

Editing a quiz replaces its slots but never touches attempts: an attempt fixed its questions,
versions and marks in its own `Response` rows when it started.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from .. import clock
from ..errors import QuizNotEditable
from ..models import (
    Attempt,
    Course,
    Question,
    Quiz,
    QuizSlot,
    Response,
    SlotKind,
)
from ..permissions import can_edit_quiz, teaches
from ..selectors.quiz_building import quiz_bank, quiz_get_for_teaching
from .quiz_assembly import quiz_pick_questions
from .quiz_grades import quiz_settings_changed
from .quiz_rules import (
    QUIZ_FIELDS,
    SlotSpec,
    _check,
)


def quiz_defaults() -> dict[str, Any]:
    """The rules a new quiz starts with: the model's defaults, except that it is a draft.

    A new quiz is unpublished until its author publishes it, so learners never see a quiz
    that is still being built. The builder's blank form and `quiz_create` both start here.
    """
    defaults = {name: Quiz._meta.get_field(name).get_default() for name in QUIZ_FIELDS}
    defaults["is_published"] = False
    return defaults


def _replace_slots(quiz: Quiz, slots: Sequence[SlotSpec], pins: Mapping[int, int]) -> None:
    """Swap in the new slots; a fixed question that stays keeps its pinned version."""
    quiz.slots.all().delete()
    QuizSlot.objects.bulk_create(
        QuizSlot(
            quiz=quiz,
            position=position,
            kind=slot.kind,
            mark=slot.mark,
            question_id=slot.question_id if slot.kind == SlotKind.FIXED else None,
            pinned_version_id=pins.get(slot.question_id) if slot.kind == SlotKind.FIXED else None,
            pool_section_id=slot.pool_section_id if slot.kind == SlotKind.RANDOM else None,
            pool_concept_id=slot.pool_concept_id if slot.kind == SlotKind.RANDOM else None,
            pool_difficulty=slot.pool_difficulty if slot.kind == SlotKind.RANDOM else None,
            pool_tag_id=slot.pool_tag_id if slot.kind == SlotKind.RANDOM else None,
            pool_count=slot.pool_count if slot.kind == SlotKind.RANDOM else 1,
        )
        for position, slot in enumerate(slots, start=1)
    )


@transaction.atomic
def quiz_create(
    *,
    course: Course,
    actor: AbstractBaseUser,
    fields: Mapping[str, Any],
    slots: Sequence[SlotSpec],
) -> Quiz:
    """Create a quiz of a course from its rules and slots; rules left out take
    `quiz_defaults()` (so a quiz is a draft unless `is_published` says otherwise)."""
    if not teaches(actor, course):
        raise QuizNotEditable()
    fields = {**quiz_defaults(), **fields}
    _check(fields, slots, quiz_bank(course=course, article=course.article))
    quiz = Quiz.objects.create(course=course, article=course.article, **fields)
    _replace_slots(quiz, slots, pins={})
    return quiz


def _quiz_article(quiz: Quiz):
    return quiz.article if quiz.article_id else (quiz.course.article if quiz.course_id else None)


@transaction.atomic
def quiz_update(
    *,
    quiz: Quiz,
    actor: AbstractBaseUser,
    fields: Mapping[str, Any],
    slots: Sequence[SlotSpec],
) -> Quiz:
    """Change a quiz's rules and replace its slots, all or nothing; attempts keep theirs."""
    # Lock the quiz so two editors saving at once cannot interleave their slot rows.
    locked = (
        Quiz.objects.select_for_update(of=("self",))
        .select_related("course", "article")
        .get(pk=quiz.pk)
    )
    if not can_edit_quiz(actor, locked):
        raise QuizNotEditable()
    _check(fields, slots, quiz_bank(course=locked.course, article=_quiz_article(locked)))
    pins = dict(
        locked.slots.filter(pinned_version__isnull=False).values_list(
            "question_id", "pinned_version_id"
        )
    )
    grading_before = (locked.grading_method, locked.pass_mark)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save()
    _replace_slots(locked, slots, pins)
    if (locked.grading_method, locked.pass_mark) != grading_before:
        # Every learner's quiz grade follows the new method or pass mark, in this transaction.
        quiz_settings_changed(quiz=locked)
    return locked


@transaction.atomic
def quiz_duplicate(*, quiz: Quiz, course: Course, actor: AbstractBaseUser) -> Quiz:
    """Copy a quiz (rules and slots) into a course as a quiz of its own, unpublished.

    This is how an instructor changes a shared quiz (the Final exam, say): the copy is the
    course's. The copy starts unpublished so learners do not see two versions of the same
    quiz before the instructor has looked it over.

    Its fixed slots point at the same questions as the original, pinned versions included;
    shared questions are not copied. They stay the site admins' to correct, and corrections
    reach the copy; copying them would fill the course's bank with drafts that no attempt may
    draw. To reword one, the instructor duplicates that question and puts the copy in its slot.

    QuizNotEditable unless the actor teaches the course and the course offers the quiz (its
    own, or a shared quiz of its article).
    """
    if not teaches(actor, course) or quiz_get_for_teaching(course=course, quiz_id=quiz.pk) is None:
        raise QuizNotEditable()
    rules = {name: getattr(quiz, name) for name in QUIZ_FIELDS}
    title_max = Quiz._meta.get_field("title").max_length
    rules["title"] = f"{quiz.title} (copy)"[:title_max]
    rules["is_published"] = False
    copy = Quiz.objects.create(course=course, article=course.article or quiz.article, **rules)
    slots = list(quiz.slots.order_by("position"))
    pins = {s.question_id: s.pinned_version_id for s in slots if s.pinned_version_id}
    _replace_slots(copy, [SlotSpec.of(s) for s in slots], pins)
    return copy


@dataclass(frozen=True)
class QuizPreview:
    """An attempt as a learner would get it, built in memory: nothing in it is ever saved."""

    attempt: Attempt
    responses: list[Response]


def quiz_preview(
    *, quiz: Quiz, course: Course, actor: AbstractBaseUser, rng: random.Random
) -> QuizPreview:
    """Pick a quiz's questions as `attempt_start` would, without writing anything.

    Raises QuizUnavailable (code "pool_too_small") when a pool cannot be filled.
    """
    picks = quiz_pick_questions(quiz=quiz, rng=rng, course=course, learner_id=actor.pk)
    questions = Question.objects.select_related("section__article").in_bulk(
        [p.question_id for p in picks]
    )
    attempt = Attempt(
        quiz=quiz,
        course=course,
        user=actor,
        number=1,
        started_at=clock.now(),
        max_score=sum((p.mark for p in picks), Decimal(0)),
    )
    # Unsaved rows pointing at an unsaved attempt: Django refuses to save them by accident.
    responses = [
        Response(
            attempt=attempt,
            position=position,
            question=questions[pick.question_id],
            question_version=pick.version,
            max_mark=pick.mark,
            choice_order=pick.choice_order,
        )
        for position, pick in enumerate(picks, start=1)
    ]
    return QuizPreview(attempt, responses)
