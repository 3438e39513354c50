"""Study reads: the due queue and each section's progress (exact percents, fixed query counts)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.models import Concept, ResponseState, ReviewCard
from quizzes.selectors import (
    SectionProgress,
    card_due_count,
    cards_due,
    next_due_at,
    section_progress,
    study_next,
)
from quizzes.selectors.exam_protection import NO_PROTECTION
from quizzes.services.study import cards_ensure_for_article, review_record
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
from tests.study_factories import concept_card, question_card, submit

pytestmark = pytest.mark.django_db

NOW = timezone.now()
PAST, FUTURE = NOW - timedelta(hours=1), NOW + timedelta(days=2)
RIGHT, PARTIAL, WRONG = ResponseState.CORRECT, ResponseState.PARTIAL, ResponseState.WRONG


def concepts(section, count):
    return [
        Concept.objects.create(
            article=section.article,
            section=section,
            slug=f"{section.slug}-c{n}",
            term=f"{section.heading} term {n}",
            definition="A definition.",
        )
        for n in range(count)
    ]


def submitted(user, grades, section, *, number=1, quiz=None):
    """A submitted attempt of the user on new questions of the section, graded as given."""
    questions = [make_question(section) for _ in grades]
    attempt = make_attempt(quiz=quiz, user=user, number=number, questions=questions)
    return submit(attempt, grades)


@pytest.fixture
def study():
    """A learner's cards and quiz results on a five-section article, with noise around them.

    a: 4 concepts, 1 known (reviewed, not due), 1 reviewed but due, 1 new; quiz 1 and 0.5.
    b: 3 concepts, no cards, no quiz.
    c: no concepts; quiz 0.33333.
    d: 3 concepts, 1 known; quiz 0 and 1.
    e: 2 concepts, both known; quiz 1.
    """
    user, other = UserFactory(), UserFactory()
    article = ArticleFactory()
    a, b, c, d, e = (SectionFactory(article=article, position=n) for n in range(1, 6))
    a1, a2, a3, _a4 = concepts(a, 4)
    concept_card(user, a1, due=FUTURE, reviews=3)
    concept_card(user, a2, due=PAST, reviews=1)
    concept_card(user, a3, due=NOW)
    concepts(b, 3)
    d1, d2, _d3 = concepts(d, 3)
    concept_card(user, d1, due=FUTURE, reviews=1)
    concept_card(other, d2, due=FUTURE, reviews=1)
    for concept in concepts(e, 2):
        concept_card(user, concept, due=FUTURE, reviews=2)
    submitted(user, [(RIGHT, "1"), (PARTIAL, "0.5")], a)
    question_card(user, make_question(a), due=PAST)
    make_attempt(user=user, questions=[make_question(a)])  # in progress: does not count
    submitted(other, [(WRONG, "0")], a)  # another learner: does not count
    submitted(user, [(PARTIAL, "0.33333")], c)
    submitted(user, [(WRONG, "0"), (RIGHT, "1")], d)
    submitted(user, [(RIGHT, "1")], e)
    return user, article


def test_section_progress_gives_exact_percents_per_section(study):
    user, article = study
    progress = section_progress(user=user, article=article, now=NOW)
    rows = [
        (p.section.position, p.mastery, p.cards_known, p.cards_total, p.quiz_accuracy, p.due_count)
        for p in progress
    ]
    assert rows == [
        (1, 50, 1, 4, 75, 3),  # cards 25 %, quiz 75 %; due: two concept cards and a question card
        (2, 0, 0, 3, None, 0),
        (3, 33, 0, 0, 33, 0),  # no concepts: the quiz part alone
        (4, 42, 1, 3, 50, 0),  # (1/3 + 1/2) / 2 = 41.67 %
        (5, 100, 2, 2, 100, 0),
    ]


def test_study_next_is_the_least_mastered_section(study):
    user, article = study
    progress = section_progress(user=user, article=article, now=NOW)
    assert study_next(progress).section.position == 2


def test_study_next_breaks_ties_by_reading_order_and_is_none_when_all_are_mastered():
    first, second, third = (SectionFactory(position=n) for n in (3, 1, 2))

    def item(section, mastery):
        return SectionProgress(section, mastery, 0, 0, None, 0)

    assert study_next([item(first, 20), item(second, 20), item(third, 90)]).section == second
    assert study_next([item(first, 100), item(second, 100)]) is None
    assert study_next([]) is None


def test_a_learner_with_nothing_done_has_zero_mastery_everywhere():
    article = ArticleFactory()
    for position, count in enumerate((2, 3, 0), start=1):
        section = SectionFactory(article=article, position=position)
        concepts(section, count)
        make_question(section)
    progress = section_progress(user=UserFactory(), article=article, now=NOW)
    assert len(progress) == 3
    assert [p.cards_total for p in progress] == [2, 3, 0]
    assert {(p.mastery, p.cards_known, p.quiz_accuracy, p.due_count) for p in progress} == {
        (0, 0, None, 0)
    }


def test_section_progress_takes_three_queries_however_much_there_is(
    django_assert_max_num_queries,
):
    small_user, small_article = UserFactory(), ArticleFactory()
    small = SectionFactory(article=small_article, position=1)
    concept_card(small_user, concepts(small, 1)[0], due=FUTURE, reviews=1)
    submitted(small_user, [(RIGHT, "1")], small)
    # The exam guard is given (its own queries are counted in tests/selectors/test_exam_guard.py).
    with django_assert_max_num_queries(3):
        progress = section_progress(
            user=small_user, article=small_article, now=NOW, guard=NO_PROTECTION
        )
        assert progress[0].mastery == 100

    # Four sections of six concepts each: more of everything than the small case.
    article = ArticleFactory()
    user = enrol(CourseFactory(article=article))  # a member studies (and rates) its cards
    for position in range(1, 5):
        concepts(SectionFactory(article=article, position=position), 6)
    cards_ensure_for_article(user=user, article=article)
    for card in ReviewCard.objects.filter(user=user)[:20]:
        review_record(user=user, card_id=card.pk, rating=4)
    for number, section in enumerate(article.sections.all(), start=1):
        quiz = QuizFactory()
        submitted(user, [(RIGHT, "1"), (WRONG, "0")], section, number=number, quiz=quiz)
    with django_assert_max_num_queries(3):
        progress = section_progress(
            user=user, article=article, now=timezone.now(), guard=NO_PROTECTION
        )
        assert len(progress) == 4
    assert sum(p.cards_known for p in progress) == 20
    assert {p.quiz_accuracy for p in progress} == {50}


def test_the_due_queue_is_the_users_due_cards_of_the_article_oldest_first(
    django_assert_num_queries,
):
    user, article = UserFactory(), ArticleFactory()
    section = SectionFactory(article=article)
    old, new, later = concepts(section, 3)
    newer_card = concept_card(user, new, due=PAST)
    older_card = concept_card(user, old, due=PAST - timedelta(days=1))
    concept_card(user, later, due=FUTURE)
    concept_card(UserFactory(), old, due=PAST)
    concept_card(user, concepts(SectionFactory(), 1)[0], due=PAST)  # another article
    question = make_question(section, stem="Which year?")
    card = question_card(user, question, due=NOW)
    # The cards, the learner's daily limit, the new cards studied today, the new cards.
    with django_assert_num_queries(4):
        due = cards_due(user=user, article=article, now=NOW, guard=NO_PROTECTION)
        assert [c.concept.section.article.slug for c in due[:2]] == [article.slug] * 2
        assert due[2].question_version.stem == "Which year?"
    assert due == [older_card, newer_card, card]
    assert cards_due(user=user, article=article, now=NOW, limit=1) == [older_card]
    assert card_due_count(user=user, article=article, now=NOW) == 3
    assert next_due_at(user=user, article=article, now=NOW) == FUTURE
    assert next_due_at(user=UserFactory(), article=article, now=NOW) is None
