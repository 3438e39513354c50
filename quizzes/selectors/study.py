"""Reads for flashcard study: the due queue and each section's progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from math import floor

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Avg, Count, Min, Q, QuerySet
from django.db.models.functions import Coalesce

from ..models import (
    Article,
    AttemptState,
    CardKind,
    Response,
    ReviewCard,
    Section,
)
from .exam_protection import ExamGuard, user_guard


def _article_cards(
    *, user: AbstractBaseUser, article: Article, now: datetime, guard: ExamGuard | None
) -> QuerySet[ReviewCard]:
    """The user's cards about this article, concept cards and question cards alike, without
    the question cards a graded quiz protects now (their backs are its keys)."""
    if guard is None:
        guard = user_guard(user=user, now=now)
    return (
        ReviewCard.objects.filter(user=user)
        .filter(Q(concept__article=article) | Q(question__section__article=article))
        .exclude(question_id__in=guard.withheld)
    )


def cards_due(
    *,
    user: AbstractBaseUser,
    article: Article,
    now: datetime,
    limit: int = 20,
    guard: ExamGuard | None = None,
) -> list[ReviewCard]:
    """The user's cards for the article due at `now`, the longest overdue first.

    Each card comes with its concept or the question version the learner reviewed, and the
    section (with its article) either belongs to, so pages can show and link them without more
    queries. `guard` (computed when not given) says which question cards to leave out.
    """
    return list(
        _article_cards(user=user, article=article, now=now, guard=guard)
        .filter(due__lte=now)
        .select_related(
            "concept__section__article",
            "question_version",
            "question__section__article",
        )
        .order_by("due", "pk")[:limit]
    )


@dataclass(frozen=True)
class CardFaces:
    """What a card shows: its front, the answers on its back and the section it comes from."""

    front: str
    answers: list[str]
    aliases: list[str]
    explanation: str
    section: Section


def card_faces(card: ReviewCard) -> CardFaces:
    """A card's faces; a question card shows the version the learner reviewed, never a later
    rewrite (which might be the version an exam is about to ask)."""
    if card.kind == CardKind.CONCEPT:
        concept = card.concept
        return CardFaces(
            front=concept.term,
            answers=[concept.definition],
            aliases=list(concept.aliases),
            explanation="",
            section=concept.section,
        )
    version = card.question_version
    return CardFaces(
        front=version.stem,
        answers=version.type.correct_texts(version.payload),
        aliases=[],
        explanation=version.explanation,
        section=card.question.section,
    )


def card_due_count(
    *, user: AbstractBaseUser, article: Article, now: datetime, guard: ExamGuard | None = None
) -> int:
    """How many of the user's cards for the article are due at `now`."""
    cards = _article_cards(user=user, article=article, now=now, guard=guard)
    return cards.filter(due__lte=now).count()


def next_due_at(
    *, user: AbstractBaseUser, article: Article, now: datetime, guard: ExamGuard | None = None
) -> datetime | None:
    """When the user's next card for the article falls due after `now` (None: no cards)."""
    return (
        _article_cards(user=user, article=article, now=now, guard=guard)
        .filter(due__gt=now)
        .aggregate(next_due=Min("due"))["next_due"]
    )


@dataclass(frozen=True)
class SectionProgress:
    """How well a learner knows one section: flashcards known and quiz accuracy, in percent."""

    section: Section
    mastery: int
    cards_known: int
    cards_total: int
    quiz_accuracy: int | None
    due_count: int


def _percent(value: Fraction) -> int:
    """A fraction in [0, 1] as a whole percent, halves rounded up (exact: no float error)."""
    return floor(value * 100 + Fraction(1, 2))


def _mastery(cards_known: int, cards_total: int, accuracy: Fraction | None) -> int:
    """The mean of the card part and the quiz part that exist; 0 when neither does."""
    parts = [Fraction(cards_known, cards_total)] if cards_total else []
    if accuracy is not None:
        parts.append(accuracy)
    return _percent(sum(parts, Fraction(0)) / len(parts)) if parts else 0


def _card_counts_by_section(
    *, user: AbstractBaseUser, article: Article, now: datetime, guard: ExamGuard | None
) -> dict[int, dict[str, int]]:
    """Per section id: concept cards known (reviewed, not due) and cards due (one query)."""
    rows = (
        _article_cards(user=user, article=article, now=now, guard=guard)
        .annotate(section_key=Coalesce("concept__section_id", "question__section_id"))
        .values("section_key")
        .annotate(
            known=Count("pk", filter=Q(kind=CardKind.CONCEPT, review_count__gte=1, due__gt=now)),
            due=Count("pk", filter=Q(due__lte=now)),
        )
        .order_by()
    )
    return {row["section_key"]: row for row in rows}


def _accuracy_by_section(*, user: AbstractBaseUser, article: Article) -> dict[int, Fraction]:
    """Per section id: the mean fraction of the user's graded submitted responses (one query)."""
    rows = (
        Response.objects.filter(
            attempt__user=user,
            attempt__state=AttemptState.SUBMITTED,
            question__section__article=article,
        )
        .values("question__section_id")
        .annotate(accuracy=Avg("fraction"))
        .order_by()
    )
    # Avg skips responses without a fraction (not graded yet), and is None if all are.
    return {
        row["question__section_id"]: Fraction(row["accuracy"])
        for row in rows
        if row["accuracy"] is not None
    }


def section_progress(
    *, user: AbstractBaseUser, article: Article, now: datetime, guard: ExamGuard | None = None
) -> list[SectionProgress]:
    """Every section of the article in reading order with the user's progress in it.

    Three queries whatever the number of sections, cards and attempts (and the exam guard's,
    unless one is given).
    """
    sections = (
        Section.objects.filter(article=article)
        .select_related("article")
        .annotate(cards_total=Count("concepts"))
        .order_by("position")
    )
    cards = _card_counts_by_section(user=user, article=article, now=now, guard=guard)
    accuracy = _accuracy_by_section(user=user, article=article)
    progress = []
    for section in sections:
        counts = cards.get(section.pk, {})
        known, section_accuracy = counts.get("known", 0), accuracy.get(section.pk)
        progress.append(
            SectionProgress(
                section=section,
                mastery=_mastery(known, section.cards_total, section_accuracy),
                cards_known=known,
                cards_total=section.cards_total,
                quiz_accuracy=None if section_accuracy is None else _percent(section_accuracy),
                due_count=counts.get("due", 0),
            )
        )
    return progress


def study_next(progress: list[SectionProgress]) -> SectionProgress | None:
    """The section to study next: the lowest mastery, the earliest in reading order on a tie.

    None when every section is fully mastered.
    """
    open_sections = [item for item in progress if item.mastery < 100]
    if not open_sections:
        return None
    return min(open_sections, key=lambda item: (item.mastery, item.section.position))
