"""The write of a question's first answer in an attempt, and what this process remembers of
the answers it saved (`services.answers` decides when a save is a first answer; PostgreSQL
only, where it saves a round trip).

A first answer is one statement: an INSERT … SELECT of the SAVE step that writes only where the
database agrees with everything the save assumed without reading: the response shows the
version the answer was read against and is as the start left it (unanswered, unflagged, no
step), the attempt is the user's, open and within its time, and the attempt's write limit is
not reached. It holds the attempt's row FOR SHARE, as every save does, so a submission (FOR
UPDATE) and a save never pass each other.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import connection

from .. import clock
from ..models import Attempt, AttemptState, Response, ResponseState, ResponseStep
from ..selectors.sql_rows import quoted

SAVED_HERE_KEPT = 100_000

# The (attempt, question) pairs this process saved an answer to lately: their next save is not
# a first answer, so it goes straight to the full save instead of trying this statement.
_saved_here: OrderedDict[tuple[int, int], None] = OrderedDict()
_saved_here_lock = threading.Lock()


def one_statement_saves() -> bool:
    """Whether a first answer is saved in one statement on this database: on PostgreSQL,
    where that saves a round trip (`services.answers`). Elsewhere nothing here is used, so
    nothing is noted for it either."""
    return connection.vendor == "postgresql"


def first_step_written(
    step: ResponseStep,
    *,
    user_id: int,
    attempt_id: int,
    question_id: int,
    version_id: int,
    writes_since: datetime,
    write_limit: int,
) -> bool:
    """Insert `step` (a SAVE step, seq 1) for the response to `question_id` in the attempt
    if all holds as the module says; whether it was written. IntegrityError when another
    first save of the question committed while this one waited."""
    params = [
        *_prepared(step, ["kind", "data", "state", "created_at"]),
        attempt_id,
        question_id,
        version_id,
        ResponseState.UNANSWERED,
        False,
        user_id,
        AttemptState.IN_PROGRESS,
        connection.ops.adapt_datetimefield_value(clock.now()),
        connection.ops.adapt_datetimefield_value(writes_since),
        write_limit,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_first_step_sql(connection.vendor), params)
        return cursor.rowcount == 1


@functools.lru_cache(maxsize=4)
def _first_step_sql(vendor: str) -> str:
    """The INSERT … SELECT of `first_step_written` (built once: most saves run it)."""
    quote = connection.ops.quote_name
    step, response, attempt = quoted(ResponseStep), quoted(Response), quoted(Attempt)
    names = ["response", "seq", "kind", "data", "state", "created_at"]
    columns = ", ".join(quote(ResponseStep._meta.get_field(n).column) for n in names)
    lock = " FOR SHARE OF a" if vendor == "postgresql" else ""
    return (
        f"INSERT INTO {step} ({columns}) SELECT r.id, 1, %s, %s, %s, %s "
        f"FROM {response} r JOIN {attempt} a ON a.id = r.attempt_id "
        "WHERE r.attempt_id = %s AND r.question_id = %s AND r.question_version_id = %s "
        "AND r.state = %s AND r.is_flagged = %s AND r.answer IS NULL "
        "AND a.user_id = %s AND a.state = %s AND (a.deadline IS NULL OR a.deadline > %s) "
        f"AND NOT EXISTS (SELECT 1 FROM {step} x WHERE x.response_id = r.id) "
        f"AND (SELECT COUNT(*) FROM {step} w JOIN {response} wr ON wr.id = w.response_id "
        f"WHERE wr.attempt_id = a.id AND w.created_at >= %s) < %s{lock}"
    )


def _prepared(step: ResponseStep, names: list[str]) -> list[Any]:
    """The step's values of these fields, prepared for this database."""
    fields = [ResponseStep._meta.get_field(name) for name in names]
    return [f.get_db_prep_save(getattr(step, f.attname), connection) for f in fields]


def saved_before(attempt_id: int, question_id: int) -> bool:
    """Whether this process saved an answer to the question in the attempt lately."""
    with _saved_here_lock:
        return (attempt_id, question_id) in _saved_here


def note_saved(attempt_id: int, question_ids: Iterable[int]) -> None:
    """Remember that answers to these questions of the attempt were saved here."""
    with _saved_here_lock:
        for question_id in question_ids:
            _saved_here[(attempt_id, question_id)] = None
        while len(_saved_here) > SAVED_HERE_KEPT:
            _saved_here.popitem(last=False)


def forget_saved() -> None:
    """Drop what this process saw saved (tests whose database reuses ids after a rollback)."""
    with _saved_here_lock:
        _saved_here.clear()
