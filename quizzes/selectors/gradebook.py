"""Reads for a course's gradebook: its learners × its quizzes, quiz grade and attempts each.

The database counts per (learner, quiz) in one GROUP BY that carries the stored quiz grade
(`QuizGrade`) along, so a page of the gradebook costs the same few queries whatever the number
of learners, quizzes and attempts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery

from ..models import Attempt, Course, CourseRole, Quiz, QuizGrade


@dataclass(frozen=True)
class GradebookCell:
    """One learner's standing in one quiz: their quiz grade (by the quiz's grading method; the
    API calls it `best_percent`, the highest being the default; None: nothing submitted yet)
    and the attempts they started."""

    quiz: Quiz
    best_percent: Decimal | None
    attempt_count: int


def quiz_grade_percent(course: Course, quiz: Quiz | None = None) -> Subquery:
    """The stored quiz grade of the row's learner (`user_id`) on `quiz` (else on the row's
    `quiz_id`) in the course, for an annotation of attempts grouped by those columns: the
    grade rides along in their query."""
    grades = QuizGrade.objects.filter(course=course, user_id=OuterRef("user_id"))
    grades = grades.filter(quiz=quiz) if quiz else grades.filter(quiz_id=OuterRef("quiz_id"))
    return Subquery(
        grades.values("percent")[:1],
        output_field=DecimalField(max_digits=5, decimal_places=2),
    )


@dataclass(frozen=True)
class GradebookRow:
    """One learner with a cell per quiz of the course, in the course's quiz order."""

    learner: AbstractBaseUser
    cells: list[GradebookCell]


def gradebook_learners(*, course: Course) -> QuerySet:
    """The course's learners (enrolled with the learner role), by username."""
    return (
        get_user_model()
        .objects.filter(enrolments__course=course, enrolments__role=CourseRole.LEARNER)
        .order_by("username", "pk")
    )


def gradebook_quizzes(*, course: Course) -> QuerySet[Quiz]:
    """The quizzes of the course's gradebook: those it offers now, and any with attempts in it.

    A quiz unpublished after learners took it keeps its column, so no score disappears.
    """
    taken = Q(pk__in=Attempt.objects.filter(course=course).values("quiz_id"))
    return (
        Quiz.objects.offered_in(course)
        .filter(Q(is_published=True) | taken)
        .select_related("section")
        .order_by("section__position", "title", "pk")
    )


def gradebook_rows(*, course: Course, learners: Iterable[AbstractBaseUser]) -> list[GradebookRow]:
    """A row per learner (in the given order) with a cell per quiz; two queries in all."""
    learners = list(learners)
    quizzes = list(gradebook_quizzes(course=course))
    figures = (
        Attempt.objects.filter(course=course, user__in=learners, quiz__in=quizzes)
        .values("user_id", "quiz_id")
        .annotate(attempts=Count("id"), grade=quiz_grade_percent(course))
        .order_by()
    )
    by_cell = {(row["user_id"], row["quiz_id"]): row for row in figures}
    rows = []
    for learner in learners:
        cells = []
        for quiz in quizzes:
            row = by_cell.get((learner.pk, quiz.pk), {})
            cells.append(
                GradebookCell(
                    quiz=quiz,
                    best_percent=row.get("grade"),
                    attempt_count=row.get("attempts", 0),
                )
            )
        rows.append(GradebookRow(learner=learner, cells=cells))
    return rows
