"""Question versions by id, kept in this process once read.

A saved version never changes (`QuestionVersion.save` only inserts; editing a question adds
version n+1), so its row, read once, stays true for as long as the row exists: every start
of an exam draws the same few dozen versions, and reading, decoding and building them again
for each learner cost a start a query and a third of a millisecond (issue #12). What is kept
is the row's values, already converted (the payload decoded); each caller gets a fresh
instance built from them, so nothing one request caches on an instance (a related object)
reaches another. This is a cache of the database, not a state of its own: a server that
never saw a version reads it, and a version deleted with its question is only ever asked
for by an attempt that still points at it, which the database would refuse to delete.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from django.db import router

from ..models import QuestionVersion
from . import prepared
from .sql_rows import instance_of

MAX_KEPT = 4096

_ATTNAMES = tuple(field.attname for field in QuestionVersion._meta.concrete_fields)
_PK = _ATTNAMES.index(QuestionVersion._meta.pk.attname)
_kept: OrderedDict[tuple[str, int], tuple[Any, ...]] = OrderedDict()
# (database, question id) -> the version id new attempts were last seen to get.
_in_use: OrderedDict[tuple[str, int], int] = OrderedDict()
_lock = threading.Lock()


def versions_by_id(ids: Iterable[int]) -> dict[int, QuestionVersion]:
    """The versions with these ids that exist, by id: those kept here without a query, the
    others in one query (then kept)."""
    using = router.db_for_read(QuestionVersion)
    rows: dict[int, tuple[Any, ...]] = {}
    missing: list[int] = []
    with _lock:
        for version_id in dict.fromkeys(ids):
            row = _kept.get((using, version_id))
            if row is None:
                missing.append(version_id)
            else:
                _kept.move_to_end((using, version_id))
                rows[version_id] = row
    if missing:
        read = prepared.values(
            QuestionVersion,
            ("versions by id", len(missing)),
            _by_id_query,
            args=tuple(sorted(missing)),
        )
        with _lock:
            for values in read:
                row = tuple(values)
                rows[row[_PK]] = row
                _kept[(using, row[_PK])] = row
            while len(_kept) > MAX_KEPT:
                _kept.popitem(last=False)
    return {
        version_id: instance_of(QuestionVersion, _ATTNAMES, row, using)
        for version_id, row in rows.items()
    }


def note_versions_in_use(pairs: Iterable[tuple[int, int]]) -> None:
    """Remember, for each (question id, version id), that new attempts get that version of
    the question: a start's picks and an open attempt's responses tell it."""
    using = router.db_for_read(QuestionVersion)
    with _lock:
        for question_id, version_id in pairs:
            _in_use[(using, question_id)] = version_id
            _in_use.move_to_end((using, question_id))
        while len(_in_use) > MAX_KEPT:
            _in_use.popitem(last=False)


def version_in_use(question_id: int) -> int | None:
    """The version of the question this process last saw an attempt get (None: none seen).
    A hint, not a fact: a question edited since, or another server's view, may differ, so
    whoever acts on it checks it in the database as it writes (`services.answers`)."""
    with _lock:
        return _in_use.get((router.db_for_read(QuestionVersion), question_id))


def _by_id_query(*ids: int):
    return QuestionVersion.objects.filter(pk__in=ids).order_by().values_list(*_ATTNAMES)


def forget_all() -> None:
    """Drop every kept version and hint (tests whose database reuses ids after a rollback)."""
    with _lock:
        _kept.clear()
        _in_use.clear()
