"""Reads for the question bank of a course."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet

from ..models import Course, Question, QuestionVersion, Tag


def question_list_for_course(
    *, course: Course, filters: Mapping[str, Any] | None = None
) -> QuerySet[Question]:
    """Questions a course's instructors may use: its own bank and the shared bank of its article."""
    filters = filters or {}
    questions = Question.objects.filter(
        Q(course=course) | Q(course__isnull=True, section__article_id=course.article_id)
    ).select_related("current_version", "section", "course")
    if filters.get("q"):
        questions = questions.filter(
            Q(current_version__stem__icontains=filters["q"]) | Q(key__icontains=filters["q"])
        )
    for field, lookup in (
        ("section", "section"),
        ("qtype", "qtype"),
        ("concept", "concepts"),
        ("tag", "tags"),
        ("difficulty", "difficulty"),
        ("status", "status"),
    ):
        if filters.get(field) not in (None, ""):
            questions = questions.filter(**{lookup: filters[field]})
    if filters.get("owner") == "course":
        questions = questions.filter(course=course)
    elif filters.get("owner") == "shared":
        questions = questions.filter(course__isnull=True)
    return questions.distinct().order_by("section__position", "key", "pk")


def question_get_for_course(*, course: Course, question_id: int) -> Question | None:
    """One question the course may use, or None (another course's question looks the same)."""
    return question_list_for_course(course=course).filter(pk=question_id).first()


def question_versions(*, question: Question) -> list[QuestionVersion]:
    """Every version of a question, newest first, with their authors."""
    return list(question.versions.select_related("created_by").order_by("-number"))


def tag_list_for_course(*, course: Course) -> QuerySet[Tag]:
    """The tags of the questions a course may use, by name."""
    scope = Q(questions__course=course) | Q(
        questions__course__isnull=True, questions__section__article_id=course.article_id
    )
    return Tag.objects.filter(scope).distinct().order_by("name")
