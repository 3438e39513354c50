"""Flashcard services: creating cards, recording FSRS reviews, and cards from quiz attempts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes import clock
from quizzes.errors import CardNotFound, InvalidRating
from quizzes.models import (
    CardKind,
    CardState,
    Concept,
    ResponseState,
    ReviewCard,
    ReviewLog,
    ReviewTiming,
)
from quizzes.services.authoring import question_revise
from quizzes.services.study import (
    cards_ensure_for_article,
    review_record,
    study_cards_from_attempt,
)
from tests.factories import QuizFactory, UserFactory, make_attempt, make_question
from tests.study_factories import shipped_article, submit

pytestmark = pytest.mark.django_db

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4


@pytest.fixture
def frozen_now(monkeypatch):
    """Freeze the application's clock; returns a function that moves it."""
    moment = {"now": timezone.now()}
    monkeypatch.setattr(clock, "now", lambda: moment["now"])

    def move(delta: timedelta = timedelta(0)):
        moment["now"] += delta
        return moment["now"]

    return move


@pytest.fixture
def card(frozen_now):
    """A fresh concept card of a new learner on the shipped article's first concept."""
    concept = Concept.objects.filter(article=shipped_article()).first()
    return ReviewCard.objects.create(
        user=UserFactory(), kind=CardKind.CONCEPT, concept=concept, due=frozen_now()
    )


def test_ensuring_cards_gives_one_due_learning_card_per_concept_and_is_idempotent(frozen_now):
    user, article = UserFactory(), shipped_article()
    assert cards_ensure_for_article(user=user, article=article) == 53
    assert cards_ensure_for_article(user=user, article=article) == 0
    cards = ReviewCard.objects.filter(user=user)
    assert cards.count() == 53
    assert set(cards.values_list("kind", "state", "review_count")) == {
        (CardKind.CONCEPT, CardState.LEARNING, 0)
    }
    assert all(card.due <= frozen_now() for card in cards)


def test_ensuring_cards_adds_only_the_missing_ones_and_leaves_other_users_alone():
    user, other, article = UserFactory(), UserFactory(), shipped_article()
    first = Concept.objects.filter(article=article).first()
    ReviewCard.objects.create(user=user, kind=CardKind.CONCEPT, concept=first, due=timezone.now())
    assert cards_ensure_for_article(user=user, article=article) == 52
    assert cards_ensure_for_article(user=other, article=article) == 53
    assert ReviewCard.objects.filter(user=user, concept=first).count() == 1


def test_a_good_review_schedules_the_card_into_the_future_and_writes_a_log(card, frozen_now):
    now = frozen_now()
    reviewed = review_record(user=card.user, card_id=card.pk, rating=GOOD, duration_ms=4200)
    card.refresh_from_db()
    assert card.due > now and card.last_review == now
    assert (card.review_count, card.lapse_count) == (1, 0)
    assert card.stability is not None and card.difficulty is not None
    assert reviewed.due == card.due
    log = ReviewLog.objects.get(card=card)
    assert (log.rating, log.reviewed_at, log.review_duration_ms, log.due_after) == (
        GOOD,
        now,
        4200,
        card.due,
    )


def test_easy_graduates_a_new_card_to_review_days_away(card, frozen_now):
    now = frozen_now()
    review_record(user=card.user, card_id=card.pk, rating=EASY)
    card.refresh_from_db()
    assert card.state == CardState.REVIEW
    assert card.due >= now + timedelta(days=1)


def test_again_on_a_review_card_counts_a_lapse(card, frozen_now):
    review_record(user=card.user, card_id=card.pk, rating=EASY)
    card.refresh_from_db()
    frozen_now(card.due - frozen_now())
    review_record(user=card.user, card_id=card.pk, rating=AGAIN)
    card.refresh_from_db()
    assert card.state == CardState.RELEARNING
    assert (card.review_count, card.lapse_count) == (2, 1)
    assert ReviewLog.objects.filter(card=card).count() == 2


def test_again_on_a_learning_card_is_not_a_lapse(card):
    review_record(user=card.user, card_id=card.pk, rating=AGAIN)
    card.refresh_from_db()
    assert (card.state, card.review_count, card.lapse_count) == (CardState.LEARNING, 1, 0)


@pytest.mark.parametrize("rating", [0, 5, -1, "x", "3", None, 2.0, True])
def test_a_rating_other_than_1_to_4_is_refused_and_nothing_is_written(card, rating):
    before = ReviewCard.objects.values().get(pk=card.pk)
    with pytest.raises(InvalidRating) as raised:
        review_record(user=card.user, card_id=card.pk, rating=rating)
    assert raised.value.code == "invalid_rating"
    assert ReviewCard.objects.values().get(pk=card.pk) == before
    assert not ReviewLog.objects.exists()


def test_another_users_card_is_not_found_and_stays_unchanged(card):
    intruder = UserFactory()
    with pytest.raises(CardNotFound) as raised:
        review_record(user=intruder, card_id=card.pk, rating=GOOD)
    assert raised.value.code == "card_not_found"
    card.refresh_from_db()
    assert card.review_count == 0 and not ReviewLog.objects.exists()


def test_a_card_that_does_not_exist_is_not_found(card):
    with pytest.raises(CardNotFound):
        review_record(user=card.user, card_id=card.pk + 1000, rating=GOOD)


# Cards from quiz attempts


def graded_attempt(quiz, user=None):
    """A submitted attempt on four questions: right, partly right, wrong, not answered."""
    questions = [make_question() for _ in range(4)]
    attempt = make_attempt(quiz=quiz, user=user or UserFactory(), questions=questions)
    submit(
        attempt,
        [
            (ResponseState.CORRECT, "1"),
            (ResponseState.PARTIAL, "0.5"),
            (ResponseState.WRONG, "0"),
            (ResponseState.GAVE_UP, "0"),
        ],
    )
    return attempt, questions


def test_a_submitted_attempt_gives_question_cards_for_what_was_not_fully_right():
    attempt, questions = graded_attempt(QuizFactory())
    assert study_cards_from_attempt(attempt=attempt) == 3
    cards = ReviewCard.objects.filter(user=attempt.user)
    assert set(cards.values_list("question", flat=True)) == {q.pk for q in questions[1:]}
    assert set(cards.values_list("kind", flat=True)) == {CardKind.QUESTION}


def test_cards_from_attempts_are_not_duplicated():
    quiz, user = QuizFactory(), UserFactory()
    attempt, questions = graded_attempt(quiz, user)
    study_cards_from_attempt(attempt=attempt)
    assert study_cards_from_attempt(attempt=attempt) == 0
    again = make_attempt(quiz=quiz, user=user, number=2, questions=questions[:3])
    submit(again, [(ResponseState.WRONG, "0")] * 3)
    assert study_cards_from_attempt(attempt=again) == 1
    assert ReviewCard.objects.filter(user=user).count() == 4


def test_an_attempt_in_progress_gives_no_cards():
    attempt = make_attempt(questions=[make_question()])
    assert study_cards_from_attempt(attempt=attempt) == 0
    assert not ReviewCard.objects.exists()


@pytest.mark.parametrize(
    "quiz_fields",
    [
        {"review_shows_correct": False},
        {"review_timing": ReviewTiming.NEVER},
        {"review_timing": ReviewTiming.AFTER_CLOSE},
        {"review_timing": ReviewTiming.AFTER_CLOSE, "closes_at": timezone.now() + timedelta(1)},
    ],
    ids=["right answers hidden", "no review", "never closes", "not closed yet"],
)
def test_no_cards_while_the_review_does_not_show_right_answers(quiz_fields):
    attempt, _questions = graded_attempt(QuizFactory(**quiz_fields))
    assert study_cards_from_attempt(attempt=attempt) == 0
    assert not ReviewCard.objects.exists()


def test_cards_once_a_quiz_reviewed_after_closing_has_closed():
    closed = timezone.now() - timedelta(minutes=1)
    quiz = QuizFactory(review_timing=ReviewTiming.AFTER_CLOSE, closes_at=closed)
    attempt, _questions = graded_attempt(quiz)
    assert study_cards_from_attempt(attempt=attempt) == 3


def test_a_question_card_holds_the_version_reviewed_and_moves_only_to_one_reviewed_later():
    quiz, user = QuizFactory(), UserFactory()
    attempt, questions = graded_attempt(quiz, user)
    study_cards_from_attempt(attempt=attempt)
    card = ReviewCard.objects.get(user=user, question=questions[1])
    first = questions[1].current_version
    assert card.question_version == first
    newer = question_revise(
        question=questions[1],
        stem="A rewritten stem?",
        data={"choices": [{"text": "Yes", "correct": True}, {"text": "No"}, {"text": "Maybe"}]},
    )
    card.refresh_from_db()
    assert card.question_version == first  # a rewrite alone never reaches the card
    questions[1].refresh_from_db()
    again = make_attempt(quiz=quiz, user=user, number=2, questions=[questions[1]])
    assert again.responses.get().question_version == newer
    submit(again, [(ResponseState.CORRECT, "1")])
    assert study_cards_from_attempt(attempt=again) == 0
    card.refresh_from_db()
    assert card.question_version == newer  # the learner has now been shown the new key
