"""quiz_pick_questions: what pools may draw, and starts that must be refused, not crash."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from quizzes.errors import QuizUnavailable
from quizzes.models import Attempt, ExamProtection, QuizSlot
from quizzes.services.attempts import attempt_start
from quizzes.services.quiz_assembly import quiz_pick_questions
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


def pool_quiz(*, count: int, section=None, mark: str = "1", **fields):
    """A quiz of one random slot drawing `count` questions (of a section, or of any)."""
    quiz = QuizFactory(**fields)
    QuizSlot.objects.create(
        quiz=quiz,
        position=1,
        kind="random",
        pool_section=section,
        pool_count=count,
        mark=Decimal(mark),
    )
    return quiz


def drawn(quiz, seeds=range(20), **kwargs) -> set[int]:
    """Every question id the quiz draws over a number of seeds."""
    return {
        pick.question_id
        for seed in seeds
        for pick in quiz_pick_questions(quiz=quiz, rng=random.Random(seed), **kwargs)
    }


def test_a_pool_without_a_section_draws_only_its_quizs_article():
    article = ArticleFactory()
    own = [make_question(SectionFactory(article=article)) for _ in range(2)]
    make_question(SectionFactory())  # a shared question of another article
    quiz = pool_quiz(count=1, article=article)
    assert drawn(quiz) == {q.pk for q in own}
    with pytest.raises(QuizUnavailable) as error:
        quiz_pick_questions(quiz=pool_quiz(count=3, article=article), rng=random.Random(1))
    assert error.value.code == "pool_too_small"


def test_a_course_pool_draws_its_own_bank_only_within_the_courses_article():
    article = ArticleFactory()
    course = CourseFactory(article=article)
    section = SectionFactory(article=article)
    own = make_question(section, course=course)
    shared = make_question(section)
    make_question(SectionFactory(), course=course)  # the course's, but of another article
    make_question(section, course=CourseFactory(article=article))  # another course's
    quiz = pool_quiz(count=1, course=course, article=article)
    assert drawn(quiz) == {own.pk, shared.pk}


def test_a_quiz_without_an_article_takes_its_courses_article():
    article = ArticleFactory()
    course = CourseFactory(article=article)
    own = make_question(SectionFactory(article=article))
    make_question(SectionFactory())
    assert drawn(pool_quiz(count=1, course=course)) == {own.pk}


def test_starting_a_quiz_whose_marks_overflow_an_attempt_is_refused_and_writes_nothing():
    # Saved before the builder checked totals: 101 questions at 9,999.99 is over 999,999.99.
    section = SectionFactory()
    for n in range(101):
        make_question(section, stem=f"Question {n}?")
    course = CourseFactory(article=section.article)
    learner = enrol(course)
    quiz = pool_quiz(count=101, mark="9999.99", article=course.article)
    with pytest.raises(QuizUnavailable) as error:
        attempt_start(quiz=quiz, user=learner, course=course)
    assert error.value.code == "marks_overflow"
    assert "add up to more than an attempt can hold" in error.value.message
    assert not Attempt.objects.filter(quiz=quiz).exists()


@pytest.fixture
def exam_only():
    """A course on a one-section article of six questions, a learner, and a graded quiz kept
    "exam only" that may draw four of them (two fixed, and a pool of difficulty 3)."""
    article = ArticleFactory()
    section = SectionFactory(article=article)
    course = CourseFactory(article=article)
    easy = [make_question(section, difficulty=1) for _ in range(2)]
    fixed = [make_question(section, difficulty=1) for _ in range(2)]
    hard = [make_question(section, difficulty=3) for _ in range(2)]
    exam = QuizFactory(
        article=article, mode="graded", max_attempts=1, exam_protection=ExamProtection.EXAM_ONLY
    )
    QuizSlot.objects.create(quiz=exam, position=1, kind="random", pool_difficulty=3)
    for n, question in enumerate(fixed, start=2):
        QuizSlot.objects.create(quiz=exam, position=n, kind="fixed", question=question)
    practice = pool_quiz(count=6, section=section, article=article, mode="practice")
    return {
        "course": course,
        "learner": enrol(course),
        "exam": exam,
        "practice": practice,
        "open": {q.pk for q in easy},
        "kept": {q.pk for q in fixed + hard},
    }


def test_an_exam_only_quiz_keeps_its_questions_out_of_practice_draws(exam_only):
    course, learner = exam_only["course"], exam_only["learner"]
    attempt = attempt_start(quiz=exam_only["practice"], user=learner, course=course)
    given = set(attempt.responses.values_list("question_id", flat=True))
    assert given == exam_only["open"] and not given & exam_only["kept"]
    assert attempt.max_score == 2


def test_once_the_exam_is_behind_the_learner_practice_draws_its_questions_again(exam_only):
    course, learner = exam_only["course"], exam_only["learner"]
    make_attempt(
        quiz=exam_only["exam"],
        user=learner,
        course=course,
        state="submitted",
        submitted_at=timezone.now(),
        score=0,
    )
    attempt = attempt_start(quiz=exam_only["practice"], user=learner, course=course)
    assert attempt.responses.count() == 6


def test_after_the_exam_closes_practice_draws_its_questions_again(exam_only):
    exam = exam_only["exam"]
    exam.closes_at = timezone.now() - timedelta(minutes=1)
    exam.save()
    practice = exam_only["practice"]
    assert len(drawn(practice, seeds=[1], course=exam_only["course"])) == 6


def test_a_practice_quiz_with_every_question_kept_for_an_exam_cannot_start(exam_only):
    exam = exam_only["exam"]
    QuizSlot.objects.filter(quiz=exam, kind="random").update(pool_difficulty=None)
    with pytest.raises(QuizUnavailable) as error:
        attempt_start(
            quiz=exam_only["practice"], user=exam_only["learner"], course=exam_only["course"]
        )
    assert error.value.code == "practice_withheld"
    assert not Attempt.objects.filter(quiz=exam_only["practice"]).exists()


def test_key_free_protection_leaves_practice_draws_alone(exam_only):
    exam = exam_only["exam"]
    exam.exam_protection = ExamProtection.KEY_FREE
    exam.save()
    assert len(drawn(exam_only["practice"], seeds=[1], course=exam_only["course"])) == 6
