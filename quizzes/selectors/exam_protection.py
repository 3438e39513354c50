"""Exam protection: which questions practice quizzes and flashcards must not show with their
answers yet. The one home of this rule; the practice presenters, the practice check, practice
draws, the flashcard selectors and the API all ask `exam_guard`.

A graded quiz protects every question it may draw (its fixed questions and every question its
pools match: a pool filtered by a tag, such as the shipped Final exam's `exam`, only the
questions with that tag) while it is open for a learner: until it closes, or until the learner
has used all their attempts at it (then the exam's own review has already had its say); their
accommodations' later close dates and extra attempts keep it open to them longer. "Done with
it" is the rule the review that waits for the last attempt follows too
(`accommodations.has_attempt_left`), so practice shows a key exactly when that review does. Its
`exam_protection` says how: key-free practice (practice may ask the question but shows no
right answer, explanation or per-question result; flashcards leave it out) or exam only
(practice pools do not draw it either; a practice quiz that fixes it in a slot still asks it,
key-free). Practice asks a protected question unmarked (`quiz_assembly`), so no total, grade
or mastery tells its result either. A quiz counts for a learner when it is offered in a
course they belong to (or in the course asked about), published or not: an exam being prepared
needs its keys kept as much as one already open.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import DateTimeField, F, OuterRef, Q, QuerySet, Subquery, Value

from .. import behaviours
from ..models import (
    Accommodation,
    Attempt,
    Course,
    ExamProtection,
    Quiz,
    QuizMode,
    SlotKind,
)
from .accommodations import (
    NONE_USED,
    attempts_decide,
    attempts_used,
    has_attempt_left,
    learner_terms_in,
    still_open_limits,
)
from .quiz_building import in_pool, pool_candidates


@dataclass(frozen=True)
class ExamGuard:
    """The questions protected for one learner at one moment, and by which quiz."""

    key_free: frozenset[int] = frozenset()
    exam_only: frozenset[int] = frozenset()
    # Question id → the title of a quiz protecting it, so a page can say what to wait for.
    exam_titles: Mapping[int, str] = field(default_factory=dict)

    @property
    def withheld(self) -> frozenset[int]:
        """Questions whose right answer, explanation and per-question result stay hidden."""
        return self.key_free | self.exam_only

    def withholds(self, question_id: int) -> bool:
        """Whether this question's key and result stay hidden from the learner now."""
        return question_id in self.key_free or question_id in self.exam_only


NO_PROTECTION = ExamGuard()


def _with_later_close(quizzes: QuerySet[Quiz], user_id: int | None, courses) -> QuerySet[Quiz]:
    """Each quiz with the latest close date any of the learner's accommodations in these
    courses gives (`later_close`): the query leaves out the quizzes closed for them, and
    `_done_with` decides precisely for the others (a subquery: no query more)."""
    if user_id is None:
        return quizzes.annotate(later_close=Value(None, DateTimeField()))
    mine = Accommodation.objects.filter(
        Q(quiz=OuterRef("pk")) | Q(quiz__isnull=True),
        Q(learner_id=user_id) | Q(group__members=user_id),
        course__in=[c.pk for c in courses],
    )
    latest = mine.order_by(F("closes_at").desc(nulls_last=True)).values("closes_at")[:1]
    return quizzes.annotate(later_close=Subquery(latest))


def _done_with(
    quizzes: list[Quiz], user_id: int | None, courses: list[Course], now: datetime
) -> set[int]:
    """The quizzes the learner can take no more, in any course of theirs that offers them: the
    rule the review that waits for the last attempt follows too (`accommodations.
    has_attempt_left`). Two queries (their accommodations, their attempts), only for a learner
    with a quiz that has an attempt limit or a close date."""
    if user_id is None or not any(q.max_attempts is not None or q.closes_at for q in quizzes):
        return set()
    terms_for = learner_terms_in(learner_id=user_id, courses=courses)
    limits_of = {
        quiz.pk: still_open_limits(
            {c.pk: terms_for(quiz, c) for c in courses if quiz.is_offered_in(c)}, now
        )
        for quiz in quizzes
    }
    limited = [pk for pk, limits in limits_of.items() if attempts_decide(limits)]
    used = (
        attempts_used(learner_id=user_id, quiz_ids=limited, course_ids=[c.pk for c in courses])
        if limited
        else {}
    )
    return {
        pk
        for pk, limits in limits_of.items()
        if not has_attempt_left(
            limits, lambda course_id, pk=pk: used.get((pk, course_id), NONE_USED)
        )
    }


def _quiz_questions(quiz: Quiz) -> set[int]:
    """Every question the quiz may draw now: its fixed questions and its pools' matches."""
    slots = list(quiz.slots.all())
    fixed = {s.question_id for s in slots if s.kind == SlotKind.FIXED}
    pools = [s for s in slots if s.kind == SlotKind.RANDOM]
    candidates = pool_candidates(quiz=quiz, slots=pools)
    return fixed | {c.id for c in candidates if any(in_pool(s, c) for s in pools)}


def exam_guard(*, user_id: int | None, now: datetime, course: Course | None = None) -> ExamGuard:
    """The questions protected for this learner now, by the open graded quizzes offered in
    their courses (and in `course`, when given: an attempt's, a preview's, a site admin's visit).

    `user_id` None asks for a learner who has started no quiz and belongs to `course` alone.
    """
    courses = list(Course.objects.filter(enrolments__user_id=user_id).distinct() if user_id else [])
    if course is not None and all(c.pk != course.pk for c in courses):
        courses.append(course)
    if not courses:
        return NO_PROTECTION
    quizzes = list(
        _with_later_close(Quiz.objects.offered_in(*courses), user_id, courses)
        .filter(mode=QuizMode.GRADED)
        .exclude(exam_protection=ExamProtection.OPEN)
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now) | Q(later_close__gt=now))
        .select_related("course")
        .prefetch_related("slots")
        .order_by("pk")
    )
    done = _done_with(quizzes, user_id, courses, now)
    found: dict[str, set[int]] = defaultdict(set)
    titles: dict[int, str] = {}
    for quiz in quizzes:
        if quiz.pk in done:
            continue
        questions = _quiz_questions(quiz)
        found[quiz.exam_protection] |= questions
        for question_id in questions:
            titles.setdefault(question_id, quiz.title)
    return ExamGuard(
        key_free=frozenset(found[ExamProtection.KEY_FREE]),
        exam_only=frozenset(found[ExamProtection.EXAM_ONLY]),
        exam_titles=titles,
    )


def user_guard(*, user: AbstractBaseUser, now: datetime, course: Course | None = None) -> ExamGuard:
    """`exam_guard` for a request's user (anonymous visitors belong to no course)."""
    user_id = user.pk if user.is_authenticated else None
    return exam_guard(user_id=user_id, now=now, course=course)


def practice_guard(
    *, quiz: Quiz, user_id: int | None, course: Course | None, now: datetime
) -> ExamGuard:
    """The guard an attempt at this quiz obeys: a quiz whose behaviour gives verdicts during the
    attempt (practice) is guarded; a graded quiz follows its own review settings and is not
    held back by other quizzes."""
    if not behaviours.for_quiz(quiz).gives_feedback_during_attempt:
        return NO_PROTECTION
    return exam_guard(user_id=user_id, now=now, course=course)


def attempt_guard(attempt: Attempt, now: datetime) -> ExamGuard:
    """The guard an attempt (saved, or a preview's unsaved one) obeys."""
    return practice_guard(
        quiz=attempt.quiz, user_id=attempt.user_id, course=attempt.course, now=now
    )
