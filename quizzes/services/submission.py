"""Submitting an attempt: by the learner, or when its time runs out; each response graded once."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from .. import behaviours, clock
from ..behaviours import Mark
from ..errors import AttemptNotFound
from ..models import (
    Attempt,
    AttemptState,
    GradeReason,
    Response,
    ResponseState,
    ResponseStep,
    StepKind,
)
from ..qtypes import registry
from ..selectors import prepared
from ..selectors.delivery import as_live
from ..selectors.response_rows import open_attempt_responses
from ..signals import attempt_submitted
from .quiz_grades import grade_after_submission
from .row_writes import insert_new, update_row, update_rows

# The penalty rule belongs to the interactive behaviour; it stays importable from here for the
# modules that word it (practice_wording) and the tests that pin it.
CENT = Decimal("0.01")


def locked_attempt(attempt_id: int, user: AbstractBaseUser) -> Attempt:
    """The user's attempt with its quiz, its row locked until the transaction ends (not the
    quiz's: other learners submit the same quiz at the same time); AttemptNotFound otherwise."""
    return _locked(("quiz",), attempt_id, user.pk)


def _locked_for_submission(attempt_id: int, user_id: int) -> Attempt:
    """The user's attempt with its quiz and course, its row locked until the transaction
    ends; AttemptNotFound otherwise. The earlier attempts are not read: the quiz grade is
    updated from the stored one (`grade_after_submission`), so a submission costs the same
    after a hundred practice attempts as after one."""
    return _locked(("quiz", "course"), attempt_id, user_id)


def _locked(related: tuple[str, ...], attempt_id: int, user_id: int) -> Attempt:
    """The user's attempt with `related`, its row locked (compiled once: every answer check
    and submission reads it)."""
    found = prepared.instances(
        Attempt,
        ("locked-attempt", related),
        lambda attempt_id, user_id: (
            Attempt.objects.select_for_update(of=("self",))
            .select_related(*related)
            .filter(pk=attempt_id, user_id=user_id)
            .order_by()
        ),
        args=(attempt_id, user_id),
    )
    if not found:
        raise AttemptNotFound()
    return found[0]


def is_overdue(attempt: Attempt) -> bool:
    """Whether the attempt's time has run out."""
    return attempt.deadline is not None and clock.now() >= attempt.deadline


def attempt_submit(*, attempt_id: int, user: AbstractBaseUser) -> Attempt:
    """Submit and grade an attempt; submitting again returns the same result, graded once."""
    with transaction.atomic():
        attempt = _locked_for_submission(attempt_id, user.pk)
        if attempt.state == AttemptState.IN_PROGRESS:
            when = attempt.deadline if is_overdue(attempt) else clock.now()
            _grade_and_close(attempt, submitted_at=when)
    return attempt


def attempt_finalize_if_overdue(*, attempt: Attempt) -> bool:
    """Submit an open attempt whose time ran out, with its saved answers; True if it did."""
    if attempt.state != AttemptState.IN_PROGRESS or not is_overdue(attempt):
        return False
    with transaction.atomic():
        locked = _locked_for_submission(attempt.pk, attempt.user_id)
        if locked.state != AttemptState.IN_PROGRESS:
            return False
        _grade_and_close(locked, submitted_at=locked.deadline)
    attempt.refresh_from_db()
    return True


def attempts_close_overdue() -> int:
    """Finalise every overdue attempt (for a scheduler); returns how many were closed."""
    overdue = Attempt.objects.filter(state=AttemptState.IN_PROGRESS, deadline__lte=clock.now())
    return sum(attempt_finalize_if_overdue(attempt=a) for a in overdue.iterator())


def _final_responses(attempt: Attempt, *, wrong_tries: bool) -> list[Response]:
    """The attempt's responses as they stand, with the wrong tries of each when they count."""
    return [as_live(r) for r in open_attempt_responses(attempt, wrong_tries=wrong_tries)]


def _write_final(responses: list[Response]) -> None:
    """One UPDATE of every response's final answer, flag and grade."""
    update_rows(responses, ["answer", "is_flagged", "state", "fraction", "score"])


def _grade_and_close(attempt: Attempt, *, submitted_at) -> None:
    """Grade every response once, append SUBMIT steps, total the score, close the attempt and
    update the learner's quiz grade.

    The answers and flags saved as steps become the response rows' for good. The quiz's
    behaviour says what each answer is worth: graded now (deferred), or, when it checks
    answers, its checked verdict kept and an unchecked answer graded with the cost of the
    wrong tries before it (`Behaviour.at_submit`).
    """
    behaviour = behaviours.for_quiz(attempt.quiz)
    responses = _final_responses(attempt, wrong_tries=behaviour.counts_wrong_tries)
    steps = []
    for response in responses:
        version = response.question_version
        mark = behaviour.at_submit(
            Mark(ResponseState(response.state), response.fraction),
            partial(registry.get(version.qtype).grade, version.payload, response.answer),
            response.wrong_tries,
        )
        response.state, response.fraction = mark.state, mark.fraction
        response.score = (response.max_mark * mark.fraction).quantize(CENT)
        steps.append(
            ResponseStep(
                response=response,
                seq=(response.last_seq or 0) + 1,
                kind=StepKind.SUBMIT,
                data={},
                state=response.state,
                fraction=response.fraction,
            )
        )
    _write_final(responses)
    insert_new(steps)
    attempt.score = min(sum((r.score for r in responses), Decimal(0)), attempt.max_score)
    attempt.state = AttemptState.SUBMITTED
    attempt.submitted_at = submitted_at
    update_row(attempt, ["score", "state", "submitted_at"])
    # The learner's quiz grade is stored in this transaction, and its signal lets receivers
    # (the LTI outbox) write in it too: a grade leaves if and only if the submission commits.
    grade_after_submission(attempt=attempt, reason=GradeReason.SUBMIT)
    attempt_submitted.send(sender=Attempt, attempt=attempt)
