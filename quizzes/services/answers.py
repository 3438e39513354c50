"""Saving answers to an open attempt: the hot path of an exam.

On PostgreSQL a question's first answer in an attempt, most of an exam's saves, is one
statement with no read (`_first_answer_saved`, services/first_answer.py). Any other save is one
read and one write. The read fetches the responses asked for with everything
the rules need (owner, state and deadline of the attempt, the version to normalise against,
the last step, the learner's recent writes). The write is one INSERT of the new steps that
takes effect only while the attempt is still open and before its deadline, so it needs no lock
round trip of its own: on PostgreSQL it holds the attempt row FOR SHARE (a submission, which
locks it FOR UPDATE, waits for it or makes it wait), on SQLite the statement holds the write
lock. Steps stay append-only; the (response, seq) unique constraint refuses two saves of one
question at the same moment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .. import behaviours, clock
from ..errors import (
    AttemptClosed,
    AttemptNotFound,
    InvalidAnswer,
    SaveConflict,
    TooManyWrites,
    UnknownQuestion,
)
from ..models import (
    Attempt,
    AttemptState,
    Response,
    ResponseState,
    ResponseStep,
    StepKind,
)
from ..qtypes import InvalidResponse, registry
from ..selectors.delivery import as_live
from ..selectors.response_rows import responses_to_save
from ..selectors.version_store import note_versions_in_use, version_in_use, versions_by_id
from .first_answer import first_step_written, note_saved, one_statement_saves, saved_before
from .submission import attempt_finalize_if_overdue, is_overdue

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def write_limit() -> tuple[int, int]:
    """The learner's write limit as (writes, seconds), from ATTEMPT_WRITE_RATE ("300/minute")."""
    count, _, period = settings.ATTEMPT_WRITE_RATE.partition("/")
    return int(count), PERIODS[period.strip()[:1]]


@dataclass(frozen=True)
class SaveResult:
    """What saving answers did: the responses saved and, per question id, why one was not."""

    saved: list[Response]
    errors: dict[int, InvalidAnswer]

    @property
    def messages(self) -> dict[int, str]:
        """The errors as messages for the learner, per question id."""
        return {question_id: error.message for question_id, error in self.errors.items()}


def answers_save(
    *,
    attempt_id: int,
    user: AbstractBaseUser,
    answers: Mapping[int, Any],
    flags: Mapping[int, bool] | None = None,
    retry: bool = True,
) -> SaveResult:
    """Save answers (question id → raw answer) and flags; each change is a new SAVE step.

    `None` or an answer that gives nothing clears the response. An invalid answer is reported
    and leaves its response, flag included, as it was; the others are saved. Saving the same
    answer and flag again writes nothing. Of two saves of a question at the same moment the
    later one is applied on top of the earlier (`retry`).
    """
    flags = flags or {}
    wanted = set(answers) | set(flags)
    if not wanted:
        if not Attempt.objects.filter(pk=attempt_id, user=user).exists():
            raise AttemptNotFound()
        return SaveResult(saved=[], errors={})
    now = timezone.now()
    first = _first_answer_saved(attempt_id, user, answers, flags, now)
    if first is not None:
        return SaveResult(saved=[first], errors={})
    responses = _responses_to_save(attempt_id, user, wanted, now)
    if not responses:
        _refuse_missing(attempt_id, user)
    attempt = responses[0].attempt
    ensure_open(attempt)
    if one_statement_saves():
        note_versions_in_use((r.question_id, r.question_version_id) for r in responses)
    unknown = wanted - {r.question_id for r in responses}
    if unknown:
        # The message already says it is not part of the attempt; the detail says which.
        raise UnknownQuestion(f"(Question {min(unknown)}.)")
    limit, period = write_limit()
    if responses[0].recent_writes >= limit:
        raise TooManyWrites(retry_after=period)
    saved, errors, steps = [], {}, []
    for response in responses:
        try:
            step = _save_step(attempt, response, answers, flags, now)
        except InvalidAnswer as exc:
            errors[response.question_id] = exc
            continue
        if step is not None:
            steps.append(step)
        saved.append(response)
    if steps and not _append_while_open(attempt, steps):
        # Submitted or out of time between the read and the write (refused), or another save
        # of the same question came first: read again and save on top of it, once.
        attempt.refresh_from_db()
        ensure_open(attempt)
        if not retry:
            raise SaveConflict()
        return answers_save(
            attempt_id=attempt_id, user=user, answers=answers, flags=flags, retry=False
        )
    if one_statement_saves():
        note_saved(attempt_id, (r.question_id for r in saved))
    return SaveResult(saved=saved, errors=errors)


def _responses_to_save(
    attempt_id: int, user: AbstractBaseUser, question_ids: set[int], now: datetime
) -> list[Response]:
    """The user's responses asked for, as they stand, with their attempt, quiz, version, last
    step and the attempt's writes within the write limit's period (one query)."""
    _, period = write_limit()
    responses = responses_to_save(
        attempt_id=attempt_id,
        user_id=user.pk,
        question_ids=question_ids,
        writes_since=now - timedelta(seconds=period),
    )
    return [as_live(response) for response in responses]


def _first_answer_saved(
    attempt_id: int,
    user: AbstractBaseUser,
    answers: Mapping[int, Any],
    flags: Mapping[int, bool],
    now: datetime,
) -> Response | None:
    """The first answer to a question of an open attempt, saved in one statement without
    reading the response first; None when this is not such a save or the database says
    otherwise, and the full save (a read, then a write) decides.

    A question's first answer is most of an exam's saves, and nothing of it needs reading: the
    response is as the start left it (unanswered, unflagged, no step). What the write needs
    from outside the request, the question's version (to read the answer and tell its state),
    is the one this process saw new attempts get (`version_in_use`); the statement writes only
    where the database agrees with every assumption: that version, the response untouched,
    the attempt the user's, open and within its time, and the write limit not reached.
    Anything else writes nothing, so a stale hint costs a statement and never a wrong save.

    PostgreSQL only: there it saves a round trip (a wake-up of the worker and the database
    process each). On SQLite a statement costs no trip, and the read it would fold in runs
    outside the write lock when it is a statement of its own, which keeps the lock held less.
    """
    if not one_statement_saves():
        return None
    if len(answers) != 1 or not set(flags) <= set(answers):
        return None
    ((question_id, raw),) = answers.items()
    if saved_before(attempt_id, question_id):
        return None
    version_id = version_in_use(question_id)
    version = versions_by_id([version_id]).get(version_id) if version_id else None
    if version is None:
        return None
    try:
        answer = registry.get(version.qtype).read_answer(version.payload, raw)
    except InvalidResponse:
        return None  # told against the response's own version, by the full save
    flagged = bool(flags.get(question_id, False))
    if answer is None and not flagged:
        return None  # nothing changes: the full save says so
    response = Response(
        attempt_id=attempt_id,
        question_id=question_id,
        question_version=version,
        answer=answer,
        is_flagged=flagged,
        state=ResponseState.of_saved_answer(version, answer),
    )
    response.last_seq = None  # no step yet: the statement checks it
    step = save_step(response, now)
    limit, period = write_limit()
    try:
        written = first_step_written(
            step,
            user_id=user.pk,
            attempt_id=attempt_id,
            question_id=question_id,
            version_id=version.pk,
            writes_since=now - timedelta(seconds=period),
            write_limit=limit,
        )
    except IntegrityError:
        # Another first save of this question committed while this one waited (PostgreSQL):
        # the full save reads it and saves this answer on top, as `_append_while_open` does.
        if connection.in_atomic_block:
            raise SaveConflict() from None  # the failed statement ended the caller's transaction
        return None
    if not written:
        return None
    note_saved(attempt_id, [question_id])
    return response


def _refuse_missing(attempt_id: int, user: AbstractBaseUser) -> None:
    """No response came back: another's (or no) attempt is 404, else the question is unknown."""
    if not Attempt.objects.filter(pk=attempt_id, user=user).exists():
        raise AttemptNotFound()
    raise UnknownQuestion()


def ensure_open(attempt: Attempt) -> None:
    """AttemptClosed unless the attempt takes answers; an overdue one is submitted first (in
    its own transaction), with the answers saved before its deadline."""
    if attempt.state == AttemptState.IN_PROGRESS and not is_overdue(attempt):
        return
    attempt_finalize_if_overdue(attempt=attempt)
    timed_out = attempt.deadline is not None and attempt.submitted_at == attempt.deadline
    raise AttemptClosed(code="time_up" if timed_out else None)


def read_answer(response: Response, raw: Any) -> dict[str, Any] | None:
    """The answer as stored (None: no answer), or InvalidAnswer saying what is wrong."""
    version = response.question_version
    try:
        return registry.get(version.qtype).read_answer(version.payload, raw)
    except InvalidResponse as exc:
        raise InvalidAnswer(str(exc)) from None


def answered_state(response: Response, answer: dict[str, Any] | None) -> ResponseState:
    """Answered only when the answer is complete for its type; a partial one is kept as
    partially answered, not counted as answered (a matching with some pairs left open)."""
    return ResponseState.of_saved_answer(response.question_version, answer)


def _save_step(
    attempt: Attempt,
    response: Response,
    answers: Mapping[int, Any],
    flags: Mapping[int, bool],
    now: datetime,
) -> ResponseStep | None:
    """The step recording this response's new answer and flag (None: nothing changed); the
    response is updated in memory to what the step says."""
    question_id = response.question_id
    answer, state = response.answer, response.state
    if question_id in answers:
        new = read_answer(response, answers[question_id])
        if new != answer:
            refusal = behaviours.for_quiz(attempt.quiz).refuses_change(state)
            if refusal:
                raise InvalidAnswer(code=refusal)
            answer, state = new, answered_state(response, new)
    flagged = bool(flags[question_id]) if question_id in flags else response.is_flagged
    if (answer, flagged) == (response.answer, response.is_flagged):
        return None
    response.answer, response.is_flagged = answer, flagged
    if state != response.state:
        response.state, response.fraction, response.score = state, None, None
    return save_step(response, now)


def save_step(response: Response, now: datetime) -> ResponseStep:
    """A SAVE step holding the response's answer, flag and state as they are in memory."""
    return ResponseStep(
        response=response,
        seq=(response.last_seq or 0) + 1,
        kind=StepKind.SAVE,
        data={"answer": response.answer, "flagged": response.is_flagged},
        state=response.state,
        created_at=now,
    )


def _append_while_open(attempt: Attempt, steps: list[ResponseStep]) -> bool:
    """Append the steps if the attempt is still open and within its time; False if not, or if
    another save of one of these questions took the step's number first (the caller reads
    again and saves on top)."""
    try:
        if len(steps) == 1:
            return _insert_step_while_open(attempt, steps[0]) == 1
        with transaction.atomic():
            if not _lock_while_open(attempt):
                return False
            ResponseStep.objects.bulk_create(steps)
        return True
    except IntegrityError:
        # PostgreSQL: the other save committed while this INSERT waited on the unique index
        # (on SQLite the write lock makes the INSERT write nothing instead). A 409 here would
        # make the page reload and show the other save's answer, not this newer one.
        if connection.in_atomic_block:
            raise SaveConflict() from None  # the failed statement ended the caller's transaction
        return False


def _open_condition(attempt: Attempt) -> tuple[str, list[Any]]:
    """SQL (and its parameters) true for the attempt's row while it takes answers."""
    table = connection.ops.quote_name(Attempt._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(clock.now())
    return (
        f"FROM {table} WHERE id = %s AND state = %s AND (deadline IS NULL OR deadline > %s)",
        [attempt.pk, AttemptState.IN_PROGRESS, now],
    )


def _no_later_step() -> str:
    """SQL true while the response has no step at or after the new step's seq: a save that
    came first makes this one write nothing, instead of failing on the unique constraint."""
    quote = connection.ops.quote_name
    table = quote(ResponseStep._meta.db_table)
    return f" AND NOT EXISTS (SELECT 1 FROM {table} WHERE response_id = %s AND seq >= %s)"


def _share_lock() -> str:
    # SQLite has no row locks: its writer holds the database's write lock instead.
    return " FOR SHARE" if connection.vendor == "postgresql" else ""


def _insert_step_while_open(attempt: Attempt, step: ResponseStep) -> int:
    """INSERT … SELECT the step from the attempt's row, so it is written only while the
    attempt is open: one statement, one short transaction. Returns the rows written."""
    meta = ResponseStep._meta
    names = ["response", "seq", "kind", "data", "state", "created_at"]
    fields = [meta.get_field(name) for name in names]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values = [f.get_db_prep_save(getattr(step, f.attname), connection) for f in fields]
    condition, params = _open_condition(attempt)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) "
        f"SELECT {', '.join(['%s'] * len(values))} {condition}{_no_later_step()}{_share_lock()}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, *params, step.response_id, step.seq])
        return cursor.rowcount


def _lock_while_open(attempt: Attempt) -> bool:
    """Hold the attempt's row (FOR SHARE) for this transaction if it is still open."""
    condition, params = _open_condition(attempt)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 {condition}{_share_lock()}", params)
        return cursor.fetchone() is not None
