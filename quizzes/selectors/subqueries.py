"""Counts taken inside another query, so a limit or a list costs no query of its own."""

from __future__ import annotations

from django.db.models import Count, IntegerField, QuerySet, Subquery
from django.db.models.functions import Coalesce


def count_of(rows: QuerySet, *, per: str) -> Coalesce:
    """How many `rows` there are, as an expression for another query's annotation (0 for none).

    `per` is a field all the rows share (the outer row's key, or the one value they were
    filtered on): grouped by it, the subquery gives one count rather than one per row.
    """
    counted = rows.order_by().values(per).annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
