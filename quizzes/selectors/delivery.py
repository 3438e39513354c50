"""Reads for delivery: quizzes a course offers, a learner's attempts, an attempt's page."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet, Sum

from ..models import Attempt, AttemptState, Course, Quiz, Response
from ..permissions import is_site_admin


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


def member_courses(user) -> list[Course]:
    """The courses a user belongs to (every course for site admins)."""
    courses = (
        Course.objects.all()
        if is_site_admin(user)
        else Course.objects.filter(enrolments__user=user)
    )
    return list(courses.distinct().order_by("title"))


def offered_quizzes(user) -> list[dict]:
    """Every (quiz, course) the user can take, with question counts and attempts used."""
    courses = member_courses(user)
    if not courses:
        return []
    articles = {c.article_id for c in courses if c.article_id}
    quizzes = list(
        Quiz.objects.published()
        .filter(
            Q(course__in=courses)
            | Q(course__isnull=True, article__in=articles)
            | Q(course__isnull=True, article__isnull=True)
        )
        .select_related("section")
        .annotate(question_count=Sum("slots__pool_count"))
        .order_by("section__position", "title")
    )
    used = {
        (row["quiz"], row["course"]): row["n"]
        for row in Attempt.objects.filter(user=user)
        .values("quiz", "course")
        .annotate(n=Count("id"))
    }
    offered = []
    for course in courses:
        for quiz in quizzes:
            if quiz.course_id == course.pk or (
                quiz.course_id is None and quiz.article_id in (None, course.article_id)
            ):
                quiz.section_slug = quiz.section.slug if quiz.section else None
                offered.append(
                    {
                        **{
                            f: getattr(quiz, f)
                            for f in (
                                "id",
                                "title",
                                "description",
                                "mode",
                                "layout",
                                "section_slug",
                                "time_limit_minutes",
                                "max_attempts",
                                "pass_mark",
                                "opens_at",
                                "closes_at",
                            )
                        },
                        "question_count": quiz.question_count or 0,
                        "course": {"id": course.pk, "slug": course.slug, "title": course.title},
                        "attempts_used": used.get((quiz.pk, course.pk), 0),
                    }
                )
    return offered
