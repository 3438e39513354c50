"""answers_save, answer_check, attempt_submit and overdue attempts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from quizzes import clock
from quizzes.errors import (
    AttemptClosed,
    AttemptNotFound,
    InvalidAnswer,
    SaveConflict,
    UnknownQuestion,
)
from quizzes.models import ResponseStep
from quizzes.services.attempts import (
    answer_check,
    answers_save,
    attempt_start,
    attempt_submit,
    attempts_close_overdue,
)
from tests.factories import (
    ArticleFactory,
    SectionFactory,
    UserFactory,
    course_with_learner,
    fixed_quiz,
    key_answer,
    live_response,
    make_question,
    wrong_answer,
)

pytestmark = pytest.mark.django_db


def test_saving_an_answer_records_a_step_and_marks_it_answered(started):
    attempt, learner, questions = started
    version = questions[0].current_version
    result = answers_save(
        attempt_id=attempt.pk, user=learner, answers={questions[0].pk: key_answer(version)}
    )
    assert result.errors == {}
    response = live_response(attempt, questions[0])
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
    assert live_response(attempt, questions[0]).answer is None
    assert live_response(attempt, questions[1]).answer == {"value": "2002"}


def test_an_unknown_question_is_rejected_and_nothing_is_saved(started):
    attempt, learner, questions = started
    other = make_question()  # of no quiz of this attempt
    with pytest.raises(UnknownQuestion) as refused:
        answers_save(
            attempt_id=attempt.pk,
            user=learner,
            answers={
                questions[1].pk: {"value": 1},
                other.pk: {"choice": "x"},
            },
        )
    assert not ResponseStep.objects.filter(response__attempt=attempt).exists()
    assert refused.value.message == (
        f"That question is not part of this attempt. (Question {other.pk}.)"
    )


def test_an_unknown_question_alone_is_refused_with_its_message_said_once(started):
    attempt, learner, _ = started
    other = make_question()
    with pytest.raises(UnknownQuestion) as refused:
        answers_save(attempt_id=attempt.pk, user=learner, answers={other.pk: {"choice": "x"}})
    assert refused.value.message == "That question is not part of this attempt."


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
    response = live_response(attempt, questions[1])
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
    states = dict(first.responses.values_list("question_id", "state"))
    assert states == {
        questions[0].pk: "correct",
        questions[1].pk: "wrong",
        questions[2].pk: "gave_up",
    }
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
    assert live_response(attempt, questions[1]).answer is None


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
    section = SectionFactory()
    course, learner = course_with_learner(article=section.article)
    question = make_question(section)
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
    assert live_response(attempt, questions[0]).answer is None


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
    response = live_response(attempt, question)
    assert response.is_flagged and response.state == "correct"
    only_flag = answers_save(
        attempt_id=attempt.pk, user=learner, answers={}, flags={question.pk: False}
    )
    assert only_flag.errors == {} and not live_response(attempt, question).is_flagged
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
    assert not live_response(attempt, questions[0]).is_flagged


@pytest.mark.parametrize("raw", [{"x": None}, {"unknown": None}, {"choice": None, "x": 1}])
def test_unknown_answer_fields_never_wipe_a_saved_answer(started, raw):
    attempt, learner, questions = started
    answer = key_answer(questions[0].current_version)
    answers_save(attempt_id=attempt.pk, user=learner, answers={questions[0].pk: answer})
    result = answers_save(attempt_id=attempt.pk, user=learner, answers={questions[0].pk: raw})
    assert "Unknown field" in result.messages[questions[0].pk]
    assert live_response(attempt, questions[0]).answer == answer


def test_a_partial_answer_is_kept_graded_and_partially_answered_not_answered():
    section = SectionFactory()
    course, learner = course_with_learner(article=section.article)
    question = make_question(
        section,
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
    response = live_response(attempt, question)
    assert response.answer == partial and response.state == "incomplete"
    full = {"pairs": {left["key"]: left["match"] for left in lefts}}
    answers_save(attempt_id=attempt.pk, user=learner, answers={question.pk: full})
    assert live_response(attempt, question).state == "answered"
    answers_save(attempt_id=attempt.pk, user=learner, answers={question.pk: partial})
    graded = attempt_submit(attempt_id=attempt.pk, user=learner).responses.get()
    assert (graded.state, graded.fraction) == ("partial", Decimal("0.33333"))


def between_read_and_write(monkeypatch, action):
    """Run `action` after a save has read what it goes by and before it writes its step, as
    another request would that commits in between: for a question's first answer that is the
    version this process saw attempts get (`_first_answer_saved`), for any other save its
    responses read from the database."""
    from quizzes.services import answers

    read, hint = answers._responses_to_save, answers.version_in_use
    pending = [action]

    def act():
        while pending:  # once: the action may save too
            pending.pop()()

    def read_then_act(*args):
        responses = read(*args)
        act()
        return responses

    def hint_then_act(question_id):
        version_id = hint(question_id)
        act()
        return version_id

    monkeypatch.setattr(answers, "_responses_to_save", read_then_act)
    monkeypatch.setattr(answers, "version_in_use", hint_then_act)


def test_a_save_racing_a_submission_writes_nothing_after_it(started, monkeypatch):
    attempt, learner, questions = started
    between_read_and_write(monkeypatch, lambda: attempt_submit(attempt_id=attempt.pk, user=learner))
    with pytest.raises(AttemptClosed):
        answers_save(
            attempt_id=attempt.pk,
            user=learner,
            answers={questions[0].pk: key_answer(questions[0].current_version)},
        )
    kinds = set(
        ResponseStep.objects.filter(response__attempt=attempt).values_list("kind", flat=True)
    )
    assert kinds == {"submit"}
    attempt.refresh_from_db()
    assert attempt.score == 0 and attempt.responses.get(question=questions[0]).answer is None


def test_a_save_whose_deadline_passes_before_its_write_is_refused(started, monkeypatch):
    attempt, learner, questions = started
    later = attempt.deadline + timedelta(seconds=1)
    between_read_and_write(monkeypatch, lambda: monkeypatch.setattr(clock, "now", lambda: later))
    with pytest.raises(AttemptClosed) as error:
        answers_save(
            attempt_id=attempt.pk,
            user=learner,
            answers={questions[0].pk: key_answer(questions[0].current_version)},
        )
    assert error.value.code == "time_up"
    attempt.refresh_from_db()
    assert (attempt.state, attempt.submitted_at, attempt.score) == (
        "submitted",
        attempt.deadline,
        0,
    )


def test_of_two_saves_of_one_question_at_once_the_later_is_applied_on_top(started, monkeypatch):
    attempt, learner, questions = started
    question = questions[0]
    version = question.current_version
    rival = wrong_answer(version)
    between_read_and_write(
        monkeypatch,
        lambda: answers_save(attempt_id=attempt.pk, user=learner, answers={question.pk: rival}),
    )
    answers_save(attempt_id=attempt.pk, user=learner, answers={question.pk: key_answer(version)})
    assert live_response(attempt, question).answer == key_answer(version)
    steps = ResponseStep.objects.filter(response__attempt=attempt).order_by("seq")
    assert [(s.seq, s.data["answer"]) for s in steps] == [(1, rival), (2, key_answer(version))]


def test_a_save_that_keeps_losing_the_race_is_refused_not_lost_silently(started, monkeypatch):
    attempt, learner, questions = started
    question = questions[0]
    version = question.current_version
    from quizzes.services import answers

    read = answers._responses_to_save
    rivals = iter([wrong_answer(version), key_answer(version)])

    def read_then_lose(*args):
        responses = read(*args)
        ResponseStep.objects.create(
            response=responses[0],
            seq=(responses[0].last_seq or 0) + 1,
            kind="save",
            data={"answer": next(rivals), "flagged": False},
            state="answered",
        )
        return responses

    monkeypatch.setattr(answers, "_responses_to_save", read_then_lose)
    # The full save's own race (read, then a rival writes, twice); a first answer's is above.
    monkeypatch.setattr(answers, "version_in_use", lambda question_id: None)
    last_wrong = [c["key"] for c in version.payload["choices"] if not c["correct"]][-1]
    with pytest.raises(SaveConflict):
        answers_save(
            attempt_id=attempt.pk, user=learner, answers={question.pk: {"choice": last_wrong}}
        )
    monkeypatch.undo()
    assert live_response(attempt, question).answer == key_answer(version)


def test_flags_and_answers_live_in_the_steps_until_the_submission_writes_them(started):
    attempt, learner, questions = started
    question = questions[0]
    answer = key_answer(question.current_version)
    answers_save(
        attempt_id=attempt.pk,
        user=learner,
        answers={question.pk: answer},
        flags={question.pk: True},
    )
    row = attempt.responses.get(question=question)
    assert (row.answer, row.is_flagged, row.state) == (None, False, "unanswered")
    step = row.steps.get()
    assert (step.kind, step.data, step.state) == (
        "save",
        {"answer": answer, "flagged": True},
        "answered",
    )
    attempt_submit(attempt_id=attempt.pk, user=learner)
    row.refresh_from_db()
    assert (row.answer, row.is_flagged, row.state) == (answer, True, "correct")


def between_grading_and_writing(monkeypatch, action):
    """Run `action` after a submission has read and graded the answers and before it takes
    the write lock (SQLite grades first: services/submission.py), as a request from another
    tab would that commits in between. On PostgreSQL nothing is read before the row lock, so
    the action comes just before the locked read: what it changes must be graded all the same."""
    from quizzes.services import submission

    grade, lock = submission._graded_open_attempt, submission._locked_for_submission
    pending = [action]

    def act():
        while pending:  # once: the action may submit too
            pending.pop()()

    def grade_then_act(*args):
        graded = grade(*args)
        act()
        return graded

    def act_then_lock(*args):
        act()
        return lock(*args)

    monkeypatch.setattr(submission, "_graded_open_attempt", grade_then_act)
    monkeypatch.setattr(submission, "_locked_for_submission", act_then_lock)


def test_an_answer_saved_while_a_submission_grades_is_the_one_graded(started, monkeypatch):
    attempt, learner, questions = started
    first = questions[0]
    answers_save(
        attempt_id=attempt.pk, user=learner, answers={first.pk: wrong_answer(first.current_version)}
    )
    between_grading_and_writing(
        monkeypatch,
        lambda: answers_save(
            attempt_id=attempt.pk,
            user=learner,
            answers={first.pk: key_answer(first.current_version)},
            flags={first.pk: True},
        ),
    )
    submitted = attempt_submit(attempt_id=attempt.pk, user=learner)
    graded = submitted.responses.get(question=first)
    assert (submitted.score, graded.state, graded.is_flagged) == (Decimal(1), "correct", True)
    assert graded.answer == key_answer(first.current_version)
    assert ResponseStep.objects.filter(response__attempt=attempt, kind="submit").count() == 3


def test_a_submission_racing_another_is_graded_once(started, monkeypatch):
    attempt, learner, questions = started
    answers_save(
        attempt_id=attempt.pk,
        user=learner,
        answers={questions[0].pk: key_answer(questions[0].current_version)},
    )
    other_tab = []

    def submit_from_another_tab():
        if not other_tab:  # once: that submission grades first too
            other_tab.append(None)
            other_tab[0] = attempt_submit(attempt_id=attempt.pk, user=learner)

    between_grading_and_writing(monkeypatch, submit_from_another_tab)
    submitted = attempt_submit(attempt_id=attempt.pk, user=learner)
    assert (submitted.score, submitted.submitted_at) == (
        other_tab[0].score,
        other_tab[0].submitted_at,
    )
    assert ResponseStep.objects.filter(response__attempt=attempt, kind="submit").count() == 3


def test_a_deadline_moved_while_a_submission_grades_is_the_one_applied(started, monkeypatch):
    attempt, learner, _questions = started
    # Shortened to a moment after the start (an accommodation withdrawn): already past.
    later = attempt.started_at + timedelta(microseconds=1)
    between_grading_and_writing(
        monkeypatch, lambda: type(attempt).objects.filter(pk=attempt.pk).update(deadline=later)
    )
    submitted = attempt_submit(attempt_id=attempt.pk, user=learner)
    assert submitted.submitted_at == later


def test_a_question_an_exam_begins_protecting_during_practice_is_submitted_unmarked():
    """A graded quiz published while a learner is mid-practice protects one of the practice's
    questions: the review hides that question's result, so the total must not count it either
    (as a practice attempt started after the exam asks it unmarked)."""
    course, learner = course_with_learner(article=ArticleFactory())
    section = SectionFactory(article=course.article)
    free, soon_protected = make_question(section), make_question(section)
    practice = fixed_quiz([free, soon_protected], article=course.article, mode="practice")
    attempt = attempt_start(quiz=practice, user=learner, course=course)
    assert attempt.max_score == Decimal(2)
    answers_save(
        attempt_id=attempt.pk,
        user=learner,
        answers={
            free.pk: wrong_answer(free.current_version),
            soon_protected.pk: key_answer(soon_protected.current_version),
        },
    )
    fixed_quiz([soon_protected], article=course.article, mode="graded")  # key-free by default

    submitted = attempt_submit(attempt_id=attempt.pk, user=learner)

    submitted.refresh_from_db()
    assert (submitted.score, submitted.max_score) == (Decimal(0), Decimal(1))
    marks = dict(submitted.responses.values_list("question_id", "max_mark"))
    assert marks == {free.pk: Decimal(1), soon_protected.pk: Decimal(0)}
    assert submitted.responses.get(question=soon_protected).score == Decimal(0)
