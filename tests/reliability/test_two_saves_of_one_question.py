"""Two saves of one question at the same moment on PostgreSQL (two tabs, or a page whose second
save leaves before the first is answered): the one that waited on the step's unique index saves
on top of the other, as docs/api.md promises, instead of a 409 that makes the page reload and
show the other save's answer.

PostgreSQL only (the `postgresql` marker): on SQLite the write lock makes the later INSERT
write nothing, and the save already reads again and saves on top
(tests/services/test_answers_and_submit.py)."""

from __future__ import annotations

import threading

import pytest
from django.db import connections, transaction

from quizzes.models import Response
from quizzes.services.attempts import answers_save
from tests.factories import key_answer, wrong_answer
from tests.reliability.test_submission_waits_for_saves import one_question_exam

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("saved_before", [False, True], ids=["first answer", "changed answer"])
def test_a_save_that_waited_for_another_of_the_same_question_is_saved_on_top(saved_before):
    attempt, learner, question = one_question_exam()
    version = question.current_version
    if saved_before:  # a flag: the response has a step, so the saves below are full saves
        answers_save(attempt_id=attempt.pk, user=learner, answers={}, flags={question.pk: True})
    saved, release = threading.Event(), threading.Event()

    def earlier_save() -> None:
        try:
            with transaction.atomic():
                answers_save(
                    attempt_id=attempt.pk,
                    user=learner,
                    answers={question.pk: wrong_answer(version)},
                )
                saved.set()
                release.wait(10)
        finally:
            connections.close_all()

    other = threading.Thread(target=earlier_save)
    other.start()
    assert saved.wait(10)
    # The earlier save commits while the later one waits on the step's unique index.
    threading.Timer(0.5, release.set).start()
    later = answers_save(
        attempt_id=attempt.pk, user=learner, answers={question.pk: key_answer(version)}
    )
    other.join(10)

    assert [r.question_id for r in later.saved] == [question.pk] and not later.errors
    # Both saves are in the history (the response's answer is its last step), the later on top.
    response = Response.objects.get(attempt=attempt, question=question)
    steps = list(response.steps.order_by("seq").values_list("data", flat=True))
    assert [s["answer"] for s in steps[-2:]] == [wrong_answer(version), key_answer(version)]
