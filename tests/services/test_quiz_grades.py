"""A learner's quiz grade (QuizGrade): each grading method, kept up to date by a submission, an
overdue close, a regrade, a grade given by hand and a change of the quiz's settings."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from quizzes import clock
from quizzes.models import Attempt, GradingMethod, QuizGrade
from quizzes.services.attempts import (
    answers_save,
    attempt_start,
    attempt_submit,
    attempts_close_overdue,
)
from quizzes.services.grading import attempt_override_grade, quiz_regrade
from quizzes.services.quiz_grades import grade_figures, quiz_settings_changed
from tests.factories import (
    SectionFactory,
    course_with_learner,
    enrol,
    fixed_quiz,
    key_answer,
    make_question,
    wrong_answer,
)

pytestmark = pytest.mark.django_db

# Four questions of one mark: each attempt below answers `right` of them right (25 % each).


@pytest.fixture
def setting():
    section = SectionFactory()
    course, learner = course_with_learner(article=section.article)
    questions = [make_question(section) for _ in range(4)]
    quiz = fixed_quiz(questions, article=course.article, pass_mark=Decimal(50))
    return course, learner, quiz, questions


def submit(setting, right: int) -> Attempt:
    course, learner, quiz, questions = setting
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    answers = {
        q.pk: (key_answer if n < right else wrong_answer)(q.current_version)
        for n, q in enumerate(questions)
    }
    answers_save(attempt_id=attempt.pk, user=learner, answers=answers)
    return attempt_submit(attempt_id=attempt.pk, user=learner)


def grade_of(setting) -> QuizGrade:
    course, learner, quiz, _ = setting
    return QuizGrade.objects.get(quiz=quiz, course=course, user=learner)


@pytest.mark.parametrize(
    ("method", "percent", "attempt_index"),
    [
        (GradingMethod.HIGHEST, "75.00", 1),
        (GradingMethod.AVERAGE, "41.67", None),
        (GradingMethod.FIRST, "25.00", 0),
        (GradingMethod.LAST, "25.00", 2),
    ],
)
def test_each_grading_method_makes_the_grade_of_its_attempts(
    setting, method, percent, attempt_index
):
    setting[2].grading_method = method
    setting[2].save()
    attempts = [submit(setting, right) for right in (1, 3, 1)]

    grade = grade_of(setting)

    assert grade.percent == Decimal(percent)
    assert grade.attempt_count == 3
    expected = None if attempt_index is None else attempts[attempt_index].pk
    assert grade.attempt_id == expected


def test_the_highest_grade_keeps_the_earliest_of_equal_attempts(setting):
    first = submit(setting, 2)
    submit(setting, 2)

    assert grade_of(setting).attempt_id == first.pk


def test_a_submission_stores_the_grade_and_whether_it_passes(setting):
    submit(setting, 1)
    assert (grade_of(setting).percent, grade_of(setting).passed) == (Decimal(25), False)

    submit(setting, 2)  # 50 % reaches a pass mark of 50 %

    grade = grade_of(setting)
    assert (grade.percent, grade.passed, grade.attempt_count) == (Decimal(50), True, 2)


def test_an_open_attempt_makes_no_grade(setting):
    course, learner, quiz, _ = setting
    attempt_start(quiz=quiz, user=learner, course=course)

    assert not QuizGrade.objects.exists()


def test_each_course_keeps_its_own_grade_on_a_shared_quiz(setting):
    course, learner, quiz, questions = setting
    submit(setting, 4)
    other, _ = course_with_learner(article=course.article)
    enrol(other, learner)

    submit((other, learner, quiz, questions), 1)

    assert grade_of(setting).percent == 100
    assert QuizGrade.objects.get(course=other, user=learner).percent == 25


def test_an_overdue_attempt_closed_by_the_scheduler_is_graded(setting, monkeypatch):
    course, learner, quiz, questions = setting
    quiz.time_limit_minutes = 10
    quiz.save()
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    answers_save(
        attempt_id=attempt.pk,
        user=learner,
        answers={questions[0].pk: key_answer(questions[0].current_version)},
    )
    monkeypatch.setattr(clock, "now", lambda: attempt.deadline + timedelta(minutes=1))

    assert attempts_close_overdue() == 1

    grade = grade_of(setting)
    assert (grade.percent, grade.attempt_id, grade.passed) == (Decimal(25), attempt.pk, False)


def test_a_grade_given_by_hand_moves_the_quiz_grade(setting):
    course, _, _, _ = setting
    attempt = submit(setting, 1)
    teacher = enrol(course, role="instructor")

    attempt_override_grade(attempt_id=attempt.pk, actor=teacher, score="3")

    grade = grade_of(setting)
    assert (grade.percent, grade.passed) == (Decimal(75), True)

    attempt_override_grade(attempt_id=attempt.pk, actor=teacher, score=None)

    assert grade_of(setting).percent == 25


def test_a_regrade_moves_the_quiz_grade(setting):
    from quizzes.services.authoring import question_revise

    course, _, quiz, questions = setting
    submit(setting, 3)
    # The fourth question's key was wrong: the learner's (wrong) answer was right after all.
    fourth = questions[3]
    payload = fourth.current_version.payload
    chosen = wrong_answer(fourth.current_version)["choice"]
    data = {
        "choices": [{"text": c["text"], "correct": c["key"] == chosen} for c in payload["choices"]]
    }
    question_revise(question=fourth, stem=fourth.current_version.stem, data=data, actor=None)

    quiz_regrade(quiz=quiz, course=course, actor=enrol(course, role="instructor"))

    assert grade_of(setting).percent == 100


def test_changing_the_grading_method_grades_every_learner_again(setting):
    course, _, quiz, questions = setting
    submit(setting, 4)
    submit(setting, 1)
    classmate = enrol(course)
    submit((course, classmate, quiz, questions), 2)

    quiz.grading_method = GradingMethod.LAST
    quiz.save()
    quiz_settings_changed(quiz=quiz)

    assert grade_of(setting).percent == 25
    assert QuizGrade.objects.get(quiz=quiz, user=classmate).percent == 50


def test_raising_the_pass_mark_fails_a_grade_that_passed(setting):
    _, _, quiz, _ = setting
    submit(setting, 2)
    assert grade_of(setting).passed

    quiz.pass_mark = Decimal(60)
    quiz.save()
    quiz_settings_changed(quiz=quiz)

    assert not grade_of(setting).passed


def test_attempts_without_a_maximum_make_no_grade():
    attempt = Attempt(number=1, state="submitted", score=Decimal(0), max_score=Decimal(0))

    assert grade_figures(GradingMethod.HIGHEST, [attempt]) is None


@pytest.mark.parametrize("method", list(GradingMethod))
def test_a_submission_updates_the_grade_exactly_as_counting_every_attempt_again(setting, method):
    """The grade after each submission, kept from the stored one, is the grade of them all."""
    setting[2].grading_method = method
    setting[2].save()
    attempts = []
    for right in (2, 4, 4, 1, 0, 3, 4):
        attempts.append(submit(setting, right))
        submitted = Attempt.objects.filter(pk__in=[a.pk for a in attempts])
        expected = grade_figures(method, submitted)
        grade = grade_of(setting)
        assert (grade.percent, grade.attempt_id, grade.attempt_count) == (
            expected.percent,
            expected.attempt_id,
            expected.attempt_count,
        )


def test_a_submission_reads_no_more_after_many_earlier_attempts(setting):
    """A practice quiz may be taken a hundred times: the hundredth submission reads as many
    queries and attempt rows as the first (it updates the stored grade, not all of them)."""
    course, learner, quiz, _ = setting
    quiz.max_attempts = None
    quiz.save()

    def cost_of_a_submission() -> tuple[int, int]:
        attempt = attempt_start(quiz=quiz, user=learner, course=course)
        loaded = []

        def count(sender, instance, **kwargs):
            loaded.append(instance)

        post_init.connect(count, sender=Attempt)
        try:
            with CaptureQueriesContext(connection) as captured:
                attempt_submit(attempt_id=attempt.pk, user=learner)
        finally:
            post_init.disconnect(count, sender=Attempt)
        return len(captured.captured_queries), len(loaded)

    submit(setting, 2)
    second = cost_of_a_submission()
    for _ in range(25):
        submit(setting, 2)
    queries, attempts_read = cost_of_a_submission()
    assert queries <= second[0] and attempts_read == second[1]
    assert grade_of(setting).attempt_count == 28
