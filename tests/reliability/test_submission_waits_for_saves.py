"""A submission on PostgreSQL while a save of the same attempt is still open in another
connection: it waits for the save and grades the answer saved, never the one before. The save
holds the attempt's row FOR SHARE and the submission locks it FOR UPDATE, then reads the
responses in its next statement, which sees what committed while it waited (one statement that
both locked and read would keep the answers it saw when it began).

PostgreSQL only (the `postgresql` marker): the suite's SQLite database is in memory, where
connections share one cache and lock tables instead; on SQLite a submission's check under the
write lock catches such a save (tests/services/test_answers_and_submit.py)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connections, transaction

from quizzes.errors import AttemptClosed
from quizzes.services.attempts import answers_save, attempt_start, attempt_submit
from tests.factories import (
    SectionFactory,
    course_with_learner,
    fixed_quiz,
    key_answer,
    make_question,
    wrong_answer,
)

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def one_question_exam():
    """A learner's open attempt at a 30-minute graded quiz of one question (also used by
    test_two_saves_of_one_question.py)."""
    section = SectionFactory()
    course, learner = course_with_learner(article=section.article)
    question = make_question(section, stem="When?")
    quiz = fixed_quiz([question], article=course.article, mode="graded", time_limit_minutes=30)
    return attempt_start(quiz=quiz, user=learner, course=course), learner, question


# A question's first answer is one statement (services/first_answer.py) that holds the
# attempt's row FOR SHARE as the full save does; a changed answer is the full save.
@pytest.mark.parametrize("saved_before", [False, True], ids=["first answer", "changed answer"])
def test_an_answer_committed_while_a_submission_waits_for_it_is_the_one_graded(saved_before):
    attempt, learner, question = one_question_exam()
    version = question.current_version
    if saved_before:
        answers_save(
            attempt_id=attempt.pk, user=learner, answers={question.pk: wrong_answer(version)}
        )
    saved, release = threading.Event(), threading.Event()

    def save_in_another_tab() -> None:
        try:
            with transaction.atomic():
                answers_save(
                    attempt_id=attempt.pk, user=learner, answers={question.pk: key_answer(version)}
                )
                saved.set()
                release.wait(10)
        finally:
            connections.close_all()

    other_tab = threading.Thread(target=save_in_another_tab)
    other_tab.start()
    assert saved.wait(10)
    # The save commits a moment after the submission has begun waiting for it.
    threading.Timer(0.5, release.set).start()
    submitted = attempt_submit(attempt_id=attempt.pk, user=learner)
    other_tab.join(10)

    graded = submitted.responses.get(question=question)
    assert (graded.answer, graded.state, submitted.score) == (
        key_answer(version),
        "correct",
        Decimal(1),
    )


def test_a_first_answer_waiting_for_a_submission_writes_nothing_after_it():
    attempt, learner, question = one_question_exam()
    version = question.current_version
    locked, outcome = threading.Event(), []

    def submit_in_another_tab() -> None:
        try:
            with transaction.atomic():
                attempt_submit(attempt_id=attempt.pk, user=learner)
                locked.set()
                threading.Event().wait(0.5)  # the answer arrives meanwhile, and waits
        finally:
            connections.close_all()

    other_tab = threading.Thread(target=submit_in_another_tab)
    other_tab.start()
    assert locked.wait(10)
    try:
        answers_save(
            attempt_id=attempt.pk, user=learner, answers={question.pk: key_answer(version)}
        )
    except AttemptClosed as closed:
        outcome.append(closed)
    other_tab.join(10)

    assert len(outcome) == 1
    graded = attempt.responses.get(question=question)
    assert (graded.answer, graded.state) == (None, "gave_up")
    assert set(graded.steps.values_list("kind", flat=True)) == {"submit"}
