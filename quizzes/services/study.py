"""Writes for flashcard study: creating a learner's cards, recording reviews with FSRS, undoing
the last one, and the learner's daily limit of new cards."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from fsrs import Rating

from .. import clock
from ..errors import (
    CardNotFound,
    InvalidDuration,
    InvalidRating,
    InvalidStudySetting,
    NothingToUndo,
    TooManyWrites,
)
from ..models import (
    Accommodation,
    Article,
    Attempt,
    AttemptState,
    CardKind,
    CardState,
    Concept,
    Quiz,
    Response,
    ResponseState,
    ReviewCard,
    ReviewLog,
    ReviewTiming,
)
from ..models.study import NEW_CARDS_PER_DAY_MAX, StudyPreferences
from ..permissions import cards_as_member
from ..scheduling import review_outcome, utc
from ..selectors import prepared
from ..selectors.exam_protection import user_guard
from ..selectors.review_policy import ReviewPolicy
from ..selectors.study_queue import undoable_reviews
from ..selectors.subqueries import count_of
from .answers import write_limit
from .row_writes import insert_new

_RATINGS = {rating.value for rating in Rating}
# A review left open longer than this says nothing about recall: the rating counts, its time is
# not recorded. The one rule for the page (which times the card itself) and the API (which
# takes the client's time).
MAX_REVIEW_MS = 60 * 60 * 1000


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


def _validated_rating(rating: object) -> Rating:
    """The fsrs rating for 1..4; anything else (bools, strings, floats too) is refused."""
    if type(rating) is not int or rating not in _RATINGS:
        raise InvalidRating()
    return Rating(rating)


def recorded_duration(duration_ms: object) -> int | None:
    """The review time to record: None when unknown or over MAX_REVIEW_MS; InvalidDuration
    for anything but a whole number of milliseconds from 0 up."""
    if duration_ms is None:
        return None
    if type(duration_ms) is not int or duration_ms < 0:
        raise InvalidDuration()
    return duration_ms if duration_ms <= MAX_REVIEW_MS else None


@transaction.atomic
def review_record(
    *,
    user: AbstractBaseUser,
    card_id: int,
    rating: int,
    duration_ms: int | None = None,
    article: Article | None = None,
) -> ReviewCard:
    """Apply one review to the user's card: schedule it with FSRS and append a review log
    that keeps the card's state before it (for undo).

    Raises InvalidRating unless rating is 1 (again) to 4 (easy), InvalidDuration for a negative
    or non-integer time, and CardNotFound, changing nothing, when the card does not exist, is
    another user's, or is not one they may study (`permissions.cards_as_member`: no course of
    theirs offers its article, as when its platform was deactivated; with `article`, the
    card is not about it; or a graded quiz protects its question now, as the queue leaves it
    out). The row is locked so two tabs cannot both apply a review computed
    from the same old state.

    A review is a learner's write: past the write limit (`ATTEMPT_WRITE_RATE`, counted from
    their review logs in the query that locks the card) it is TooManyWrites, in every door.
    """
    fsrs_rating = _validated_rating(rating)
    duration = recorded_duration(duration_ms)
    now = utc(clock.now())
    limit, period = write_limit()
    row = (
        cards_as_member(user, article)
        .select_for_update(of=("self",))
        .filter(pk=card_id)
        .annotate(recent_reviews=_reviews_since(user, now - timedelta(seconds=period)))
        .first()
    )
    if row is None or _protected_now(user, row, now):
        raise CardNotFound(f"Card {card_id}.")
    if row.recent_reviews >= limit:
        raise TooManyWrites(retry_after=period)
    card = review_outcome(row, fsrs_rating, now)
    # A lapse is forgetting a card that had graduated to review, as in Anki.
    is_lapse = row.state == CardState.REVIEW and fsrs_rating == Rating.Again
    log = ReviewLog(
        card=row,
        rating=fsrs_rating.value,
        reviewed_at=now,
        review_duration_ms=duration,
        due_after=card.due,
        state_before=row.state,
        step_before=row.step,
        stability_before=row.stability,
        difficulty_before=row.difficulty,
        due_before=row.due,
        last_review_before=row.last_review,
        is_lapse=is_lapse,
    )
    row.lapse_count += int(is_lapse)
    row.state = card.state.value
    row.step = card.step
    row.stability = card.stability
    row.difficulty = card.difficulty
    row.due = card.due
    row.last_review = card.last_review
    row.review_count += 1
    row.save()
    log.save()
    return row


def _reviews_since(user: AbstractBaseUser, since: datetime) -> Coalesce:
    """How many reviews the user has recorded since `since` (undone ones too: each was a
    write), as a subquery of the query that locks the card: the limit costs no query."""
    logs = ReviewLog.objects.filter(card__user_id=user.pk, reviewed_at__gte=since)
    return count_of(logs, per="card__user_id")


def _protected_now(user: AbstractBaseUser, card: ReviewCard, now: datetime) -> bool:
    """Whether the card is a question card that a graded quiz protects from the user now: the
    queue leaves such cards out (`study_queue.article_cards`), so they cannot be rated or
    undone by id either until the exam is over for them."""
    if card.question_id is None:
        return False
    return user_guard(user=user, now=now).withholds(card.question_id)


@transaction.atomic
def review_undo(*, user: AbstractBaseUser, article: Article) -> ReviewLog:
    """Take back the user's last rating of this article's cards in this session; returns its
    log, now marked undone, whose `card` is restored exactly to its state before the rating.

    The log row stays, marked undone, so the history is never rewritten; the rating before it
    becomes the next one to undo. Raises NothingToUndo when there is none (`undoable_reviews`
    says which count), when the user may not study the article's cards
    (`permissions.cards_as_member`), when a graded quiz has protected the card's question since,
    or when the card changed since (a second tab rated or undid it).
    """
    now = clock.now()
    studied = cards_as_member(user, article).values("pk")
    target = undoable_reviews(user=user, article=article, now=now).filter(card__in=studied).first()
    if target is None:
        raise NothingToUndo()
    row = ReviewCard.objects.select_for_update().get(pk=target.card_id)
    if _protected_now(user, row, now):
        raise NothingToUndo()
    log = ReviewLog.objects.select_for_update().get(pk=target.pk)
    # Under the lock: the rating is still standing and the card is as it left the card.
    if log.undone_at is not None or (row.due, row.last_review) != (log.due_after, log.reviewed_at):
        raise NothingToUndo("The card has changed since.")
    row.state = log.state_before
    row.step = log.step_before
    row.stability = log.stability_before
    row.difficulty = log.difficulty_before
    row.due = log.due_before
    row.last_review = log.last_review_before
    row.review_count -= 1
    row.lapse_count -= int(log.is_lapse)
    row.save()
    log.undone_at = now
    log.save(update_fields=["undone_at"])
    log.card = row
    return log


def study_preferences_update(
    *, user: AbstractBaseUser, new_cards_per_day: object
) -> StudyPreferences:
    """Set how many new cards a day each of the user's courses adds to their flashcards.

    Raises InvalidStudySetting unless it is a whole number from 0 (no new cards) to 9999.
    """
    valid = type(new_cards_per_day) is int and 0 <= new_cards_per_day <= NEW_CARDS_PER_DAY_MAX
    if not valid:
        raise InvalidStudySetting()
    preferences, _created = StudyPreferences.objects.update_or_create(
        user=user, defaults={"new_cards_per_day": new_cards_per_day}
    )
    return preferences


def _card_rows(attempt_id: int, user_id: int) -> QuerySet:
    """Each response of the attempt: its question, version and state, and the learner's card
    of that question (its id and version) if they have one."""
    cards = ReviewCard.objects.filter(user_id=user_id, question_id=OuterRef("question_id"))
    return (
        Response.objects.filter(attempt_id=attempt_id)
        .annotate(
            card_id=Subquery(cards.values("pk")[:1]),
            card_version_id=Subquery(cards.values("question_version_id")[:1]),
        )
        .order_by("position")
        .values_list("question_id", "question_version_id", "state", "card_id", "card_version_id")
    )


# No transaction of its own: it runs after a submission's commit (quizzes.receivers), reads
# once and writes its new cards in one statement; a BEGIN/COMMIT would only add two statements
# (and, on SQLite, a second wait for the write lock) to every submit.
def study_cards_from_attempt(*, attempt: Attempt, move_cards: bool = True) -> int:
    """Give the learner a question card for each question not fully right in a submitted attempt.

    A question card shows the right answer on its back, so cards are only made once the
    attempt's review shows right answers to the learner (submitted, the quiz shows right answers
    and its review is open now). Each card holds the version this review showed; a card the
    learner already has moves to the version just reviewed (unless `move_cards` is off), never
    to one they have not seen. Returns how many cards were created.
    """
    now = clock.now()
    if not ReviewPolicy.for_attempt(attempt, now).show_answers:
        return 0
    rows = prepared.values(
        Response, ("study-card-rows",), _card_rows, args=(attempt.pk, attempt.user_id)
    )
    moved, new_cards = [], []
    for question_id, version_id, state, card_id, card_version_id in rows:
        if card_id is not None:
            if move_cards and card_version_id != version_id:
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
    if moved:
        ReviewCard.objects.bulk_update(moved, ["question_version"])
    # One statement (no transaction of its own): this runs after a submission's commit.
    insert_new(new_cards, ignore_conflicts=True)
    return len(new_cards)


def _missing_cards(attempts: QuerySet) -> QuerySet:
    """The attempts among `attempts` with a response not fully right whose question the learner
    has no card of."""
    card = ReviewCard.objects.filter(
        user_id=OuterRef(OuterRef("user_id")), question_id=OuterRef("question_id")
    )
    response_without_card = (
        Response.objects.filter(attempt_id=OuterRef("pk"))
        .exclude(state=ResponseState.CORRECT)
        .filter(~Exists(card))
    )
    return attempts.filter(Exists(response_without_card))


def _review_may_have_opened(since: datetime, now: datetime) -> Q:
    """Submitted attempts whose review may have come to show right answers since `since`: just
    submitted; their quiz closed (for everyone, or for some by an accommodation) or had its
    settings changed; another attempt of theirs at a quiz whose key waits for the last attempt.
    `ReviewPolicy` decides for each; this only keeps the sweep away from the rest. Apart from
    the last, each test is a list of quizzes or courses read once, not a query per attempt."""
    closed = Q(closes_at__gte=since, closes_at__lte=now)
    closed_or_changed = Quiz.objects.filter(closed | Q(updated_at__gte=since)).values("pk")
    accommodations_closed = Accommodation.objects.filter(closed)
    key_freed = Attempt.objects.filter(
        quiz__review_key_after_last_attempt=True,
        state=AttemptState.SUBMITTED,
        submitted_at__gte=since,
    )
    later_attempt = key_freed.filter(user_id=OuterRef("user_id"), quiz_id=OuterRef("quiz_id"))
    return (
        Q(submitted_at__gte=since)
        | Q(quiz_id__in=closed_or_changed)
        | Q(quiz_id__in=accommodations_closed.filter(quiz__isnull=False).values("quiz_id"))
        | Q(course_id__in=accommodations_closed.filter(quiz__isnull=True).values("course_id"))
        | (Q(quiz_id__in=key_freed.values("quiz_id")) & Exists(later_attempt))
    )


def make_missing_study_cards(*, since: datetime) -> int:
    """Make the cards that submitted attempts should have given and did not, for reviews that
    may have come to show right answers since `since`; returns how many were made.

    A submission's cards are made after its commit (quizzes.receivers), so an outage at that
    moment (a database restart) leaves the submission whole and its cards unmade: this sweep
    makes them. It also makes the cards of an attempt whose review opened later, whenever the
    attempt was submitted: when its quiz closed (for everyone or, by an accommodation, for the
    learner), when its review settings changed, or when the learner's last attempt freed a key
    that waited for it. It makes missing cards only and moves none: an older attempt must not
    move a card back from the version a later review showed. One query when nothing is missing.
    """
    now = clock.now()
    still_closed = Q(quiz__review_timing=ReviewTiming.AFTER_CLOSE) & (
        Q(quiz__closes_at__isnull=True) | Q(quiz__closes_at__gt=now)
    )
    attempts = (
        _missing_cards(
            Attempt.objects.filter(state=AttemptState.SUBMITTED, quiz__review_shows_correct=True)
            .exclude(quiz__review_timing=ReviewTiming.NEVER)
            .exclude(still_closed)
            .filter(_review_may_have_opened(since, now))
        )
        .select_related("quiz", "course")
        .order_by("submitted_at", "pk")
    )
    return sum(
        study_cards_from_attempt(attempt=attempt, move_cards=False)
        for attempt in attempts.iterator(chunk_size=200)
    )
