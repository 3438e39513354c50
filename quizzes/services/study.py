"""Writes for flashcard study: creating a learner's cards and recording reviews with FSRS."""

from __future__ import annotations

from datetime import UTC, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import OuterRef, Subquery
from fsrs import Card, Rating, Scheduler, State

from .. import clock
from ..errors import CardNotFound, InvalidRating
from ..models import (
    Article,
    Attempt,
    AttemptState,
    CardKind,
    CardState,
    Concept,
    ResponseState,
    ReviewCard,
    ReviewLog,
    ReviewTiming,
)

# The scheduler holds only its parameters (FSRS defaults), so one instance serves every review.
_SCHEDULER = Scheduler()
_RATINGS = {rating.value for rating in Rating}


def _utc(value: datetime | None) -> datetime | None:
    """The datetime in UTC: fsrs refuses any other zone, and a moved clock may carry one."""
    return value.astimezone(UTC) if value is not None else None


@transaction.atomic
def cards_ensure_for_article(*, user: AbstractBaseUser, article: Article) -> int:
    """Give the user a concept card, due now, for every concept of the article they lack one for.

    Returns how many cards were created. Cards are created in reading order so that, all being
    due at the same moment, the queue follows the article.
    """
    missing = (
        Concept.objects.filter(article=article)
        .exclude(review_cards__user=user)
        .order_by("section__position", "term", "pk")
        .values_list("pk", flat=True)
    )
    now = clock.now()
    cards = [ReviewCard(user=user, kind=CardKind.CONCEPT, concept_id=pk, due=now) for pk in missing]
    # ignore_conflicts: a second tab may create the same cards between our read and write.
    ReviewCard.objects.bulk_create(cards, ignore_conflicts=True)
    return len(cards)


def _fsrs_card(row: ReviewCard) -> Card:
    """The fsrs view of a stored card (its memory state lives in plain columns)."""
    return Card(
        card_id=row.pk,
        state=State(row.state),
        step=row.step,
        stability=row.stability,
        difficulty=row.difficulty,
        due=_utc(row.due),
        last_review=_utc(row.last_review),
    )


def _validated_rating(rating: object) -> Rating:
    """The fsrs rating for 1..4; anything else (bools, strings, floats too) is refused."""
    if type(rating) is not int or rating not in _RATINGS:
        raise InvalidRating()
    return Rating(rating)


@transaction.atomic
def review_record(
    *, user: AbstractBaseUser, card_id: int, rating: int, duration_ms: int | None = None
) -> ReviewCard:
    """Apply one review to the user's card: schedule it with FSRS and append a review log.

    Raises InvalidRating unless rating is 1 (again) to 4 (easy), and CardNotFound when the card
    does not exist or is another user's. The row is locked so two tabs cannot both apply a
    review computed from the same old state.
    """
    fsrs_rating = _validated_rating(rating)
    row = ReviewCard.objects.select_for_update().filter(pk=card_id, user=user).first()
    if row is None:
        raise CardNotFound(f"Card {card_id}.")
    now = _utc(clock.now())
    card, _log = _SCHEDULER.review_card(
        _fsrs_card(row), fsrs_rating, review_datetime=now, review_duration=duration_ms
    )
    # A lapse is forgetting a card that had graduated to review, as in Anki.
    if row.state == CardState.REVIEW and fsrs_rating == Rating.Again:
        row.lapse_count += 1
    row.state = card.state.value
    row.step = card.step
    row.stability = card.stability
    row.difficulty = card.difficulty
    row.due = card.due
    row.last_review = card.last_review
    row.review_count += 1
    row.save()
    ReviewLog.objects.create(
        card=row,
        rating=fsrs_rating.value,
        reviewed_at=now,
        review_duration_ms=duration_ms,
        due_after=card.due,
    )
    return row


def _answers_are_reviewable(attempt: Attempt, now: datetime) -> bool:
    """Whether the learner may already see this attempt's right answers in its review."""
    quiz = attempt.quiz
    if attempt.state != AttemptState.SUBMITTED or not quiz.review_shows_correct:
        return False
    if quiz.review_timing == ReviewTiming.AFTER_SUBMIT:
        return True
    if quiz.review_timing == ReviewTiming.AFTER_CLOSE:
        return quiz.closes_at is not None and quiz.closes_at <= now
    return False


# No savepoint: a submission calls this inside its own transaction, and a savepoint would add
# two statements to every submit.
@transaction.atomic(savepoint=False)
def study_cards_from_attempt(*, attempt: Attempt) -> int:
    """Give the learner a question card for each question not fully right in a submitted attempt.

    A question card shows the right answer on its back, so cards are only made once the
    attempt's review shows right answers to the learner (submitted, the quiz shows right answers
    and its review is open now). Each card holds the version this review showed; a card the
    learner already has moves to the version just reviewed, never to one they have not seen.
    Returns how many cards were created.
    """
    now = clock.now()
    if not _answers_are_reviewable(attempt, now):
        return 0
    cards = ReviewCard.objects.filter(user_id=attempt.user_id, question_id=OuterRef("question_id"))
    rows = (
        attempt.responses.annotate(
            card_id=Subquery(cards.values("pk")[:1]),
            card_version_id=Subquery(cards.values("question_version_id")[:1]),
        )
        .order_by("position")
        .values_list("question_id", "question_version_id", "state", "card_id", "card_version_id")
    )
    moved, new_cards = [], []
    for question_id, version_id, state, card_id, card_version_id in rows:
        if card_id is not None:
            if card_version_id != version_id:
                moved.append(ReviewCard(pk=card_id, question_version_id=version_id))
        elif state != ResponseState.CORRECT:
            new_cards.append(
                ReviewCard(
                    user_id=attempt.user_id,
                    kind=CardKind.QUESTION,
                    question_id=question_id,
                    question_version_id=version_id,
                    due=now,
                )
            )
    ReviewCard.objects.bulk_update(moved, ["question_version"])
    ReviewCard.objects.bulk_create(new_cards, ignore_conflicts=True)
    return len(new_cards)
