"""answers_save, answer_check, attempt_submit and overdue attempts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from quizzes import clock
from quizzes.errors import AttemptClosed, AttemptNotFound, InvalidAnswer, UnknownQuestion
from quizzes.models import Attempt, Question, ResponseStep
from quizzes.services.attempts import (
    answer_check,
    answers_save,
    attempt_start,
    attempt_submit,
    attempts_close_overdue,
)
from tests.factories import (
    UserFactory,
    course_with_learner,
    fixed_quiz,
    key_answer,
    make_question,
    wrong_answer,
)

pytestmark = pytest.mark.django_db
KEYS = ["introduction-01", "law-enforcement-abuse-05", "womens-rights-02"]


@pytest.fixture
def started():
    course, learner = course_with_learner()
    questions = [Question.objects.get(key=k) for k in KEYS]
    quiz = fixed_quiz(questions, article=course.article, mode="graded", time_limit_minutes=30)
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    return attempt, learner, questions


def test_saving_an_answer_records_a_step_and_marks_it_answered(started):
    attempt, learner, questions = started
    version = questions[0].current_version
    result = answers_save(
        attempt_id=attempt.pk, user=learner, answers={questions[0].pk: key_answer(version)}
    )
    assert result.errors == {}
    response = attempt.responses.get(question=questions[0])
    assert response.state == "answered" and response.answer == key_answer(version)
    assert response.fraction is None
    assert list(response.steps.values_list("seq", "kind")) == [(1, "save")]


def test_saving_the_same_answer_again_writes_nothing(started):
    attempt, learner, questions = started
    answer = {questions[0].pk: key_answer(questions[0].current_version)}
    answers_save(attempt_id=attempt.pk, user=learner, answers=answer)
    answers_save(attempt_id=attempt.pk, user=learner, answers=answer)
    assert ResponseStep.objects.filter(response__attempt=attempt).count() == 1


def test_a_malformed_answer_is_reported_and_changes_nothing(started):
    attempt, learner, questions = started
    result = answers_save(
        attempt_id=attempt.pk,
        user=learner,
        answers={questions[0].pk: {"choice": "not-a-key"}, questions[1].pk: {"value": "2002"}},
    )
    assert "Choose one of" in result.messages[questions[0].pk]
    assert attempt.responses.get(question=questions[0]).answer is None
    assert attempt.responses.get(question=questions[1]).answer == {"value": "2002"}


def test_an_unknown_question_is_rejected_and_nothing_is_saved(started):
    attempt, learner, questions = started
    other = Question.objects.get(key="the-way-forward-01")
    with pytest.raises(UnknownQuestion):
        answers_save(
            attempt_id=attempt.pk,
            user=learner,
            answers={
                questions[1].pk: {"value": 1},
                other.pk: {"choice": "x"},
            },
        )
    assert not ResponseStep.objects.filter(response__attempt=attempt).exists()


def test_another_learners_attempt_is_not_found(started):
    attempt, _, questions = started
    with pytest.raises(AttemptNotFound):
        answers_save(attempt_id=attempt.pk, user=UserFactory(), answers={questions[0].pk: {}})
    with pytest.raises(AttemptNotFound):
        attempt_submit(attempt_id=attempt.pk, user=UserFactory())


def test_a_blank_answer_clears_the_response(started):
    attempt, learner, questions = started
    answers_save(attempt_id=attempt.pk, user=learner, answers={questions[1].pk: {"value": "12"}})
    answers_save(attempt_id=attempt.pk, user=learner, answers={questions[1].pk: {"value": None}})
    response = attempt.responses.get(question=questions[1])
    assert response.answer is None and response.state == "unanswered"


def test_submit_grades_once_and_submitting_again_returns_the_same_result(started):
    attempt, learner, questions = started
    answers_save(
        attempt_id=attempt.pk,
        user=learner,
        answers={
            questions[0].pk: key_answer(questions[0].current_version),
            questions[1].pk: wrong_answer(questions[1].current_version),
        },
    )
    first = attempt_submit(attempt_id=attempt.pk, user=learner)
    assert (first.state, first.score, first.max_score, first.percent) == (
        "submitted",
        Decimal(1),
        Decimal(3),
        Decimal("33.33"),
    )
    states = dict(first.responses.values_list("question__key", "state"))
    assert states == {KEYS[0]: "correct", KEYS[1]: "wrong", KEYS[2]: "gave_up"}
    steps = ResponseStep.objects.filter(response__attempt=attempt, kind="submit").count()
    again = attempt_submit(attempt_id=attempt.pk, user=learner)
    assert (again.score, again.submitted_at) == (first.score, first.submitted_at)
    assert (
        ResponseStep.objects.filter(response__attempt=attempt, kind="submit").count() == steps == 3
    )


def test_no_answer_can_change_after_submission(started):
    attempt, learner, questions = started
    attempt_submit(attempt_id=attempt.pk, user=learner)
    with pytest.raises(AttemptClosed):
        answers_save(
            attempt_id=attempt.pk, user=learner, answers={questions[0].pk: {"choice": None}}
        )


def test_an_answer_after_the_deadline_is_refused_and_the_attempt_is_submitted_with_what_was_saved(
    started, monkeypatch
):
    attempt, learner, questions = started
    answers_save(
        attempt_id=attempt.pk,
        user=learner,
        answers={questions[0].pk: key_answer(questions[0].current_version)},
    )
    later = attempt.deadline + timedelta(seconds=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    with pytest.raises(AttemptClosed) as error:
        answers_save(
            attempt_id=attempt.pk, user=learner, answers={questions[1].pk: {"value": "100"}}
        )
    assert error.value.code == "time_up"
    attempt.refresh_from_db()
    assert attempt.state == "submitted" and attempt.submitted_at == attempt.deadline
    assert attempt.score == 1
    assert attempt.responses.get(question=questions[1]).answer is None


def test_close_overdue_attempts_submits_abandoned_attempts(started, monkeypatch, capsys):
    attempt, learner, questions = started
    answers_save(
        attempt_id=attempt.pk,
        user=learner,
        answers={questions[0].pk: key_answer(questions[0].current_version)},
    )
    assert attempts_close_overdue() == 0
    monkeypatch.setattr(clock, "now", lambda: attempt.deadline + timedelta(minutes=5))
    call_command("close_overdue_attempts")
    assert "Closed 1 overdue attempt." in capsys.readouterr().out
    attempt.refresh_from_db()
    assert attempt.state == "submitted" and attempt.score == 1
    assert attempts_close_overdue() == 0


@pytest.fixture
def practice():
    """A practice attempt at one question that no graded quiz protects (its own section)."""
    course, learner = course_with_learner()
    question = make_question()
    quiz = fixed_quiz([question], article=course.article, mode="practice")
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    return attempt, learner, question


def test_practice_check_gives_feedback_and_another_try_with_a_penalty(practice):
    attempt, learner, question = practice
    version = question.current_version
    wrong = answer_check(
        attempt_id=attempt.pk, user=learner, question_id=question.pk, raw=wrong_answer(version)
    )
    assert wrong.response.state == "wrong" and wrong.grade.fraction == 0
    right = answer_check(
        attempt_id=attempt.pk, user=learner, question_id=question.pk, raw=key_answer(version)
    )
    assert right.response.state == "correct"
    assert right.response.fraction == Decimal("0.66667") and right.wrong_tries_before == 1
    late = answers_save(
        attempt_id=attempt.pk, user=learner, answers={question.pk: wrong_answer(version)}
    )
    assert late.messages == {question.pk: "You have already answered this question correctly."}
    with pytest.raises(InvalidAnswer) as error:
        answer_check(
            attempt_id=attempt.pk, user=learner, question_id=question.pk, raw=wrong_answer(version)
        )
    assert error.value.code == "already_correct"
    submitted = attempt_submit(attempt_id=attempt.pk, user=learner)
    assert submitted.score == Decimal("0.67")


def test_checking_is_refused_in_graded_quizzes(started):
    attempt, learner, questions = started
    with pytest.raises(InvalidAnswer) as error:
        answer_check(
            attempt_id=attempt.pk,
            user=learner,
            question_id=questions[0].pk,
            raw=key_answer(questions[0].current_version),
        )
    assert error.value.code == "practice_only"
    assert Attempt.objects.get(pk=attempt.pk).responses.get(question=questions[0]).answer is None


def test_practice_penalty_survives_save_then_submit(practice):
    attempt, learner, question = practice
    version = question.current_version
    for _ in range(2):
        answer_check(
            attempt_id=attempt.pk, user=learner, question_id=question.pk, raw=wrong_answer(version)
        )
    # The right answer, saved without a check: two wrong tries still cost two thirds.
    answers_save(attempt_id=attempt.pk, user=learner, answers={question.pk: key_answer(version)})
    submitted = attempt_submit(attempt_id=attempt.pk, user=learner)
    assert submitted.score == Decimal("0.33")
    response = submitted.responses.get()
    assert (response.state, response.fraction) == ("correct", Decimal("0.33333"))


def test_a_practice_answer_saved_without_any_check_gets_full_marks(practice):
    attempt, learner, question = practice
    version = question.current_version
    answers_save(attempt_id=attempt.pk, user=learner, answers={question.pk: key_answer(version)})
    assert attempt_submit(attempt_id=attempt.pk, user=learner).score == Decimal(1)


def test_flagging_after_a_correct_practice_check_is_allowed(practice):
    attempt, learner, question = practice
    version = question.current_version
    answer_check(
        attempt_id=attempt.pk, user=learner, question_id=question.pk, raw=key_answer(version)
    )
    result = answers_save(
        attempt_id=attempt.pk,
        user=learner,
        answers={question.pk: key_answer(version)},
        flags={question.pk: True},
    )
    assert result.errors == {}
    response = attempt.responses.get()
    assert response.is_flagged and response.state == "correct"
    only_flag = answers_save(
        attempt_id=attempt.pk, user=learner, answers={}, flags={question.pk: False}
    )
    assert only_flag.errors == {} and not attempt.responses.get().is_flagged
    changed = answers_save(
        attempt_id=attempt.pk, user=learner, answers={question.pk: wrong_answer(version)}
    )
    assert changed.errors[question.pk].code == "already_correct"


def test_an_invalid_answer_leaves_the_flag_as_it_was(started):
    attempt, learner, questions = started
    result = answers_save(
        attempt_id=attempt.pk,
        user=learner,
        answers={questions[0].pk: {"choice": "not-a-key"}},
        flags={questions[0].pk: True},
    )
    assert questions[0].pk in result.errors
    assert not attempt.responses.get(question=questions[0]).is_flagged


@pytest.mark.parametrize("raw", [{"x": None}, {"unknown": None}, {"choice": None, "x": 1}])
def test_unknown_answer_fields_never_wipe_a_saved_answer(started, raw):
    attempt, learner, questions = started
    answer = key_answer(questions[0].current_version)
    answers_save(attempt_id=attempt.pk, user=learner, answers={questions[0].pk: answer})
    result = answers_save(attempt_id=attempt.pk, user=learner, answers={questions[0].pk: raw})
    assert "Unknown field" in result.messages[questions[0].pk]
    assert attempt.responses.get(question=questions[0]).answer == answer


def test_a_partial_answer_is_kept_and_graded_but_not_counted_as_answered():
    course, learner = course_with_learner()
    question = make_question(
        qtype="matching",
        data={
            "pairs": [
                {"left": "A", "right": "1"},
                {"left": "B", "right": "2"},
                {"left": "C", "right": "3"},
            ]
        },
    )
    quiz = fixed_quiz([question], article=course.article)
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    lefts = question.current_version.payload["lefts"]
    partial = {"pairs": {lefts[0]["key"]: lefts[0]["match"]}}
    answers_save(attempt_id=attempt.pk, user=learner, answers={question.pk: partial})
    response = attempt.responses.get()
    assert response.answer == partial and response.state == "unanswered"
    graded = attempt_submit(attempt_id=attempt.pk, user=learner).responses.get()
    assert (graded.state, graded.fraction) == ("partial", Decimal("0.33333"))
