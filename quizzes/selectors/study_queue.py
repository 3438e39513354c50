"""Reads for the flashcard queue: what to study now and in which order, as Anki does.

The queue of one learner for one article (a course's "deck"), at `now`:

1. learning cards (new cards on their minute steps, forgotten ones relearning) that are due,
   soonest first, so Again brings a card back in minutes, not after the rest of the pile;
2. review cards that are due, by due date, then the lowest retrievability first (the card
   most likely forgotten by now), as FSRS computes it;
3. new cards, in reading order, no more a day than the learner's limit (`StudyPreferences`)
   minus the new cards already studied today;
4. when nothing else is left: learning cards due within LEARN_AHEAD (Anki's learn-ahead
   limit), so a session ends with its last steps instead of a wait.

Question cards a graded quiz protects now are left out (`exam_protection`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from ..models import Article, CardState, ReviewCard, ReviewLog
from ..models.study import NEW_CARDS_PER_DAY_DEFAULT, StudyPreferences
from ..scheduling import retrievability
from .exam_protection import ExamGuard, user_guard

# Anki's learn-ahead limit: with nothing else due, learning cards due this soon are shown.
LEARN_AHEAD = timedelta(minutes=20)
# Anki's day starts at 4 a.m. (the site's time zone), so late study counts to the evening.
DAY_STARTS_AT_HOUR = 4
# A study session, for undo: a rating older than this stands.
UNDO_WINDOW = timedelta(hours=1)
_FACES = ("concept__section__article", "question_version", "question__section__article")


def article_cards(
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


def study_day_start(now: datetime) -> datetime:
    """When the study day that `now` falls in began (4 a.m. in the site's time zone)."""
    local = timezone.localtime(now)
    start = local.replace(hour=DAY_STARTS_AT_HOUR, minute=0, second=0, microsecond=0)
    return start if start <= local else start - timedelta(days=1)


def new_cards_per_day(user: AbstractBaseUser) -> int:
    """The user's daily limit of new cards per article (Anki's 20 until they change it)."""
    row = StudyPreferences.objects.filter(user=user).values_list("new_cards_per_day").first()
    return NEW_CARDS_PER_DAY_DEFAULT if row is None else row[0]


def new_cards_studied_today(*, user: AbstractBaseUser, article: Article, now: datetime) -> int:
    """How many of the article's cards the user studied for the first time this study day
    (a first rating taken back by undo does not count)."""
    return (
        ReviewLog.objects.filter(
            card__user=user,
            reviewed_at__gte=study_day_start(now),
            undone_at__isnull=True,
            state_before__isnull=False,
            last_review_before__isnull=True,
        )
        .filter(Q(card__concept__article=article) | Q(card__question__section__article=article))
        .count()
    )


@dataclass(frozen=True)
class StudyQueue:
    """The cards to study now, in order, and how many of each kind there are."""

    cards: list[ReviewCard] = field(default_factory=list)
    learning_count: int = 0
    review_count: int = 0
    new_count: int = 0
    new_left_today: int = 0
    new_limit: int = NEW_CARDS_PER_DAY_DEFAULT  # the learner's daily limit

    @property
    def total(self) -> int:
        """How many cards the learner has to study now."""
        return len(self.cards)


def _review_order(now: datetime):
    """Reviews by the day they fell due, then the likeliest forgotten, then creation."""

    def key(card: ReviewCard) -> tuple:
        return (timezone.localdate(card.due), retrievability(card, now), card.pk)

    return key


def study_queue(
    *,
    user: AbstractBaseUser,
    article: Article,
    now: datetime,
    guard: ExamGuard | None = None,
    first: int | None = None,
) -> StudyQueue:
    """The user's queue for the article at `now` (the order is in the module's docstring).

    Each card comes with its concept or the question version the learner reviewed, and the
    section (with its article) either belongs to. `first`, a card id, moves that card to the
    front when it is in the queue (the card an undo has just restored). Four queries, and the
    exam guard's unless `guard` is given.
    """
    cards = article_cards(user=user, article=article, now=now, guard=guard).select_related(*_FACES)
    studied = cards.filter(review_count__gt=0, due__lte=now + LEARN_AHEAD)
    learning, ahead, reviews = [], [], []
    for card in studied.order_by("due", "pk"):
        if card.state == CardState.REVIEW:
            if card.due <= now:
                reviews.append(card)
        else:
            (learning if card.due <= now else ahead).append(card)
    reviews.sort(key=_review_order(now))
    limit = new_cards_per_day(user)
    left = max(0, limit - new_cards_studied_today(user=user, article=article, now=now))
    unseen = cards.filter(review_count=0, due__lte=now).order_by("due", "pk")
    new = list(unseen[:left]) if left else []
    queue = learning + reviews + new
    if not queue:
        queue, learning = ahead, ahead
    if first is not None:
        queue.sort(key=lambda card: card.pk != first)  # stable: the rest keeps its order
    return StudyQueue(
        cards=queue,
        learning_count=len(learning),
        review_count=len(reviews),
        new_count=len(new),
        new_left_today=left,
        new_limit=limit,
    )


def cards_due(
    *,
    user: AbstractBaseUser,
    article: Article,
    now: datetime,
    limit: int = 20,
    guard: ExamGuard | None = None,
) -> list[ReviewCard]:
    """The first `limit` cards of the user's queue for the article at `now`."""
    return study_queue(user=user, article=article, now=now, guard=guard).cards[:limit]


def card_due_count(
    *, user: AbstractBaseUser, article: Article, now: datetime, guard: ExamGuard | None = None
) -> int:
    """How many cards the user has to study now (new ones within today's limit)."""
    return study_queue(user=user, article=article, now=now, guard=guard).total


def next_due_at(
    *, user: AbstractBaseUser, article: Article, now: datetime, guard: ExamGuard | None = None
) -> datetime | None:
    """When the user's next card for the article falls due after `now` (None: no cards)."""
    return (
        article_cards(user=user, article=article, now=now, guard=guard)
        .filter(due__gt=now)
        .aggregate(next_due=Min("due"))["next_due"]
    )


def new_cards_due(
    *, user: AbstractBaseUser, article: Article, now: datetime, guard: ExamGuard | None = None
) -> int:
    """How many new cards are due, within today's limit or beyond it."""
    cards = article_cards(user=user, article=article, now=now, guard=guard)
    return cards.filter(review_count=0, due__lte=now).count()


def undoable_reviews(
    *, user: AbstractBaseUser, article: Article, now: datetime
) -> QuerySet[ReviewLog]:
    """The user's ratings of the article's cards that undo may take back, the latest first.

    Only the first can be undone now: the latest rating still standing, if it was made within
    the session (UNDO_WINDOW) and kept its card's state before. Undoing it makes the next one
    the latest.
    """
    standing = ReviewLog.objects.filter(card__user=user, undone_at__isnull=True).filter(
        Q(card__concept__article=article) | Q(card__question__section__article=article)
    )
    latest = standing.order_by("-reviewed_at", "-pk").values("pk")[:1]
    return standing.filter(
        pk__in=latest, reviewed_at__gte=now - UNDO_WINDOW, state_before__isnull=False
    ).select_related("card")
