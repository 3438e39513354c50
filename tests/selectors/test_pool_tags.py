"""Pools that filter by tag: what `in_pool`/`pool_candidates` match and what attempts draw."""

from __future__ import annotations

import random

import pytest

from quizzes.errors import QuizUnavailable
from quizzes.models import Concept, QuizSlot, Tag
from quizzes.selectors.quiz_building import pool_candidates
from quizzes.services.quiz_assembly import quiz_pick_questions
from tests.factories import ArticleFactory, QuizFactory, SectionFactory, make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank():
    """An article of two sections: questions tagged exam, week-1, both, or nothing."""
    article = ArticleFactory()
    first, second = SectionFactory(article=article), SectionFactory(article=article)
    return {
        "article": article,
        "first": first,
        "exam": [make_question(first, tags=["exam"]) for _ in range(3)],
        "exam_hard": make_question(first, tags=["exam"], difficulty=3),
        "both": make_question(second, tags=["exam", "week-1"]),
        "week": make_question(first, tags=["week-1"]),
        "plain": [make_question(first) for _ in range(2)],
    }


def tag(name: str) -> Tag:
    return Tag.objects.get(name=name)


def pool_quiz(bank, *pools: dict, **fields):
    """A quiz of the bank's article with one random slot per pool (filters as model fields)."""
    quiz = QuizFactory(article=bank["article"], **fields)
    for position, pool in enumerate(pools, start=1):
        QuizSlot.objects.create(
            quiz=quiz, position=position, kind="random", **{"pool_count": 1, **pool}
        )
    return quiz


def drawn(quiz, seeds=range(30)) -> set[int]:
    return {
        pick.question_id
        for seed in seeds
        for pick in quiz_pick_questions(quiz=quiz, rng=random.Random(seed))
    }


def ids(*questions) -> set[int]:
    return {q.pk for q in questions}


def test_a_tag_pool_draws_only_questions_with_its_tag(bank):
    quiz = pool_quiz(bank, {"pool_tag": tag("exam")})
    assert drawn(quiz) == ids(*bank["exam"], bank["exam_hard"], bank["both"])


def test_a_tag_filter_combines_with_section_difficulty_and_concept(bank):
    first = bank["first"]
    in_section = pool_quiz(bank, {"pool_tag": tag("exam"), "pool_section": first})
    assert drawn(in_section) == ids(*bank["exam"], bank["exam_hard"])
    hard = pool_quiz(bank, {"pool_tag": tag("exam"), "pool_difficulty": 3})
    assert drawn(hard) == ids(bank["exam_hard"])
    concept = Concept.objects.create(
        article=bank["article"], slug="c", term="C", definition="D", section=first
    )
    bank["exam"][0].concepts.add(concept)
    bank["week"].concepts.add(concept)
    assert drawn(pool_quiz(bank, {"pool_tag": tag("exam"), "pool_concept": concept})) == ids(
        bank["exam"][0]
    )


def test_a_tagged_pool_and_an_untagged_pool_each_draw_their_own(bank):
    quiz = pool_quiz(
        bank,
        {"pool_tag": tag("week-1"), "pool_count": 2},
        {"pool_section": bank["first"], "pool_count": 6},
    )
    for seed in range(10):
        picks = [
            p.question_id
            for p in quiz_pick_questions(quiz=quiz, rng=random.Random(seed))
            if p.question_id in ids(bank["week"], bank["both"])
        ]
        # The tag pool took both week-1 questions: the section pool cannot draw one again.
        assert sorted(picks) == sorted(ids(bank["week"], bank["both"]))


def test_candidates_know_the_tags_their_pools_ask_for_and_only_those(bank):
    quiz = pool_quiz(bank, {"pool_tag": tag("week-1")}, {"pool_section": bank["first"]})
    slots = list(quiz.slots.all())
    found = {c.id: c.tag_ids for c in pool_candidates(quiz=quiz, slots=slots)}
    assert found[bank["both"].pk] == {tag("week-1").pk}  # its exam tag is not asked about
    assert found[bank["plain"][0].pk] == frozenset()
    assert len(found) == 8  # the section pool keeps every question in scope a candidate


def test_a_pool_of_a_tag_no_question_has_cannot_start(bank):
    quiz = pool_quiz(bank, {"pool_tag": Tag.objects.create(name="unused")})
    with pytest.raises(QuizUnavailable) as error:
        quiz_pick_questions(quiz=quiz, rng=random.Random(1))
    assert error.value.code == "pool_too_small"


def test_a_tag_pool_with_every_slot_tagged_reads_only_the_tagged_questions(
    bank, django_assert_num_queries
):
    quiz = pool_quiz(bank, {"pool_tag": tag("exam")}, {"pool_tag": tag("week-1")})
    slots = list(quiz.slots.all())
    with django_assert_num_queries(1):
        candidates = pool_candidates(quiz=quiz, slots=slots)
    assert {c.id for c in candidates} == ids(*bank["exam"], bank["exam_hard"], bank["both"]) | ids(
        bank["week"]
    )
