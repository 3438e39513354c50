"""Reads for the course gradebook page: per learner and quiz, the quiz grade (stored, by the
quiz's grading method) and the last submitted percent, the number of attempts, and the newest
attempt to click through to.

The database groups the attempts of a page of learners in one query, and one more reads the
scores of their last submitted attempts, whatever the number of learners, quizzes and attempts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Max, Q

from ..models import Attempt, AttemptState, Course, Quiz
from .gradebook import gradebook_quizzes, quiz_grade_percent
from .results import percent_expression, percent_value


@dataclass(frozen=True)
class GradebookCell:
    """One learner in one quiz: quiz grade (`best_percent`, the highest by default) and last
    submitted percent (None: none yet), attempts started, and the newest attempt (None: never
    started)."""

    quiz: Quiz
    best_percent: Decimal | None
    last_percent: Decimal | None
    attempt_count: int
    latest_attempt_id: int | None


@dataclass(frozen=True)
class GradebookRow:
    """One learner with a cell per quiz, in the gradebook's quiz order."""

    learner: AbstractBaseUser
    cells: list[GradebookCell]


def gradebook_page_rows(
    *, course: Course, learners: Iterable[AbstractBaseUser], quizzes: list[Quiz] | None = None
) -> list[GradebookRow]:
    """A row per learner (in the given order) with a cell per quiz; three queries in all
    (two when `quizzes` is given)."""
    learners = list(learners)
    quizzes = list(gradebook_quizzes(course=course)) if quizzes is None else quizzes
    submitted = Q(state=AttemptState.SUBMITTED)
    # A learner's attempts at a quiz in a course are numbered as they start, and so are their
    # ids: the highest id is the newest attempt (no subquery per cell).
    figures = list(
        Attempt.objects.filter(course=course, user__in=learners, quiz__in=quizzes)
        .values("user_id", "quiz_id")
        .annotate(
            attempts=Count("id"),
            grade=quiz_grade_percent(course),
            latest=Max("id"),
            last_submitted=Max("id", filter=submitted),
        )
        .order_by()
    )
    last_ids = [row["last_submitted"] for row in figures if row["last_submitted"]]
    last_percent = (
        {
            pk: percent_value(value)
            for pk, value in Attempt.objects.filter(pk__in=last_ids)
            .annotate(percent=percent_expression())
            .values_list("pk", "percent")
        }
        if last_ids
        else {}
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
                    last_percent=last_percent.get(row.get("last_submitted")),
                    attempt_count=row.get("attempts", 0),
                    latest_attempt_id=row.get("latest"),
                )
            )
        rows.append(GradebookRow(learner=learner, cells=cells))
    return rows
