"""Reads: querysets with what their callers need already joined or prefetched."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from ..models import Article, Concept, Question, Section


def question_list_published(*, article_slug: str | None = None) -> QuerySet[Question]:
    """Published questions with their current version, section and concepts."""
    questions = (
        Question.objects.published()
        .select_related("current_version", "section__article")
        .prefetch_related("concepts")
        .order_by("section__article__slug", "section__position", "key", "pk")
    )
    if article_slug:
        questions = questions.filter(section__article__slug=article_slug)
    return questions


def article_list_with_sections() -> QuerySet[Article]:
    """Every article with its sections in order (and each section's summary)."""
    return Article.objects.prefetch_related(
        Prefetch(
            "sections", queryset=Section.objects.select_related("summary").order_by("position")
        )
    )


def section_get_for_page(*, article_slug: str, section_slug: str) -> Section:
    """A section with everything its study page shows; DoesNotExist when there is none."""
    return (
        Section.objects.select_related("article", "summary")
        .prefetch_related(
            "paragraphs__footnotes",
            Prefetch("concepts", queryset=Concept.objects.order_by("term")),
        )
        .get(article__slug=article_slug, slug=section_slug)
    )


def section_neighbours(section: Section) -> tuple[Section | None, Section | None]:
    """The sections before and after this one in its article (one query)."""
    around = list(
        Section.objects.filter(
            article_id=section.article_id, position__in=(section.position - 1, section.position + 1)
        )
        .select_related("article")
        .order_by("position")
    )
    before = next((s for s in around if s.position < section.position), None)
    after = next((s for s in around if s.position > section.position), None)
    return before, after
