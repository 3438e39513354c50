"""Reads for question-bank export: the questions of a bank with what the writers need."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Course, Question, QuestionStatus


def question_list_for_export(
    *, course: Course | None = None, article_slug: str | None = None
) -> QuerySet[Question]:
    """A bank to export: a course's own questions (drafts too, not archived), else the shared
    bank's published questions; optionally one article's only.
    """
    if course is not None:
        questions = Question.objects.filter(course=course).exclude(status=QuestionStatus.ARCHIVED)
    else:
        questions = Question.objects.published().filter(course__isnull=True)
    if article_slug:
        questions = questions.filter(section__article__slug=article_slug)
    return (
        questions.select_related("current_version", "section__article", "course")
        .prefetch_related("concepts", "tags")
        .order_by("section__article__slug", "section__position", "key", "pk")
    )


def bank_for_export(course: Course, *, shared: bool) -> tuple[QuerySet[Question], str]:
    """The bank a course's instructor downloads (its own, or the shared bank of its article)
    and its file's name without the extension: the export page's and the API's one rule."""
    if shared:
        slug = course.article.slug
        return question_list_for_export(article_slug=slug), f"{slug}-shared-bank"
    return question_list_for_export(course=course), f"{course.slug}-bank"
