"""Flashcard services: creating cards, recording FSRS reviews (learning steps, review time),
undo, the daily limit of new cards, and cards from quiz attempts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes import clock
from quizzes.errors import (
    CardNotFound,
    InvalidDuration,
    InvalidRating,
    InvalidStudySetting,
    NothingToUndo,
)
from quizzes.models import (
    Accommodation,
    Attempt,
    CardKind,
    CardState,
    Concept,
    Quiz,
    ResponseState,
    ReviewCard,
    ReviewLog,
    ReviewTiming,
)
from quizzes.models.study import StudyPreferences
from quizzes.selectors.study_queue import UNDO_WINDOW
from quizzes.services.authoring import question_revise
from quizzes.services.study import (
    MAX_REVIEW_MS,
    cards_ensure_for_article,
    make_missing_study_cards,
    review_record,
    review_undo,
    study_cards_from_attempt,
    study_preferences_update,
)
from tests.factories import (
    ArticleFactory,
    CourseFactory,
    QuizFactory,
    SectionFactory,
    UserFactory,
    enrol,
    make_attempt,
    make_question,
)
from tests.lti_courses import course_with_quiz, deactivate_platform, reactivate_platform
from tests.study_factories import article_with_concepts, submit

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
    """A fresh concept card on the first concept of an article of four, of a new learner of a
    course on that article (only a member may study a card: `permissions.cards_as_member`)."""
    concept = Concept.objects.filter(article=article_with_concepts()).order_by("pk").first()
    learner = enrol(CourseFactory(article=concept.article))
    return ReviewCard.objects.create(
        user=learner, kind=CardKind.CONCEPT, concept=concept, due=frozen_now()
    )


def test_ensuring_cards_gives_one_due_learning_card_per_concept_and_is_idempotent(frozen_now):
    user, article = UserFactory(), article_with_concepts(5)
    concepts = 5
    assert cards_ensure_for_article(user=user, article=article) == concepts
    assert cards_ensure_for_article(user=user, article=article) == 0
    cards = ReviewCard.objects.filter(user=user)
    assert cards.count() == concepts
    assert set(cards.values_list("kind", "state", "review_count")) == {
        (CardKind.CONCEPT, CardState.LEARNING, 0)
    }
    assert all(card.due <= frozen_now() for card in cards)


def test_ensuring_cards_adds_only_the_missing_ones_and_leaves_other_users_alone():
    user, other, article = UserFactory(), UserFactory(), article_with_concepts(5)
    first = Concept.objects.filter(article=article).first()
    ReviewCard.objects.create(user=user, kind=CardKind.CONCEPT, concept=first, due=timezone.now())
    concepts = 5
    assert cards_ensure_for_article(user=user, article=article) == concepts - 1
    assert cards_ensure_for_article(user=other, article=article) == concepts
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


def test_switched_off_platform_learner_cannot_review_or_undo_and_nothing_changes(frozen_now):
    section = SectionFactory(article=article_with_concepts())
    course, _quiz, learner = course_with_quiz(section, lti=True)
    concept = Concept.objects.filter(article=course.article).first()
    card = ReviewCard.objects.create(
        user=learner, kind=CardKind.CONCEPT, concept=concept, due=frozen_now()
    )
    review_record(user=learner, card_id=card.pk, rating=GOOD)
    before = ReviewCard.objects.values().get(pk=card.pk)
    deactivate_platform(course)

    with pytest.raises(CardNotFound):
        review_record(user=learner, card_id=card.pk, rating=EASY)
    with pytest.raises(NothingToUndo):
        review_undo(user=learner, article=course.article)
    assert ReviewCard.objects.values().get(pk=card.pk) == before
    assert list(ReviewLog.objects.values_list("rating", "undone_at")) == [(GOOD, None)]

    reactivate_platform(course)

    assert review_record(user=learner, card_id=card.pk, rating=EASY).review_count == 2


def test_a_card_stays_studied_through_another_course_still_switched_on(frozen_now):
    section = SectionFactory(article=article_with_concepts())
    course, _quiz, learner = course_with_quiz(section, lti=True)
    enrol(CourseFactory(article=course.article), learner)
    concept = Concept.objects.filter(article=course.article).first()
    card = ReviewCard.objects.create(
        user=learner, kind=CardKind.CONCEPT, concept=concept, due=frozen_now()
    )
    deactivate_platform(course)

    assert review_record(user=learner, card_id=card.pk, rating=GOOD).review_count == 1


def test_a_learner_of_no_course_on_the_cards_article_cannot_review_it(card):
    CourseFactory(article=card.concept.article)  # offered, but not to this learner
    stranger_card = ReviewCard.objects.create(
        user=UserFactory(), kind=CardKind.CONCEPT, concept=card.concept, due=card.due
    )
    with pytest.raises(CardNotFound):
        review_record(user=stranger_card.user, card_id=stranger_card.pk, rating=GOOD)
    assert not ReviewLog.objects.exists()


def test_a_review_for_one_article_refuses_a_card_of_another(card):
    with pytest.raises(CardNotFound):
        review_record(user=card.user, card_id=card.pk, rating=GOOD, article=ArticleFactory())
    assert not ReviewLog.objects.exists()
    review_record(user=card.user, card_id=card.pk, rating=GOOD, article=card.concept.article)
    assert ReviewLog.objects.get().rating == GOOD


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
        actor=None,
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


def an_hour_ago():
    return timezone.now() - timedelta(hours=1)


def test_the_sweep_makes_the_cards_a_submission_did_not_get_and_only_once():
    attempt, questions = graded_attempt(QuizFactory())  # submitted; its cards never made
    done, _ = graded_attempt(QuizFactory())
    study_cards_from_attempt(attempt=done)

    assert make_missing_study_cards(since=an_hour_ago()) == 3
    assert set(ReviewCard.objects.filter(user=attempt.user).values_list("question", flat=True)) == {
        q.pk for q in questions[1:]
    }
    assert ReviewCard.objects.filter(user=done.user).count() == 3
    assert make_missing_study_cards(since=an_hour_ago()) == 0


def days_ago(days: float):
    return timezone.now() - timedelta(days=days)


def submitted_days_ago(attempt, days: float) -> None:
    """The attempt submitted, and its quiz last changed, `days` ago."""
    Attempt.objects.filter(pk=attempt.pk).update(submitted_at=days_ago(days))
    Quiz.objects.filter(pk=attempt.quiz_id).update(updated_at=days_ago(days))


def test_the_sweep_leaves_submissions_whose_review_opened_before_its_window():
    attempt, _questions = graded_attempt(QuizFactory())
    submitted_days_ago(attempt, 1 / 12)  # two hours
    assert make_missing_study_cards(since=an_hour_ago()) == 0
    assert not ReviewCard.objects.exists()


def test_the_sweep_makes_the_cards_of_an_exam_reviewed_after_it_closes_when_it_closes():
    """Before, only submissions of the last day were swept: an exam that closed a week after
    it was taken gave its learners no flashcards at all."""
    quiz = QuizFactory(review_timing=ReviewTiming.AFTER_CLOSE, closes_at=days_ago(-1))
    attempt, questions = graded_attempt(quiz)
    submitted_days_ago(attempt, 7)
    assert make_missing_study_cards(since=an_hour_ago()) == 0  # still open: the key waits

    Quiz.objects.filter(pk=quiz.pk).update(closes_at=timezone.now() - timedelta(minutes=5))

    assert make_missing_study_cards(since=an_hour_ago()) == 3
    assert set(ReviewCard.objects.filter(user=attempt.user).values_list("question", flat=True)) == {
        q.pk for q in questions[1:]
    }


def test_the_sweep_makes_the_cards_of_a_learner_whose_later_close_date_has_passed():
    quiz = QuizFactory(review_timing=ReviewTiming.AFTER_CLOSE, closes_at=days_ago(3))
    attempt, _questions = graded_attempt(quiz)
    Accommodation.objects.create(
        course=attempt.course,
        quiz=quiz,
        learner=attempt.user,
        closes_at=timezone.now() + timedelta(minutes=5),
    )
    submitted_days_ago(attempt, 4)
    assert make_missing_study_cards(since=an_hour_ago()) == 0  # closed for others, not for them

    Accommodation.objects.update(closes_at=timezone.now() - timedelta(minutes=5))

    assert make_missing_study_cards(since=an_hour_ago()) == 3


def test_the_sweep_makes_the_cards_of_earlier_attempts_once_the_last_frees_the_key():
    quiz = QuizFactory(max_attempts=2, review_key_after_last_attempt=True)
    user = UserFactory()
    first, questions = graded_attempt(quiz, user)
    submitted_days_ago(first, 3)
    assert make_missing_study_cards(since=an_hour_ago()) == 0
    last = make_attempt(
        quiz=quiz, user=user, course=first.course, number=2, questions=questions[:1]
    )
    submit(last, [(ResponseState.CORRECT, "1")])

    assert make_missing_study_cards(since=an_hour_ago()) == 3  # the first attempt's


def test_the_sweep_makes_the_cards_once_an_instructor_shows_right_answers():
    quiz = QuizFactory(review_shows_correct=False)
    attempt, _questions = graded_attempt(quiz)
    submitted_days_ago(attempt, 10)
    quiz.review_shows_correct = True
    quiz.save()

    assert make_missing_study_cards(since=an_hour_ago()) == 3


def test_the_sweep_makes_no_card_while_the_review_hides_right_answers():
    graded_attempt(QuizFactory(review_shows_correct=False))
    assert make_missing_study_cards(since=an_hour_ago()) == 0
    assert not ReviewCard.objects.exists()


def test_the_sweep_never_moves_a_card_back_to_a_version_an_older_attempt_showed():
    quiz, user = QuizFactory(), UserFactory()
    _older, questions = graded_attempt(quiz, user)  # its cards never made
    question_revise(
        question=questions[1],
        stem="A rewritten stem?",
        data={"choices": [{"text": "Yes", "correct": True}, {"text": "No"}, {"text": "Maybe"}]},
        actor=None,
    )
    questions[1].refresh_from_db()
    later = make_attempt(quiz=quiz, user=user, number=2, questions=[questions[1]])
    submit(later, [(ResponseState.WRONG, "0")])
    study_cards_from_attempt(attempt=later)
    newer = questions[1].current_version

    assert make_missing_study_cards(since=an_hour_ago()) == 2  # questions 3 and 4
    assert ReviewCard.objects.get(user=user, question=questions[1]).question_version == newer


def test_the_sweep_with_nothing_missing_is_one_query(django_assert_num_queries):
    for _ in range(3):
        done, _questions = graded_attempt(QuizFactory())
        study_cards_from_attempt(attempt=done)
    with django_assert_num_queries(1):
        assert make_missing_study_cards(since=an_hour_ago()) == 0


# Learning steps: Again means minutes, never days


def test_again_on_a_new_card_brings_it_back_in_one_minute(card, frozen_now):
    now = frozen_now()
    review_record(user=card.user, card_id=card.pk, rating=AGAIN)
    card.refresh_from_db()
    assert (card.state, card.step) == (CardState.LEARNING, 0)
    assert card.due == now + timedelta(minutes=1)


def test_good_on_a_new_card_takes_the_ten_minute_step_before_days(card, frozen_now):
    now = frozen_now()
    review_record(user=card.user, card_id=card.pk, rating=GOOD)
    card.refresh_from_db()
    assert (card.state, card.step, card.due) == (CardState.LEARNING, 1, now + timedelta(minutes=10))
    later = frozen_now(timedelta(minutes=10))
    review_record(user=card.user, card_id=card.pk, rating=GOOD)
    card.refresh_from_db()
    assert card.state == CardState.REVIEW and card.due >= later + timedelta(days=1)


def test_again_on_a_review_card_relearns_in_ten_minutes_not_days(card, frozen_now):
    review_record(user=card.user, card_id=card.pk, rating=EASY)
    card.refresh_from_db()
    now = frozen_now(card.due - frozen_now())
    review_record(user=card.user, card_id=card.pk, rating=AGAIN)
    card.refresh_from_db()
    assert card.state == CardState.RELEARNING
    assert card.due == now + timedelta(minutes=10)


# How long a review took: one rule for the page and the API


def test_a_review_left_open_over_an_hour_counts_without_its_time(card):
    review_record(user=card.user, card_id=card.pk, rating=GOOD, duration_ms=MAX_REVIEW_MS + 1)
    log = ReviewLog.objects.get(card=card)
    assert log.rating == GOOD and log.review_duration_ms is None
    card.refresh_from_db()
    assert card.review_count == 1


def test_a_review_of_exactly_an_hour_keeps_its_time(card):
    review_record(user=card.user, card_id=card.pk, rating=GOOD, duration_ms=MAX_REVIEW_MS)
    assert ReviewLog.objects.get(card=card).review_duration_ms == MAX_REVIEW_MS


@pytest.mark.parametrize("duration", [-1, 1.5, "100", True])
def test_a_negative_or_non_integer_review_time_is_refused_and_nothing_is_written(card, duration):
    before = ReviewCard.objects.values().get(pk=card.pk)
    with pytest.raises(InvalidDuration):
        review_record(user=card.user, card_id=card.pk, rating=GOOD, duration_ms=duration)
    assert ReviewCard.objects.values().get(pk=card.pk) == before
    assert not ReviewLog.objects.exists()


# Undo


def second_card(card):
    """Another new card of the same learner on the same article."""
    concept = Concept.objects.filter(article=card.concept.article).exclude(pk=card.concept_id)[0]
    return ReviewCard.objects.create(
        user=card.user, kind=CardKind.CONCEPT, concept=concept, due=card.due
    )


def test_undo_restores_the_card_exactly_and_marks_the_rating_undone(card, frozen_now):
    review_record(user=card.user, card_id=card.pk, rating=EASY)
    card.refresh_from_db()
    frozen_now(card.due - frozen_now())
    before = ReviewCard.objects.values().get(pk=card.pk)
    review_record(user=card.user, card_id=card.pk, rating=AGAIN, duration_ms=900)
    assert ReviewCard.objects.values().get(pk=card.pk) != before
    undone = review_undo(user=card.user, article=card.concept.article)
    assert undone.rating == AGAIN and undone.undone_at == frozen_now()
    assert ReviewCard.objects.values().get(pk=card.pk) == before  # lapse count included
    # History is kept: both ratings stay, the second marked undone.
    logs = list(ReviewLog.objects.filter(card=card).order_by("reviewed_at", "pk"))
    assert [(log.rating, log.undone_at is None) for log in logs] == [(EASY, True), (AGAIN, False)]


def test_undo_of_a_new_cards_first_rating_makes_it_new_again(card, frozen_now):
    before = ReviewCard.objects.values().get(pk=card.pk)
    review_record(user=card.user, card_id=card.pk, rating=GOOD)
    review_undo(user=card.user, article=card.concept.article)
    assert ReviewCard.objects.values().get(pk=card.pk) == before
    card.refresh_from_db()
    assert (card.review_count, card.last_review, card.stability) == (0, None, None)


def test_undo_again_takes_back_the_rating_before_it_then_runs_out(card, frozen_now):
    other = second_card(card)
    article = card.concept.article
    first_before = ReviewCard.objects.values().get(pk=card.pk)
    other_before = ReviewCard.objects.values().get(pk=other.pk)
    review_record(user=card.user, card_id=card.pk, rating=GOOD)
    frozen_now(timedelta(seconds=5))
    review_record(user=card.user, card_id=other.pk, rating=HARD)
    assert review_undo(user=card.user, article=article).card_id == other.pk
    assert review_undo(user=card.user, article=article).card_id == card.pk
    assert ReviewCard.objects.values().get(pk=card.pk) == first_before
    assert ReviewCard.objects.values().get(pk=other.pk) == other_before
    with pytest.raises(NothingToUndo) as raised:
        review_undo(user=card.user, article=article)
    assert raised.value.code == "nothing_to_undo"


def test_a_rating_older_than_the_session_cannot_be_undone(card, frozen_now):
    review_record(user=card.user, card_id=card.pk, rating=GOOD)
    after = ReviewCard.objects.values().get(pk=card.pk)
    frozen_now(UNDO_WINDOW + timedelta(seconds=1))
    with pytest.raises(NothingToUndo):
        review_undo(user=card.user, article=card.concept.article)
    assert ReviewCard.objects.values().get(pk=card.pk) == after
    assert not ReviewLog.objects.filter(undone_at__isnull=False).exists()


def test_undo_refuses_when_the_card_changed_since_the_rating(card, frozen_now):
    review_record(user=card.user, card_id=card.pk, rating=GOOD)
    # Something else moved the card after the rating (no rating of ours did).
    ReviewCard.objects.filter(pk=card.pk).update(due=frozen_now() + timedelta(days=3))
    changed = ReviewCard.objects.values().get(pk=card.pk)
    with pytest.raises(NothingToUndo):
        review_undo(user=card.user, article=card.concept.article)
    assert ReviewCard.objects.values().get(pk=card.pk) == changed
    assert ReviewLog.objects.get(card=card).undone_at is None


def test_a_rating_logged_before_undo_existed_cannot_be_undone(card, frozen_now):
    review_record(user=card.user, card_id=card.pk, rating=GOOD)
    ReviewLog.objects.update(state_before=None)  # as the migration left older rows
    with pytest.raises(NothingToUndo):
        review_undo(user=card.user, article=card.concept.article)


def test_undo_keeps_to_the_learner_and_the_article(card, frozen_now):
    review_record(user=card.user, card_id=card.pk, rating=GOOD)
    with pytest.raises(NothingToUndo):
        review_undo(user=UserFactory(), article=card.concept.article)
    with pytest.raises(NothingToUndo):
        review_undo(user=card.user, article=ArticleFactory())
    assert ReviewLog.objects.get(card=card).undone_at is None


# The daily limit of new cards (a learner's setting)


def test_the_daily_limit_of_new_cards_is_stored_per_learner():
    user, other = UserFactory(), UserFactory()
    assert study_preferences_update(user=user, new_cards_per_day=35).new_cards_per_day == 35
    study_preferences_update(user=user, new_cards_per_day=0)
    assert StudyPreferences.objects.get(user=user).new_cards_per_day == 0
    assert not StudyPreferences.objects.filter(user=other).exists()


@pytest.mark.parametrize("value", [-1, 10000, "20", 2.0, None, True])
def test_a_daily_limit_out_of_range_is_refused_and_nothing_changes(value):
    user = UserFactory()
    study_preferences_update(user=user, new_cards_per_day=12)
    with pytest.raises(InvalidStudySetting):
        study_preferences_update(user=user, new_cards_per_day=value)
    assert StudyPreferences.objects.get(user=user).new_cards_per_day == 12
