"""attempt_start: everything fixed up front; quiz rules enforced on the server."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

import pytest

from quizzes import clock
from quizzes.errors import QuizUnavailable
from quizzes.models import Attempt, Question, QuizSlot
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.authoring import question_create, question_revise
from tests.factories import (
    SINGLE_CHOICE_DATA,
    ArticleFactory,
    CourseFactory,
    SectionFactory,
    UserFactory,
    course_with_learner,
    enrol,
    fixed_quiz,
    make_question,
    pool_quiz,
    question_of_each_type,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory()


@pytest.fixture
def final_exam(article):
    """A graded exam drawing two questions from each of three sections, each section holding
    one question of every type: 12 minutes, two attempts."""
    sections = [SectionFactory(article=article) for _ in range(3)]
    for section in sections:
        question_of_each_type(section)
    return pool_quiz(
        sections,
        per_section=2,
        article=article,
        title="Exam",
        mode="graded",
        max_attempts=2,
        time_limit_minutes=12,
    )


def test_the_exam_draws_two_questions_from_each_section(final_exam, article):
    course, learner = course_with_learner(article=article)
    attempt = attempt_start(quiz=final_exam, user=learner, course=course, rng=random.Random(1))
    responses = list(attempt.responses.select_related("question__section", "question_version"))
    assert len(responses) == 6
    assert set(Counter(r.question.section.slug for r in responses).values()) == {2}
    assert all(r.question_version_id == r.question.current_version_id for r in responses)
    assert attempt.max_score == 6
    assert attempt.deadline == attempt.started_at + timedelta(minutes=12)


def test_starting_again_returns_the_same_open_attempt(final_exam, article):
    course, learner = course_with_learner(article=article)
    first = attempt_start(quiz=final_exam, user=learner, course=course)
    again = attempt_start(quiz=final_exam, user=learner, course=course)
    assert again.pk == first.pk
    assert Attempt.objects.filter(user=learner).count() == 1


def test_choice_orders_are_stored_as_permutations_of_choice_keys(final_exam, article):
    course, learner = course_with_learner(article=article)
    attempt = attempt_start(quiz=final_exam, user=learner, course=course)
    for response in attempt.responses.select_related("question_version"):
        payload = response.question_version.payload
        keys = {
            "single_choice": "choices",
            "multiple_response": "choices",
            "matching": "rights",
            "ordering": "items",
        }.get(response.question_version.qtype)
        if keys:
            assert sorted(response.choice_order) == sorted(item["key"] for item in payload[keys])
        if response.question_version.qtype == "ordering":
            assert response.choice_order != [item["key"] for item in payload["items"]]


def test_the_attempt_limit_is_enforced(final_exam, article):
    course, learner = course_with_learner(article=article)
    for _ in range(2):
        attempt = attempt_start(quiz=final_exam, user=learner, course=course)
        attempt_submit(attempt_id=attempt.pk, user=learner)
    with pytest.raises(QuizUnavailable) as error:
        attempt_start(quiz=final_exam, user=learner, course=course)
    assert error.value.code == "no_attempts_left"


def test_only_members_of_the_course_may_start(final_exam, article):
    course = CourseFactory(article=article)
    with pytest.raises(QuizUnavailable) as error:
        attempt_start(quiz=final_exam, user=UserFactory(), course=course)
    assert error.value.code == "not_enrolled"


def test_a_quiz_of_another_course_is_not_available(article):
    course, learner = course_with_learner(article=article)
    question = make_question(SectionFactory(article=article))
    quiz = fixed_quiz([question], course=CourseFactory())
    with pytest.raises(QuizUnavailable) as error:
        attempt_start(quiz=quiz, user=learner, course=course)
    assert error.value.code == "quiz_unavailable"


@pytest.mark.parametrize(
    ("opens", "closes", "code"),
    [
        (timedelta(hours=1), None, "quiz_not_open"),
        (timedelta(hours=-2), timedelta(hours=-1), "quiz_closed"),
    ],
)
def test_open_and_close_dates_are_enforced(opens, closes, code, article):
    course, learner = course_with_learner(article=article)
    now = clock.now()
    quiz = fixed_quiz(
        [make_question(SectionFactory(article=article))],
        article=course.article,
        opens_at=now + opens,
        closes_at=now + closes if closes else None,
    )
    with pytest.raises(QuizUnavailable) as error:
        attempt_start(quiz=quiz, user=learner, course=course)
    assert error.value.code == code


def test_the_deadline_is_the_earlier_of_time_limit_and_closing_time(article):
    course, learner = course_with_learner(article=article)
    closes = clock.now() + timedelta(minutes=10)
    quiz = fixed_quiz(
        [make_question(SectionFactory(article=article))],
        article=course.article,
        time_limit_minutes=30,
        closes_at=closes,
    )
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    assert attempt.deadline == closes


def test_a_pool_with_too_few_questions_refuses_to_start(article):
    course, learner = course_with_learner(article=article)
    section = SectionFactory(article=article)
    make_question(section)
    quiz = fixed_quiz([], article=course.article)
    quiz.slots.create(position=1, kind="random", pool_section=section, pool_count=2)
    with pytest.raises(QuizUnavailable) as error:
        attempt_start(quiz=quiz, user=learner, course=course)
    assert error.value.code == "pool_too_small"
    assert not Attempt.objects.filter(quiz=quiz).exists()


def test_instructors_enrolled_in_the_course_may_try_it(final_exam, article):
    course, _ = course_with_learner(article=article)
    teacher = enrol(course, role="instructor")
    assert attempt_start(quiz=final_exam, user=teacher, course=course).responses.count() == 6


def test_starting_takes_a_constant_number_of_queries(
    final_exam, article, django_assert_max_num_queries
):
    """The offer, the slots, the pools' candidates, their versions, then one transaction."""
    course, learner = course_with_learner(article=article)
    with django_assert_max_num_queries(8):
        attempt_start(quiz=final_exam, user=learner, course=course)


def test_matching_and_ordering_are_shuffled_even_when_the_quiz_keeps_choice_order(article):
    course, learner = course_with_learner(article=article)
    of_type = question_of_each_type(SectionFactory(article=article))
    questions = [of_type[qtype] for qtype in ("matching", "ordering", "single_choice")]
    quiz = fixed_quiz(questions, article=course.article)
    assert quiz.shuffle_choices is False
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    shown = {
        r.question_version.qtype: r for r in attempt.responses.select_related("question_version")
    }
    matching = shown["matching"].question_version.payload
    assert shown["matching"].choice_order != [r["key"] for r in matching["rights"]]
    ordering = shown["ordering"].question_version.payload
    assert shown["ordering"].choice_order != [i["key"] for i in ordering["items"]]
    single = shown["single_choice"].question_version.payload
    assert shown["single_choice"].choice_order == [c["key"] for c in single["choices"]]


def test_pools_never_draw_another_courses_private_questions(article):
    course, learner = course_with_learner(article=article)
    other = CourseFactory(article=course.article)
    section = SectionFactory(article=article)
    for n in range(3):
        make_question(section, stem=f"Shared {n}?")

    private = question_create(
        section=section,
        qtype="true_false",
        stem="Private?",
        data={"answer": True},
        status="published",
        course=other,
        actor=None,
    )
    quiz = fixed_quiz([], article=course.article)
    total = Question.objects.published().filter(section=section, course__isnull=True).count()
    quiz.slots.create(position=1, kind="random", pool_section=section, pool_count=total)
    drawn = set(
        attempt_start(quiz=quiz, user=learner, course=course).responses.values_list(
            "question_id", flat=True
        )
    )
    assert private.pk not in drawn and len(drawn) == total


@pytest.mark.parametrize("pinned", ["all", "some"])
def test_a_pinned_slot_shows_its_pinned_version_and_the_others_the_current_one(article, pinned):
    section = SectionFactory(article=article)
    first, second = make_question(section, stem="First v1?"), make_question(section, stem="Second?")
    quiz = fixed_quiz([first, second], article=article)
    pinned_version = first.current_version
    question_revise(question=first, stem="First v2?", data=SINGLE_CHOICE_DATA, actor=None)
    QuizSlot.objects.filter(quiz=quiz, question=first).update(pinned_version=pinned_version)
    if pinned == "all":
        QuizSlot.objects.filter(quiz=quiz, question=second).update(
            pinned_version=second.current_version
        )
    course, learner = course_with_learner(article=article)

    attempt = attempt_start(quiz=quiz, user=learner, course=course)

    shown = {r.question_id: r.question_version.stem for r in attempt.responses.all()}
    assert shown == {first.pk: "First v1?", second.pk: "Second?"}
