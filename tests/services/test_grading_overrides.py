"""Marks and grades given by hand: recorded as steps (or grade rows), totals recomputed, refused
cleanly when they break a rule, and never given by someone who does not teach the course."""

from __future__ import annotations

from decimal import Decimal

import pytest

from quizzes.errors import AttemptNotFound
from quizzes.models import AttemptGradeOverride, ResponseStep
from quizzes.services.attempts import answers_save, attempt_start, attempt_submit
from quizzes.services.grading import (
    OverrideNotAllowed,
    OverrideRefused,
    attempt_override_grade,
    response_override_mark,
)
from tests.factories import (
    CourseFactory,
    UserFactory,
    enrol,
    fixed_quiz,
    key_answer,
    make_question,
    wrong_answer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded():
    """A submitted two-question attempt (one right, one wrong: 1 of 2) and the course's teacher."""
    course = CourseFactory()
    learner, teacher = enrol(course), enrol(course, role="instructor")
    questions = [make_question(stem="Right?"), make_question(stem="Wrong?")]
    quiz = fixed_quiz(questions, course=course)
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    answers_save(
        attempt_id=attempt.pk,
        user=learner,
        answers={
            questions[0].pk: key_answer(questions[0].current_version),
            questions[1].pk: wrong_answer(questions[1].current_version),
        },
    )
    attempt = attempt_submit(attempt_id=attempt.pk, user=learner)
    assert attempt.score == 1
    return attempt, questions, teacher


def test_a_mark_given_by_hand_is_a_step_and_changes_the_total(graded):
    attempt, questions, teacher = graded
    response = response_override_mark(
        attempt_id=attempt.pk,
        question_id=questions[1].pk,
        actor=teacher,
        mark="0.5",
        comment="Half right: the year is in the passage.",
    )
    assert (response.score, response.state, response.fraction) == (
        Decimal("0.50"),
        "partial",
        Decimal("0.5"),
    )
    attempt.refresh_from_db()
    assert attempt.score == Decimal("1.50")
    kinds = list(response.steps.values_list("kind", flat=True))
    assert kinds == ["save", "submit", "manual_grade"]
    step = response.steps.get(kind="manual_grade")
    assert step.actor == teacher and step.data == {
        "comment": "Half right: the year is in the passage.",
        "mark": "0.50",
        "old_mark": "0.00",
    }


def test_a_comment_alone_keeps_the_mark(graded):
    attempt, questions, teacher = graded
    response_override_mark(
        attempt_id=attempt.pk, question_id=questions[0].pk, actor=teacher, mark=None, comment="Good"
    )
    step = ResponseStep.objects.get(kind="comment")
    assert step.data == {"comment": "Good"} and step.fraction == Decimal(1)
    attempt.refresh_from_db()
    assert attempt.score == 1


def test_the_attempts_grade_given_by_hand_replaces_the_sum_until_withdrawn(graded):
    attempt, questions, teacher = graded
    attempt_override_grade(attempt_id=attempt.pk, actor=teacher, score="2", comment="Bonus")
    attempt.refresh_from_db()
    assert attempt.score == 2
    # A question's mark changed later does not move a grade given by hand...
    response_override_mark(
        attempt_id=attempt.pk, question_id=questions[1].pk, actor=teacher, mark="1"
    )
    attempt.refresh_from_db()
    assert attempt.score == 2
    # ...until it is withdrawn: then the marks count again (1 + 1).
    attempt_override_grade(attempt_id=attempt.pk, actor=teacher, score=None, comment="")
    attempt.refresh_from_db()
    assert attempt.score == 2
    rows = list(AttemptGradeOverride.objects.values_list("score", "previous_score"))
    assert rows == [(Decimal(2), Decimal(1)), (None, Decimal(2))]


def test_withdrawing_the_sum_of_the_marks_gives_back_their_total(graded):
    attempt, _questions, teacher = graded
    attempt_override_grade(attempt_id=attempt.pk, actor=teacher, score="0", comment="Copied")
    attempt.refresh_from_db()
    assert attempt.score == 0
    attempt_override_grade(attempt_id=attempt.pk, actor=teacher, score=None)
    attempt.refresh_from_db()
    assert attempt.score == 1


@pytest.mark.parametrize(
    ("mark", "code"),
    [
        ("1.01", "invalid_mark"),
        ("-0.5", "invalid_mark"),
        ("0.333", "invalid_mark"),
        ("NaN", "invalid_mark"),
        ("Infinity", "invalid_mark"),
        ("1e999999999", "invalid_mark"),
        ("a half", "invalid_mark"),
        (None, "nothing_given"),
    ],
)
def test_a_bad_mark_is_refused_and_changes_nothing(graded, mark, code):
    attempt, questions, teacher = graded
    steps = ResponseStep.objects.count()
    with pytest.raises(OverrideRefused) as refused:
        response_override_mark(
            attempt_id=attempt.pk, question_id=questions[1].pk, actor=teacher, mark=mark
        )
    assert refused.value.code == code
    attempt.refresh_from_db()
    assert attempt.score == 1 and ResponseStep.objects.count() == steps


def test_a_grade_above_the_maximum_or_with_nothing_to_withdraw_is_refused(graded):
    attempt, _questions, teacher = graded
    with pytest.raises(OverrideRefused) as above:
        attempt_override_grade(attempt_id=attempt.pk, actor=teacher, score="2.5")
    with pytest.raises(OverrideRefused) as nothing:
        attempt_override_grade(attempt_id=attempt.pk, actor=teacher, score=None)
    assert (above.value.code, nothing.value.code) == ("invalid_mark", "nothing_given")
    assert not AttemptGradeOverride.objects.exists()


def test_a_comment_too_long_or_with_nul_is_refused(graded):
    attempt, questions, teacher = graded
    for comment in ("x" * 2001, "a\x00b"):
        with pytest.raises(OverrideRefused):
            response_override_mark(
                attempt_id=attempt.pk,
                question_id=questions[0].pk,
                actor=teacher,
                mark=None,
                comment=comment,
            )
    assert not ResponseStep.objects.filter(kind="comment").exists()


def test_a_question_not_in_the_attempt_is_refused(graded):
    attempt, _questions, teacher = graded
    with pytest.raises(OverrideRefused) as refused:
        response_override_mark(
            attempt_id=attempt.pk, question_id=make_question().pk, actor=teacher, mark="1"
        )
    assert refused.value.code == "unknown_question"


def test_an_open_attempt_cannot_be_graded_by_hand():
    course = CourseFactory()
    question = make_question()
    attempt = attempt_start(
        quiz=fixed_quiz([question], course=course), user=enrol(course), course=course
    )
    teacher = enrol(course, role="instructor")
    with pytest.raises(OverrideRefused) as refused:
        response_override_mark(
            attempt_id=attempt.pk, question_id=question.pk, actor=teacher, mark="1"
        )
    assert refused.value.code == "attempt_open"
    with pytest.raises(OverrideRefused):
        attempt_override_grade(attempt_id=attempt.pk, actor=teacher, score="1")


def test_only_the_courses_teachers_and_site_admins_grade_by_hand(graded):
    attempt, questions, _teacher = graded
    other_teacher = enrol(CourseFactory(), role="instructor")
    for outsider in (attempt.user, enrol(attempt.course), other_teacher):
        with pytest.raises(OverrideNotAllowed):
            response_override_mark(
                attempt_id=attempt.pk, question_id=questions[1].pk, actor=outsider, mark="1"
            )
        with pytest.raises(OverrideNotAllowed):
            attempt_override_grade(attempt_id=attempt.pk, actor=outsider, score="2")
    attempt.refresh_from_db()
    assert attempt.score == 1 and not ResponseStep.objects.filter(kind="manual_grade").exists()
    admin = UserFactory(username="root", is_superuser=True)
    attempt_override_grade(attempt_id=attempt.pk, actor=admin, score="2")
    attempt.refresh_from_db()
    assert attempt.score == 2


def test_an_unknown_attempt_is_not_found(graded):
    _attempt, _questions, teacher = graded
    with pytest.raises(AttemptNotFound):
        attempt_override_grade(attempt_id=987654, actor=teacher, score="1")


def test_an_unmarked_question_takes_a_comment_but_no_mark_by_hand(graded):
    """Practice asks an exam's question unmarked (a mark of 0): a mark given by hand would be
    a fraction of nothing, so it is refused, and a comment is still taken."""
    attempt, questions, teacher = graded
    response = attempt.responses.get(question=questions[1])
    type(response).objects.filter(pk=response.pk).update(max_mark=0, score=0)
    with pytest.raises(OverrideRefused) as refused:
        response_override_mark(
            attempt_id=attempt.pk, question_id=questions[1].pk, actor=teacher, mark="0"
        )
    assert refused.value.code == "unmarked_question"
    assert not ResponseStep.objects.filter(response=response, kind="manual_grade").exists()
    commented = response_override_mark(
        attempt_id=attempt.pk,
        question_id=questions[1].pk,
        actor=teacher,
        mark=None,
        comment="See p. 3.",
    )
    assert commented.max_mark == 0
