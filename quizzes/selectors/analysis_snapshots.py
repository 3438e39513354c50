"""A quiz's item analysis kept in the shared cache until something changes it, as Moodle keeps
its quiz statistics and recalculates them in the background.

Computing an analysis reads every response of the quiz's submitted attempts in the course
(`item_analysis.quiz_item_analysis`: four aggregate queries, 0.19 s at 10,000 attempts and
growing with them). The results page and the API read the copy kept in the cache while its
*stamp* still holds: how many attempts are submitted and the latest submission, and how many
quiz grades there are and their latest update (a regrade, a mark or a grade given by hand all
update the quiz grades). A copy that is missing or out of date is computed on request, as
before; the worker refreshes the copies of quizzes whose grades changed lately
(`tasks.refresh_item_analyses`), so a teacher usually finds the figures ready. The cache is
the site's (the database, or Redis with REDIS_URL): every app server sees the same copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max

from .. import clock
from ..models import Attempt, AttemptState, Course, Quiz, QuizGrade
from .item_analysis import QuizAnalysis, quiz_item_analysis

# A copy is also dropped after a week unread, whatever its stamp (the cache's own expiry).
KEEP_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class AnalysisSnapshot:
    """An item analysis, when it was computed, and the stamp it was computed under."""

    analysis: QuizAnalysis
    computed_at: datetime
    stamp: tuple[Any, ...]


def analysis_stamp(*, course_id: int, quiz_id: int) -> tuple[Any, ...]:
    """What changes whenever the analysis would: the submitted attempts (count, latest) and the
    quiz grades (count, latest update). Two aggregate queries on indexed columns."""
    attempts = Attempt.objects.filter(
        course_id=course_id, quiz_id=quiz_id, state=AttemptState.SUBMITTED
    ).aggregate(n=Count("id"), last=Max("submitted_at"))
    grades = QuizGrade.objects.filter(course_id=course_id, quiz_id=quiz_id).aggregate(
        n=Count("id"), last=Max("updated_at")
    )
    return (attempts["n"], attempts["last"], grades["n"], grades["last"])


def _key(course_id: int, quiz_id: int) -> str:
    return f"kzstudy:item-analysis:{course_id}:{quiz_id}"


def item_analysis_snapshot(*, course: Course, quiz: Quiz) -> AnalysisSnapshot:
    """The quiz's item analysis in the course: the cached copy while its stamp holds, else
    computed now (and kept)."""
    return _snapshot(course, quiz)[0]


def _snapshot(course: Course, quiz: Quiz) -> tuple[AnalysisSnapshot, bool]:
    """The snapshot, and whether it had to be computed."""
    stamp = analysis_stamp(course_id=course.pk, quiz_id=quiz.pk)
    kept = cache.get(_key(course.pk, quiz.pk))
    if isinstance(kept, AnalysisSnapshot) and kept.stamp == stamp:
        return kept, False
    snapshot = AnalysisSnapshot(quiz_item_analysis(course=course, quiz=quiz), clock.now(), stamp)
    cache.set(_key(course.pk, quiz.pk), snapshot, KEEP_SECONDS)
    return snapshot, True


def refresh_changed_snapshots(*, since: datetime) -> int:
    """Bring up to date the copies of the quizzes (in each course) whose grades changed since
    `since`; returns how many were computed again."""
    changed = list(
        QuizGrade.objects.filter(updated_at__gte=since)
        .values_list("course_id", "quiz_id")
        .order_by()
        .distinct()
    )
    courses = Course.objects.in_bulk({course_id for course_id, _ in changed})
    quizzes = Quiz.objects.in_bulk({quiz_id for _, quiz_id in changed})
    return sum(_snapshot(courses[course_id], quizzes[quiz_id])[1] for course_id, quiz_id in changed)
