"""attempt_start: everything fixed up front; quiz rules enforced on the server."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

import pytest

from quizzes import clock
from quizzes.errors import QuizUnavailable
from quizzes.models import Attempt, Question, Quiz
from quizzes.services.attempts import attempt_start, attempt_submit
from tests.factories import CourseFactory, UserFactory, course_with_learner, enrol, fixed_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def final_exam():
    return Quiz.objects.get(key="final-exam")


def test_the_final_exam_draws_two_questions_from_each_section(final_exam):
    course, learner = course_with_learner()
    attempt = attempt_start(quiz=final_exam, user=learner, course=course, rng=random.Random(1))
    responses = list(attempt.responses.select_related("question__section", "question_version"))
    assert len(responses) == 18
    # Two a section: its anchor and one medium exam question.
    assert set(Counter(r.question.section.slug for r in responses).values()) == {2}
    assert all(r.question_version_id == r.question.current_version_id for r in responses)
    assert attempt.max_score == 18
    assert attempt.deadline == attempt.started_at + timedelta(minutes=36)


def test_starting_again_returns_the_same_open_attempt(final_exam):
    course, learner = course_with_learner()
    first = attempt_start(quiz=final_exam, user=learner, course=course)
    again = attempt_start(quiz=final_exam, user=learner, course=course)
    assert again.pk == first.pk
    assert Attempt.objects.filter(user=learner).count() == 1


def test_choice_orders_are_stored_as_permutations_of_choice_keys(final_exam):
    course, learner = course_with_learner()
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


def test_the_attempt_limit_is_enforced(final_exam):
    course, learner = course_with_learner()
    for _ in range(2):
        attempt = attempt_start(quiz=final_exam, user=learner, course=course)
        attempt_submit(attempt_id=attempt.pk, user=learner)
    with pytest.raises(QuizUnavailable) as error:
        attempt_start(quiz=final_exam, user=learner, course=course)
    assert error.value.code == "no_attempts_left"


def test_only_members_of_the_course_may_start(final_exam):
    course = CourseFactory(article=final_exam.article)
    with pytest.raises(QuizUnavailable) as error:
        attempt_start(quiz=final_exam, user=UserFactory(), course=course)
    assert error.value.code == "not_enrolled"


def test_a_quiz_of_another_course_is_not_available():
    course, learner = course_with_learner()
    question = Question.objects.get(key="introduction-01")
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
def test_open_and_close_dates_are_enforced(opens, closes, code):
    course, learner = course_with_learner()
    now = clock.now()
    quiz = fixed_quiz(
        [Question.objects.get(key="introduction-01")],
        article=course.article,
        opens_at=now + opens,
        closes_at=now + closes if closes else None,
    )
    with pytest.raises(QuizUnavailable) as error:
        attempt_start(quiz=quiz, user=learner, course=course)
    assert error.value.code == code


def test_the_deadline_is_the_earlier_of_time_limit_and_closing_time():
    course, learner = course_with_learner()
    closes = clock.now() + timedelta(minutes=10)
    quiz = fixed_quiz(
        [Question.objects.get(key="introduction-01")],
        article=course.article,
        time_limit_minutes=30,
        closes_at=closes,
    )
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    assert attempt.deadline == closes


def test_a_pool_with_too_few_questions_refuses_to_start():
    course, learner = course_with_learner()
    quiz = fixed_quiz([], article=course.article)
    quiz.slots.create(
        position=1, kind="random", pool_section=course.article.sections.first(), pool_count=99
    )
    with pytest.raises(QuizUnavailable) as error:
        attempt_start(quiz=quiz, user=learner, course=course)
    assert error.value.code == "pool_too_small"
    assert not Attempt.objects.filter(quiz=quiz).exists()


def test_instructors_enrolled_in_the_course_may_try_it(final_exam):
    course, _ = course_with_learner()
    teacher = enrol(course, role="instructor")
    assert attempt_start(quiz=final_exam, user=teacher, course=course).responses.count() == 18


def test_starting_takes_a_constant_number_of_queries(final_exam, django_assert_max_num_queries):
    """The offer, the slots, the pools' candidates, their versions, then one transaction."""
    course, learner = course_with_learner()
    with django_assert_max_num_queries(8):
        attempt_start(quiz=final_exam, user=learner, course=course)


def test_matching_and_ordering_are_shuffled_even_when_the_quiz_keeps_choice_order():
    course, learner = course_with_learner()
    questions = [
        Question.objects.filter(qtype=qtype, status="published").order_by("key").first()
        for qtype in ("matching", "ordering", "single_choice")
    ]
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


def test_pools_never_draw_another_courses_private_questions():
    course, learner = course_with_learner()
    other = CourseFactory(article=course.article)
    section = course.article.sections.get(slug="introduction")
    from quizzes.services.authoring import question_create

    private = question_create(
        section=section,
        qtype="true_false",
        stem="Private?",
        data={"answer": True},
        status="published",
        course=other,
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
