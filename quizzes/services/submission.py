"""Submitting an attempt: by the learner, or when its time runs out; each response graded once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import partial

from django.contrib.auth.models import AbstractBaseUser
from django.db import connections, router, transaction

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
from ..selectors.exam_protection import attempt_guard
from ..selectors.response_rows import (
    attempt_with_responses,
    open_attempt_responses,
    open_attempt_responses_sent,
    responses_of,
    saved_steps,
    submission_check,
)
from ..signals import attempt_submitted
from .pipelined import pipelined
from .quiz_assembly import NO_MARK
from .quiz_grades import grade_after_submission, stored_grade_for_submission
from .row_writes import insert_new, update_row, update_rows

# The penalty rule belongs to the interactive behaviour; it stays importable from here for the
# modules that word it (practice_wording) and the tests that pin it.
CENT = Decimal("0.01")


def locked_attempt(attempt_id: int, user: AbstractBaseUser) -> Attempt:
    """The user's attempt with its quiz, its row locked until the transaction ends (not the
    quiz's: other learners submit the same quiz at the same time); AttemptNotFound otherwise."""
    return _locked(("quiz",), attempt_id, user.pk)


def _locked_for_submission(attempt_id: int, user_id: int) -> tuple[Attempt, list[Response]]:
    """The user's attempt with its quiz and course, its row locked until the transaction
    ends, and its responses as they stand (their wrong tries when its behaviour counts them);
    AttemptNotFound otherwise. On PostgreSQL the responses' read travels with the lock's, in
    one round trip: it runs once the lock is granted, as a statement of its own, so it sees
    every save that committed while the lock was awaited. The earlier attempts are not read:
    the quiz grade is updated from the stored one (`grade_after_submission`), so a submission
    costs the same after a hundred practice attempts as after one."""
    with pipelined(Attempt):
        locked = _locked_sent(("quiz", "course"), attempt_id, user_id)
        read_responses = open_attempt_responses_sent(attempt_id)
    found, rows = locked(), read_responses()
    attempt = _found(found)
    if behaviours.for_quiz(attempt.quiz).counts_wrong_tries:
        return attempt, _final_responses(attempt, wrong_tries=True)
    return attempt, [as_live(r) for r in responses_of(attempt, rows)]


def _locked(related: tuple[str, ...], attempt_id: int, user_id: int) -> Attempt:
    """The user's attempt with `related`, its row locked (compiled once: every answer check
    and submission reads it)."""
    return _found(_locked_sent(related, attempt_id, user_id)())


def _found(attempts: list[Attempt]) -> Attempt:
    if not attempts:
        raise AttemptNotFound()
    return attempts[0]


def _locked_sent(
    related: tuple[str, ...], attempt_id: int, user_id: int
) -> Callable[[], list[Attempt]]:
    """Send the read of `_locked` and return what fetches it."""
    return prepared.instances_sent(
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


def is_overdue(attempt: Attempt) -> bool:
    """Whether the attempt's time has run out."""
    return attempt.deadline is not None and clock.now() >= attempt.deadline


def attempt_submit(*, attempt_id: int, user: AbstractBaseUser) -> Attempt:
    """Submit and grade an attempt; submitting again returns the same result, graded once.

    On SQLite a transaction holds the whole database's one write lock, which every learner's
    writes wait for: there the attempt, its quiz and course and its responses are read in one
    query and graded before the transaction, which then only checks that nothing changed since
    (the attempt still open, its deadline the same, no answer or flag saved) and writes; a
    change meanwhile (an answer saved from another tab, a deadline moved) means grading again
    under the lock. On PostgreSQL the attempt's row lock holds back only this attempt's saves,
    so grading happens under it (two reads prepared once: cheaper there than the one wide read,
    which PostgreSQL takes longer to plan than to run).
    """
    vendor = connections[router.db_for_write(Attempt)].vendor
    early = _graded_open_attempt(attempt_id, user.pk) if vendor == "sqlite" else None
    with transaction.atomic():
        if early is not None and _unchanged_since_graded(early):
            _close(early, submitted_at=_submitted_at(early.attempt))
            return early.attempt
        attempt, responses = _locked_for_submission(attempt_id, user.pk)
        if attempt.state == AttemptState.IN_PROGRESS:
            _close(_graded(attempt, responses), submitted_at=_submitted_at(attempt))
    return attempt


def _submitted_at(attempt: Attempt) -> datetime:
    """When an attempt submitted now counts as submitted: at its deadline if that has passed."""
    return attempt.deadline if is_overdue(attempt) else clock.now()


def _graded_open_attempt(attempt_id: int, user_id: int) -> Graded | None:
    """The user's open attempt with its responses, read in one query and graded (outside any
    transaction); None when there is no such open attempt with questions."""
    found = attempt_with_responses(attempt_id=attempt_id, user_id=user_id)
    if found is None or found[0].state != AttemptState.IN_PROGRESS:
        return None
    attempt, responses = found
    if not behaviours.for_quiz(attempt.quiz).counts_wrong_tries:
        for response in responses:
            response.wrong_tries = 0
    return _graded(attempt, [as_live(r) for r in responses])


def _unchanged_since_graded(early: Graded) -> bool:
    """Whether, under the write lock, the attempt is still as it was graded: open, with the
    same deadline and no step saved since."""
    found = submission_check(attempt_id=early.attempt.pk, user_id=early.attempt.user_id)
    if found is None:
        return False
    now, steps = found
    return (
        now.state == AttemptState.IN_PROGRESS
        and now.deadline == early.attempt.deadline
        and steps == early.saved_steps
    )


def attempt_finalize_if_overdue(*, attempt: Attempt) -> bool:
    """Submit an open attempt whose time ran out, with its saved answers; True if it did."""
    if attempt.state != AttemptState.IN_PROGRESS or not is_overdue(attempt):
        return False
    with transaction.atomic():
        locked, responses = _locked_for_submission(attempt.pk, attempt.user_id)
        if locked.state != AttemptState.IN_PROGRESS:
            return False
        _close(_graded(locked, responses), submitted_at=locked.deadline)
    attempt.refresh_from_db()
    return True


def attempts_close_overdue() -> int:
    """Finalise every overdue attempt (for a scheduler); returns how many were closed."""
    overdue = Attempt.objects.filter(state=AttemptState.IN_PROGRESS, deadline__lte=clock.now())
    return sum(attempt_finalize_if_overdue(attempt=a) for a in overdue.iterator())


def _final_responses(attempt: Attempt, *, wrong_tries: bool) -> list[Response]:
    """The attempt's responses as they stand, with the wrong tries of each when they count."""
    return [as_live(r) for r in open_attempt_responses(attempt, wrong_tries=wrong_tries)]


def _write_final(responses: list[Response], *, with_max_mark: bool) -> None:
    """One UPDATE of every response's final answer, flag and grade (and maximum mark, when
    submitting unmarked some)."""
    fields = ["answer", "is_flagged", "state", "fraction", "score"]
    update_rows(responses, [*fields, "max_mark"] if with_max_mark else fields)


@dataclass
class Graded:
    """An open attempt's responses graded, with the SUBMIT steps to append, not yet written."""

    attempt: Attempt
    responses: list[Response]
    steps: list[ResponseStep]
    saved_steps: int  # the responses' last step numbers summed, when they were read
    # Some questions became protected during the attempt and are submitted unmarked.
    unmarked: bool = False


def _graded(attempt: Attempt, responses: list[Response]) -> Graded:
    """The attempt's responses (live, with their wrong tries when they count) graded once,
    as each final answer stands.

    The answers and flags saved as steps become the response rows' for good. The quiz's
    behaviour says what each answer is worth: graded now (deferred), or, when it checks
    answers, its checked verdict kept and an unchecked answer graded with the cost of the
    wrong tries before it (`Behaviour.at_submit`).

    A question a graded quiz began protecting during a practice attempt is submitted unmarked
    (its maximum mark, and the attempt's, lose its marks), as a practice attempt started now
    would ask it (`quiz_assembly`): otherwise the total would tell the result its review hides.
    """
    behaviour = behaviours.for_quiz(attempt.quiz)
    withheld = attempt_guard(attempt, clock.now()).withheld
    unmarked = False
    steps = []
    for response in responses:
        if response.max_mark and response.question_id in withheld:
            attempt.max_score -= response.max_mark
            response.max_mark = NO_MARK
            unmarked = True
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
    return Graded(attempt, responses, steps, saved_steps(responses), unmarked)


def _close(graded: Graded, *, submitted_at: datetime) -> None:
    """Write a graded attempt: its responses, their SUBMIT steps, its score and state, and the
    learner's quiz grade (inside the caller's transaction)."""
    attempt, responses = graded.attempt, graded.responses
    attempt.score = min(sum((r.score for r in responses), Decimal(0)), attempt.max_score)
    attempt.state = AttemptState.SUBMITTED
    attempt.submitted_at = submitted_at
    # The three writes need no answer, so on PostgreSQL they travel with the read of the
    # stored grade: one round trip for the four, whose rows are fetched once the block ends.
    with pipelined(Attempt):
        _write_final(responses, with_max_mark=graded.unmarked)
        insert_new(graded.steps, read_keys=False)
        fields = ["score", "state", "submitted_at"]
        update_row(attempt, [*fields, "max_score"] if graded.unmarked else fields)
        stored_grade = stored_grade_for_submission(attempt)
    stored = stored_grade()
    # The learner's quiz grade is stored in this transaction, and its signal lets receivers
    # (the LTI outbox) write in it too: a grade leaves if and only if the submission commits.
    grade_after_submission(attempt=attempt, reason=GradeReason.SUBMIT, stored=stored)
    attempt_submitted.send(sender=Attempt, attempt=attempt)
