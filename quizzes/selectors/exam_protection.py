"""Exam protection: which questions practice quizzes and flashcards must not show with their
answers yet. The one home of this rule; the practice presenters, the practice check, practice
draws, the flashcard selectors and the API all ask `exam_guard`.

A graded quiz protects every question it may draw (its fixed questions and every question its
pools match: a pool filtered by a tag, such as the shipped Final exam's `exam`, only the
questions with that tag) while it is open for a learner: until it closes, or until the learner
has used all their attempts at it (then the exam's own review has already had its say); their
accommodations' later close dates and extra attempts keep it open to them longer. Its
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
from django.db.models import Count, DateTimeField, F, OuterRef, Q, QuerySet, Subquery, Value

from .. import behaviours
from ..models import (
    Accommodation,
    Attempt,
    AttemptState,
    Course,
    ExamProtection,
    Quiz,
    QuizMode,
    SlotKind,
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


def _with_accommodations(quizzes: QuerySet[Quiz], user_id: int | None, courses) -> QuerySet[Quiz]:
    """Each quiz with the latest close date (`later_close`) and the most extra attempts
    (`granted_attempts`) any of the learner's accommodations in these courses gives: a quiz
    stays protected for a learner as long as any of them keeps it open to them (subqueries of
    the same query: the guard costs no more queries)."""
    if user_id is None:
        return quizzes.annotate(later_close=Value(None, DateTimeField()), granted_attempts=Value(0))
    mine = Accommodation.objects.filter(
        Q(quiz=OuterRef("pk")) | Q(quiz__isnull=True),
        Q(learner_id=user_id) | Q(group__members=user_id),
        course__in=[c.pk for c in courses],
    )
    latest = mine.order_by(F("closes_at").desc(nulls_last=True)).values("closes_at")[:1]
    most = mine.order_by(F("extra_attempts").desc(nulls_last=True)).values("extra_attempts")[:1]
    return quizzes.annotate(later_close=Subquery(latest), granted_attempts=Subquery(most))


def _done_with(quizzes: list[Quiz], user_id: int | None, courses: list[Course]) -> set[int]:
    """Quizzes the learner has used every attempt at, in every course that offers them."""
    limited = [q for q in quizzes if q.max_attempts is not None]
    if user_id is None or not limited:
        return set()
    rows = (
        Attempt.objects.filter(user_id=user_id, quiz__in=limited)
        .values("quiz_id", "course_id")
        .annotate(total=Count("pk"), open=Count("pk", filter=Q(state=AttemptState.IN_PROGRESS)))
        .order_by()
    )
    used = {(row["quiz_id"], row["course_id"]): (row["total"], row["open"]) for row in rows}

    def done_in(quiz: Quiz, course: Course) -> bool:
        total, still_open = used.get((quiz.pk, course.pk), (0, 0))
        return total >= quiz.max_attempts + (quiz.granted_attempts or 0) and not still_open

    done = set()
    for quiz in limited:
        offering = [c for c in courses if quiz.is_offered_in(c)]
        if offering and all(done_in(quiz, c) for c in offering):
            done.add(quiz.pk)
    return done


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
        _with_accommodations(Quiz.objects.offered_in(*courses), user_id, courses)
        .filter(mode=QuizMode.GRADED)
        .exclude(exam_protection=ExamProtection.OPEN)
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now) | Q(later_close__gt=now))
        .select_related("course")
        .prefetch_related("slots")
        .order_by("pk")
    )
    done = _done_with(quizzes, user_id, courses)
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
