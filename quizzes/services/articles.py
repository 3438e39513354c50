"""Writes for articles: importing the full text."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from ..article_markdown import ParsedArticle, parse_article
from ..errors import ArticleMismatch
from ..models import Article, Footnote, Paragraph, Section
from ..textnorm import FOOTNOTE_MARKER, normalize_for_quote


@dataclass(frozen=True)
class ImportResult:
    """What an import did."""

    article: Article
    changed: bool
    section_count: int
    paragraph_count: int
    footnote_count: int


def _same_heading(a: str, b: str) -> bool:
    return normalize_for_quote(a).casefold() == normalize_for_quote(b).casefold()


def article_import(*, source: str) -> ImportResult:
    """Import an article's Markdown full text; a file already imported changes nothing.

    Sections are matched by position, so a content pack loaded earlier keeps its slugs; a
    heading that differs from the stored one is an error and nothing is written.
    """
    parsed = parse_article(source)
    digest = hashlib.sha256(source.encode()).hexdigest()
    with transaction.atomic():
        article = Article.objects.filter(slug=slugify(parsed.title)).first()
        if article and article.full_text_sha256 == digest:
            return _result(article, changed=False)
        article = _upsert_article(article, parsed)
        _replace_full_text(article, parsed)
        article.full_text_sha256 = digest
        article.full_text_imported_at = timezone.now()
        article.save(update_fields=["full_text_sha256", "full_text_imported_at", "updated_at"])
    return _result(article, changed=True)


def _result(article: Article, *, changed: bool) -> ImportResult:
    return ImportResult(
        article=article,
        changed=changed,
        section_count=article.sections.count(),
        paragraph_count=Paragraph.objects.filter(section__article=article).count(),
        footnote_count=article.footnotes.count(),
    )


def _upsert_article(article: Article | None, parsed: ParsedArticle) -> Article:
    fields = {
        "title": parsed.title,
        "author": parsed.author,
        "published_on": parsed.published_on,
        "source": parsed.source,
    }
    if article is None:
        return Article.objects.create(slug=slugify(parsed.title), **fields)
    for name, value in fields.items():
        setattr(article, name, value)
    article.save()
    return article


def _replace_full_text(article: Article, parsed: ParsedArticle) -> None:
    existing = {s.position: s for s in article.sections.all()}
    if len(existing) > len(parsed.sections):
        raise ArticleMismatch(
            f"The database has {len(existing)} sections but the file has {len(parsed.sections)}."
        )
    Footnote.objects.filter(article=article).delete()
    Paragraph.objects.filter(section__article=article).delete()
    paragraphs: list[Paragraph] = []
    for position, parsed_section in enumerate(parsed.sections, start=1):
        section = existing.get(position)
        if section is None:
            section = Section.objects.create(
                article=article,
                position=position,
                heading=parsed_section.heading,
                slug=slugify(parsed_section.heading) or f"section-{position}",
            )
        elif not _same_heading(section.heading, parsed_section.heading):
            raise ArticleMismatch(
                f"Section {position} is {parsed_section.heading!r} in the file "
                f"but {section.heading!r} in the database."
            )
        paragraphs += [
            Paragraph(section=section, position=n, kind=p.kind, text=p.text)
            for n, p in enumerate(parsed_section.paragraphs, start=1)
        ]
    Paragraph.objects.bulk_create(paragraphs)
    citing = {
        number: paragraph
        for paragraph in Paragraph.objects.filter(section__article=article)
        for number in map(int, FOOTNOTE_MARKER.findall(paragraph.text))
    }
    Footnote.objects.bulk_create(
        Footnote(
            article=article, number=f.number, text=f.text, url=f.url, paragraph=citing.get(f.number)
        )
        for f in parsed.footnotes.values()
    )
