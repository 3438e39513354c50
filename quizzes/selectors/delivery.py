"""Reads for delivery: quizzes a course offers, a learner's attempts, an attempt's page."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from ..models import Attempt, AttemptState, Course, Quiz, Response


def quiz_list_for_course(*, course: Course) -> QuerySet[Quiz]:
    """Published quizzes offered in a course: its own, and shared ones for its article."""
    shared = Q(course__isnull=True) & (Q(article__isnull=True) | Q(article_id=course.article_id))
    return (
        Quiz.objects.published()
        .filter(Q(course=course) | shared)
        .select_related("section")
        .order_by("section__position", "title")
    )


def attempt_get_for_user(*, attempt_id: int, user: AbstractBaseUser) -> Attempt | None:
    """The user's own attempt with its quiz and course, or None (another's looks the same)."""
    return (
        Attempt.objects.select_related("quiz__section", "quiz__article", "course")
        .filter(pk=attempt_id, user=user)
        .first()
    )


def attempt_responses(*, attempt: Attempt) -> list[Response]:
    """The attempt's responses in order, each with the exact version it showed (one query)."""
    return list(
        attempt.responses.select_related("question_version", "question__section__article").order_by(
            "position"
        )
    )


@dataclass(frozen=True)
class QuizHistory:
    """A learner's attempts at one quiz with their best and last scores (percent)."""

    quiz: Quiz
    attempts: list[Attempt]
    best: Decimal | None
    last: Decimal | None


def attempt_history(*, user: AbstractBaseUser, course: Course | None = None) -> list[QuizHistory]:
    """The user's attempts grouped by quiz, newest first, with best and last score (one query)."""
    attempts = (
        Attempt.objects.filter(user=user)
        .select_related("quiz", "course")
        .order_by("quiz__title", "-number")
    )
    if course is not None:
        attempts = attempts.filter(course=course)
    grouped: dict[int, list[Attempt]] = {}
    for attempt in attempts:
        grouped.setdefault(attempt.quiz_id, []).append(attempt)
    history = []
    for items in grouped.values():
        scored = [a.percent for a in items if a.state == AttemptState.SUBMITTED]
        history.append(
            QuizHistory(
                items[0].quiz, items, max(scored) if scored else None, scored[0] if scored else None
            )
        )
    return history
