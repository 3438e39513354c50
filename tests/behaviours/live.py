"""Driving the real services with a sequence of learner actions, for replay-equals-live tests."""

from __future__ import annotations

import contextlib
from typing import Any

from hypothesis import strategies as st

from quizzes import behaviours
from quizzes.errors import InvalidAnswer
from quizzes.models import Question, Quiz, Response
from quizzes.services.attempts import answer_check, answers_save, attempt_start, attempt_submit
from tests.factories import enrol, fixed_quiz, make_question

from .steps import CHOICES

# What a learner may pick, by choice texts: nothing, partly right, right, wrong.
PICKS = [(), ("Tallinn",), ("Tartu",), ("Tallinn", "Tartu"), ("Narva",), ("Tallinn", "Riga")]
ACTIONS = st.lists(
    st.tuples(st.sampled_from(["save", "check", "flag"]), st.sampled_from(PICKS)), max_size=7
)


def practice_setting(course: Any, mode: str) -> tuple[Quiz, Question]:
    """A quiz of the given mode on one multiple-response question no graded quiz protects."""
    question = make_question(qtype="multiple_response", data=CHOICES)
    return fixed_quiz([question], article=course.article, mode=mode), question


def answer_of(question: Question, texts: tuple[str, ...]) -> dict[str, Any] | None:
    keys = {c["text"]: c["key"] for c in question.current_version.payload["choices"]}
    return {"choices": [keys[t] for t in texts]} if texts else None


def play(course: Any, quiz: Quiz, question: Question, actions: list[tuple[str, tuple]]):
    """A new learner takes the quiz doing `actions` (refused ones are skipped, as a learner
    would be told), then submits; returns the submitted response."""
    learner = enrol(course)
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    flagged = False
    for action, texts in actions:
        answer = answer_of(question, texts)
        if action == "flag":
            flagged = not flagged
            answers_save(
                attempt_id=attempt.pk, user=learner, answers={}, flags={question.pk: flagged}
            )
        elif action == "save":
            answers_save(attempt_id=attempt.pk, user=learner, answers={question.pk: answer})
        else:
            with contextlib.suppress(InvalidAnswer):
                answer_check(
                    attempt_id=attempt.pk, user=learner, question_id=question.pk, raw=answer
                )
    attempt_submit(attempt_id=attempt.pk, user=learner)
    return Response.objects.select_related("question_version").get(attempt=attempt)


def replayed(quiz: Quiz, response: Response) -> behaviours.Replayed:
    """The response's stored steps replayed through the quiz's behaviour, same version."""
    steps = list(response.steps.order_by("seq"))
    return behaviours.for_quiz(quiz).replay(steps, response.question_version)
