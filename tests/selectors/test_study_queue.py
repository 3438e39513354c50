"""The flashcard queue: learning cards first, reviews by due date and retrievability, new cards
within the learner's daily limit, and learn-ahead at the end of a session."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from quizzes import clock
from quizzes.models import CardState, ReviewCard
from quizzes.scheduling import retrievability
from quizzes.selectors.exam_protection import NO_PROTECTION
from quizzes.selectors.study_queue import study_day_start, study_queue
from quizzes.services.study import review_record, review_undo, study_preferences_update
from tests.factories import UserFactory
from tests.study_factories import new_cards

pytestmark = pytest.mark.django_db

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
# A fixed moment in the afternoon, so "today" does not end during a test.
START = datetime(2025, 3, 6, 14, 0, tzinfo=ZoneInfo("UTC"))


@pytest.fixture
def clock_at(monkeypatch):
    """Freeze the application's clock at START; returns a function that moves it on."""
    moment = {"now": START}
    monkeypatch.setattr(clock, "now", lambda: moment["now"])

    def move(delta: timedelta = timedelta(0)) -> datetime:
        moment["now"] += delta
        return moment["now"]

    return move


def queue_of(user, article, now, **kwargs):
    return study_queue(user=user, article=article, now=now, guard=NO_PROTECTION, **kwargs)


def as_review(card: ReviewCard, *, due: datetime, stability: float, last_review: datetime):
    """Turn a card into a graduated review card with the given memory state."""
    card.state, card.step, card.due = CardState.REVIEW, None, due
    card.stability, card.difficulty, card.last_review = stability, 5.0, last_review
    card.review_count = 3
    card.save()
    return card


def test_new_cards_are_limited_to_twenty_a_day_by_default(clock_at):
    user = UserFactory()
    cards = new_cards(user, 25, due=START)
    queue = queue_of(user, cards[0].concept.article, clock_at())
    assert (queue.total, queue.new_count, queue.new_left_today) == (20, 20, 20)
    assert queue.cards == cards[:20]  # in reading order


def test_new_cards_studied_today_count_against_the_limit_until_the_next_study_day(clock_at):
    user = UserFactory()
    cards = new_cards(user, 25, due=START)
    article = cards[0].concept.article
    for card in cards[:3]:
        review_record(user=user, card_id=card.pk, rating=EASY)  # graduates: days away
    queue = queue_of(user, article, clock_at())
    assert (queue.new_count, queue.new_left_today) == (17, 17)
    assert queue.cards == cards[3:20]
    # The next study day begins at 4 a.m.: a full allowance again for the 22 left.
    tomorrow = study_day_start(START) + timedelta(days=1)
    assert queue_of(user, article, tomorrow - timedelta(seconds=1)).new_count == 17
    assert queue_of(user, article, tomorrow).new_count == 20


def test_an_undone_first_rating_gives_the_card_back_to_todays_limit(clock_at):
    user = UserFactory()
    cards = new_cards(user, 25, due=START)
    article = cards[0].concept.article
    review_record(user=user, card_id=cards[0].pk, rating=EASY)
    assert queue_of(user, article, clock_at()).new_left_today == 19
    review_undo(user=user, article=article)
    queue = queue_of(user, article, clock_at())
    assert queue.new_left_today == 20 and queue.cards == cards[:20]


def test_the_daily_limit_is_the_learners_setting_and_zero_still_shows_reviews(clock_at):
    user = UserFactory()
    cards = new_cards(user, 10, due=START)
    article = cards[0].concept.article
    study_preferences_update(user=user, new_cards_per_day=4)
    assert queue_of(user, article, clock_at()).cards == cards[:4]
    review = as_review(cards[9], due=START, stability=3.0, last_review=START - timedelta(days=3))
    study_preferences_update(user=user, new_cards_per_day=0)
    queue = queue_of(user, article, clock_at())
    assert queue.cards == [review] and (queue.new_count, queue.review_count) == (0, 1)
    # Another learner keeps the default.
    other = UserFactory()
    assert queue_of(other, new_cards(other, 25, due=START)[0].concept.article, START).total == 20


def test_learning_cards_come_first_then_reviews_then_new_cards(clock_at):
    user = UserFactory()
    cards = new_cards(user, 4, due=START - timedelta(days=2))
    article = cards[0].concept.article
    review = as_review(cards[1], due=START, stability=3.0, last_review=START - timedelta(days=3))
    clock_at(-timedelta(minutes=2))
    review_record(user=user, card_id=cards[2].pk, rating=AGAIN)  # due a minute later
    now = clock_at(timedelta(minutes=2))
    queue = queue_of(user, article, now)
    assert queue.cards == [cards[2], review, cards[0], cards[3]]
    assert (queue.learning_count, queue.review_count, queue.new_count) == (1, 1, 2)


def test_a_card_rated_again_comes_back_after_its_minute_step_not_after_the_new_pile(clock_at):
    user = UserFactory()
    cards = new_cards(user, 25, due=START - timedelta(days=1))
    article = cards[0].concept.article
    review_record(user=user, card_id=cards[0].pk, rating=AGAIN)
    assert queue_of(user, article, clock_at(timedelta(seconds=30))).cards[0] == cards[1]
    queue = queue_of(user, article, clock_at(timedelta(seconds=31)))
    assert queue.cards[0] == cards[0] and queue.learning_count == 1


def test_reviews_come_by_due_date_then_the_lowest_retrievability_first(clock_at):
    user = UserFactory()
    cards = new_cards(user, 3, due=START)
    article = cards[0].concept.article
    reviewed = START - timedelta(days=10)
    # Due yesterday but well remembered; due today and likely forgotten; due today, remembered.
    yesterday = as_review(
        cards[0], due=START - timedelta(days=1), stability=90.0, last_review=reviewed
    )
    shaky = as_review(cards[1], due=START - timedelta(hours=1), stability=2.0, last_review=reviewed)
    firm = as_review(cards[2], due=START - timedelta(hours=2), stability=60.0, last_review=reviewed)
    assert retrievability(shaky, START) < retrievability(firm, START)
    assert queue_of(user, article, clock_at()).cards == [yesterday, shaky, firm]


def test_with_nothing_else_left_learning_cards_due_within_twenty_minutes_are_shown(clock_at):
    user = UserFactory()
    soon, later, waiting = new_cards(user, 3, due=START)
    article = soon.concept.article
    review_record(user=user, card_id=soon.pk, rating=GOOD)  # the 10-minute step
    ReviewCard.objects.filter(pk=later.pk).update(
        state=CardState.LEARNING, step=0, review_count=1, due=START + timedelta(minutes=30)
    )
    # While a new card is due, the learning card waits for its step.
    assert queue_of(user, article, clock_at()).cards == [waiting]
    review_record(user=user, card_id=waiting.pk, rating=EASY)
    queue = queue_of(user, article, clock_at())
    assert queue.cards == [soon] and queue.learning_count == 1


def test_first_moves_a_queued_card_to_the_front_and_keeps_the_rest_in_order(clock_at):
    user = UserFactory()
    cards = new_cards(user, 5, due=START)
    article = cards[0].concept.article
    queue = queue_of(user, article, clock_at(), first=cards[3].pk)
    assert queue.cards == [cards[3], cards[0], cards[1], cards[2], cards[4]]
    assert queue_of(user, article, START, first=987654).cards == cards


def test_the_queue_takes_four_queries_however_many_cards(clock_at, django_assert_num_queries):
    user = UserFactory()
    cards = new_cards(user, 30, due=START)
    for card in cards[:5]:
        as_review(card, due=START, stability=3.0, last_review=START - timedelta(days=3))
    with django_assert_num_queries(4):
        queue = queue_of(user, cards[0].concept.article, clock_at())
        assert [c.concept.section.article.pk for c in queue.cards] == [
            cards[0].concept.article.pk
        ] * 25


def test_the_study_day_starts_at_four_in_the_morning_in_the_sites_time_zone():
    almaty = ZoneInfo("Asia/Almaty")
    with timezone.override(almaty):
        late = datetime(2025, 3, 7, 2, 30, tzinfo=almaty)
        assert study_day_start(late) == datetime(2025, 3, 6, 4, 0, tzinfo=almaty)
        morning = datetime(2025, 3, 7, 4, 0, tzinfo=almaty)
        assert study_day_start(morning) == morning
