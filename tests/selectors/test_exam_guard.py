"""The exam guard: which questions practice quizzes and flashcards must keep the keys of."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.models import ExamProtection, QuizSlot, Tag
from quizzes.selectors.exam_protection import NO_PROTECTION, exam_guard
from tests.factories import (
    ArticleFactory,
    CourseFactory,
    QuizFactory,
    SectionFactory,
    enrol,
    make_attempt,
    make_question,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture
def world():
    """A course on an article of two sections (three questions each) and a learner in it."""
    article = ArticleFactory()
    first, second = SectionFactory(article=article), SectionFactory(article=article)
    course = CourseFactory(article=article)
    return {
        "article": article,
        "course": course,
        "learner": enrol(course),
        "first": [make_question(first) for _ in range(3)],
        "second": [make_question(second) for _ in range(3)],
        "first_section": first,
    }


def exam(world, *, pool_section=None, pool_tag=None, fixed=(), **fields):
    """A graded quiz of the world's article: a pool (of a section, or any; of a tag, or any)
    and fixed questions."""
    quiz = QuizFactory(article=world["article"], **{"mode": "graded", **fields})
    position = 1
    if pool_section is not False:
        QuizSlot.objects.create(
            quiz=quiz,
            position=1,
            kind="random",
            pool_section=pool_section,
            pool_tag=pool_tag,
            pool_count=2,
        )
        position = 2
    for n, question in enumerate(fixed, start=position):
        QuizSlot.objects.create(quiz=quiz, position=n, kind="fixed", question=question)
    return quiz


def guard_of(world, **kwargs):
    return exam_guard(user_id=world["learner"].pk, now=NOW, **kwargs)


def ids(questions) -> frozenset[int]:
    return frozenset(q.pk for q in questions)


def test_a_graded_quiz_protects_every_question_its_pools_match_and_its_fixed_ones(world):
    other_article_question = make_question(SectionFactory())
    exam(world, pool_section=world["first_section"], fixed=[world["second"][0]])
    guard = guard_of(world)
    assert guard.key_free == ids(world["first"]) | {world["second"][0].pk}
    assert guard.exam_only == frozenset()
    assert not guard.withholds(world["second"][1].pk)
    assert not guard.withholds(other_article_question.pk)


def test_exam_only_quizzes_are_told_apart_and_both_kinds_are_withheld(world):
    exam(world, pool_section=world["first_section"], exam_protection=ExamProtection.EXAM_ONLY)
    exam(world, pool_section=False, fixed=[world["second"][0]])
    guard = guard_of(world)
    assert guard.exam_only == ids(world["first"])
    assert guard.withheld == ids(world["first"]) | {world["second"][0].pk}


def test_each_protected_question_names_the_quiz_that_protects_it(world):
    exam(world, pool_section=world["first_section"], title="Midterm")
    assert guard_of(world).exam_titles[world["first"][0].pk] == "Midterm"


def test_an_unprotected_quiz_a_practice_quiz_or_a_closed_quiz_protects_nothing(world):
    section = world["first_section"]
    exam(world, pool_section=section, exam_protection=ExamProtection.OPEN)
    exam(world, pool_section=section, mode="practice")
    exam(world, pool_section=section, closes_at=NOW - timedelta(minutes=1))
    assert guard_of(world).withheld == frozenset()


def test_a_quiz_that_has_not_closed_yet_or_is_unpublished_still_protects(world):
    section = world["first_section"]
    exam(world, pool_section=section, closes_at=NOW + timedelta(days=1), is_published=False)
    assert guard_of(world).withheld == ids(world["first"])


def test_protection_ends_for_a_learner_who_has_used_every_attempt(world):
    quiz = exam(world, pool_section=world["first_section"], max_attempts=2)
    course, learner = world["course"], world["learner"]
    make_attempt(
        quiz=quiz,
        user=learner,
        course=course,
        number=1,
        state="submitted",
        submitted_at=NOW,
        score=0,
    )
    assert guard_of(world).withheld == ids(world["first"])  # one attempt left
    last = make_attempt(quiz=quiz, user=learner, course=course, number=2)
    assert guard_of(world).withheld == ids(world["first"])  # the last one is still open
    last.state, last.submitted_at, last.score = "submitted", NOW, 0
    last.save()
    assert guard_of(world).withheld == frozenset()
    other = enrol(course)
    assert exam_guard(user_id=other.pk, now=NOW).withheld == ids(world["first"])


def test_only_quizzes_offered_in_the_learners_courses_protect(world):
    elsewhere = CourseFactory(article=world["article"])
    exam(world, pool_section=world["first_section"], course=elsewhere)
    assert guard_of(world).withheld == frozenset()
    enrol(elsewhere, world["learner"])
    assert guard_of(world).withheld == ids(world["first"])


def test_the_course_asked_about_counts_even_without_membership(world):
    exam(world, pool_section=world["first_section"])
    assert exam_guard(user_id=None, now=NOW) == NO_PROTECTION
    assert exam_guard(user_id=None, now=NOW, course=world["course"]).withheld == ids(world["first"])


def test_the_guard_takes_a_few_queries_per_protecting_quiz_however_big_the_pools(
    world, django_assert_max_num_queries
):
    exam(world, pool_section=None, max_attempts=1)
    for _ in range(30):
        make_question(world["first_section"])
    # Courses, quizzes, their slots, the learner's accommodations and attempts, the pool's
    # questions.
    with django_assert_max_num_queries(6):
        assert len(guard_of(world).withheld) == 36


def test_a_pool_of_a_tag_protects_only_the_questions_with_that_tag(world):
    section = world["first_section"]
    tagged = [make_question(section, tags=["exam"]) for _ in range(2)]
    other_tag = make_question(section, tags=["week-3"])
    exam(
        world,
        pool_section=section,
        pool_tag=Tag.objects.get(name="exam"),
        exam_protection=ExamProtection.EXAM_ONLY,
    )
    guard = guard_of(world)
    assert guard.exam_only == ids(tagged)
    assert not guard.withholds(other_tag.pk)
    assert not any(guard.withholds(q.pk) for q in world["first"] + world["second"])


def test_tag_pools_cost_the_guard_no_extra_query(world, django_assert_max_num_queries):
    for _ in range(30):
        make_question(world["first_section"], tags=["exam", "week-3"])
    exam(world, pool_section=None, pool_tag=Tag.objects.get(name="exam"), max_attempts=1)
    exam(world, pool_section=None, pool_tag=Tag.objects.get(name="week-3"), max_attempts=1)
    # Courses, quizzes, their slots, the learner's accommodations and attempts, each quiz's
    # pool (tags included).
    with django_assert_max_num_queries(7):
        assert len(guard_of(world).withheld) == 30


def test_an_accommodation_keeps_the_exam_protected_while_it_is_open_to_that_learner(world):
    """Extra attempts and a later close date keep the keys hidden from the learner who has
    them (they may still take the exam), not from a classmate whose exam is over."""
    from quizzes.models import Accommodation

    course, learner = world["course"], world["learner"]
    classmate = enrol(course)
    quiz = exam(world, pool_section=world["first_section"], max_attempts=1)
    for user in (learner, classmate):
        make_attempt(
            quiz=quiz, user=user, course=course, state="submitted", submitted_at=NOW, score=0
        )
    Accommodation.objects.create(course=course, learner=learner, quiz=quiz, extra_attempts=1)
    assert guard_of(world).key_free == ids(world["first"])
    assert exam_guard(user_id=classmate.pk, now=NOW).key_free == frozenset()

    exam(world, pool_section=world["second"][0].section, closes_at=NOW)  # closed for others
    Accommodation.objects.create(course=course, learner=learner, closes_at=NOW + timedelta(days=1))
    assert ids(world["second"]) <= guard_of(world).key_free
    assert exam_guard(user_id=classmate.pk, now=NOW).key_free == frozenset()


def test_the_guard_ends_when_the_review_shows_the_key_where_a_learners_own_accommodation_overrides_a_groups(
    world,
):
    """One rule for "no attempt left" (selectors.accommodations): the learner's own extra
    attempt overrides their group's three, so after two attempts the exam's review shows its
    key, and practice must show the same questions' keys again, not hold them back."""
    from quizzes.models import Accommodation, AccommodationGroup
    from quizzes.selectors.review_policy import ReviewPolicy

    course, learner = world["course"], world["learner"]
    quiz = exam(
        world,
        pool_section=world["first_section"],
        max_attempts=1,
        review_key_after_last_attempt=True,
    )
    group = AccommodationGroup.objects.create(course=course, name="Extra attempts")
    group.members.add(learner)
    Accommodation.objects.create(course=course, group=group, extra_attempts=3)
    Accommodation.objects.create(course=course, learner=learner, quiz=quiz, extra_attempts=1)
    attempts = [
        make_attempt(
            quiz=quiz,
            user=learner,
            course=course,
            number=n,
            state="submitted",
            submitted_at=NOW,
            score=0,
        )
        for n in (1, 2)
    ]
    assert ReviewPolicy.for_attempt(attempts[-1], NOW).show_answers
    assert guard_of(world).withheld == frozenset()
