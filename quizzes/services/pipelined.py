"""Statements sent to PostgreSQL together, in one round trip (psycopg's pipeline mode).

On a busy server every round trip to PostgreSQL costs more than the statement it carries: the
worker waits, the database process wakes, then the worker wakes again. A submission's writes
(its responses, their SUBMIT steps, the attempt) need no answer from the database before the
next, so they travel with the read that follows them. Elsewhere (SQLite runs in the process)
this changes nothing.

Inside `pipelined()` a statement is sent when the block ends or when a result is fetched, and
its errors are raised then. A read whose rows are fetched only after the block (the `_sent`
reads, all made with `sql_rows.sent`) travels in the block's one round trip; fetched inside it,
it would cost the block a second one (the results, then the closing Sync). So only code that
never reads a cursor's `rowcount` belongs in it (the `row_writes` helpers and fetching reads):
`Model.save()`, `QuerySet.update()` and `delete()` count rows and do not; nor do signal
receivers, which may call them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, models, router


@contextmanager
def pipelined(model: type[models.Model]) -> Iterator[None]:
    """Send the statements of the block to `model`'s database together when it is
    PostgreSQL; errors are Django's database errors, as outside the block."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    with connection.wrap_database_errors, connection.connection.pipeline():
        yield
