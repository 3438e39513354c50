"""Reads for a quiz's results: filtered attempts, their summary and histogram, CSV rows.

Everything is counted or summed by the database; Python only formats one page of rows (or
streams the CSV), so the number of queries does not grow with the number of attempts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from functools import reduce
from operator import and_

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast, NullIf
from django.utils import timezone

from ..analysis import median_of_middle, middle_positions
from ..models import Attempt, AttemptState, Course, Quiz

PAGE_SIZE = 50
BIN_COUNT = 10
# Percentages are computed in floating point: 0.6 × 100 may come out as 59.99999999999999, so
# comparisons against a boundary allow this much slack (scores are stored to the cent).
EPSILON = 1e-9
SORTS = {
    "learner": "user__username",
    "started": "started_at",
    "duration": "time_taken",
    "score": "score_percent",
}
DEFAULT_SORT = "-started"


CENT = Decimal("0.01")


def percent_expression() -> ExpressionWrapper:
    """score × 100 / max_score as a float; NULL while unscored or when the maximum is 0."""
    return ExpressionWrapper(
        Cast("score", FloatField())
        * Value(100.0)
        / NullIf(Cast("max_score", FloatField()), Value(0.0)),
        output_field=FloatField(),
    )


def percent_value(value: float | None) -> Decimal | None:
    """A percent_expression() result to the cent, as Attempt.percent shows it (None stays)."""
    return None if value is None else Decimal(value).quantize(CENT)


def quiz_get_for_results(*, course: Course, quiz_id: int) -> Quiz | None:
    """A quiz offered in the course (its own, or shared for its article), published or not."""
    return Quiz.objects.offered_in(course).filter(pk=quiz_id).first()


@dataclass(frozen=True)
class ResultFilters:
    """What the results table shows: cleaned filter values and a sort key from SORTS."""

    state: str = ""
    submitted_from: date | None = None
    submitted_to: date | None = None
    percent_min: Decimal | None = None
    percent_max: Decimal | None = None
    learner: str = ""
    sort: str = DEFAULT_SORT


def _filter_q(filters: ResultFilters) -> Q:
    rules = [Q()]
    if filters.state:
        rules.append(Q(state=filters.state))
    if filters.submitted_from:
        rules.append(Q(submitted_at__date__gte=filters.submitted_from))
    if filters.submitted_to:
        rules.append(Q(submitted_at__date__lte=filters.submitted_to))
    if filters.percent_min is not None:
        rules.append(Q(score_percent__gte=float(filters.percent_min) - EPSILON))
    if filters.percent_max is not None:
        rules.append(Q(score_percent__lte=float(filters.percent_max) + EPSILON))
    # Every word must match the username, first name or last name ("ali smith" finds Ali Smith).
    for word in filters.learner.split()[:5]:
        rules.append(
            Q(user__username__icontains=word)
            | Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
        )
    return reduce(and_, rules)


def attempt_list_for_results(
    *, course: Course, quiz: Quiz, filters: ResultFilters
) -> QuerySet[Attempt]:
    """The course's attempts at the quiz, filtered and sorted, with percent and duration."""
    descending = filters.sort.startswith("-")
    field = SORTS.get(filters.sort.lstrip("-"), "started_at")
    order = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
    return (
        Attempt.objects.filter(course=course, quiz=quiz)
        .annotate(
            score_percent=percent_expression(),
            time_taken=ExpressionWrapper(
                F("submitted_at") - F("started_at"), output_field=DurationField()
            ),
        )
        .filter(_filter_q(filters))
        .select_related("user")
        .order_by(order, "-pk" if descending else "pk")
    )


def bin_labels() -> list[str]:
    """The histogram's bin labels: 0–10%, 10–20%, …, 90–100%."""
    width = 100 // BIN_COUNT
    return [f"{low}–{low + width}%" for low in range(0, 100, width)]


def _bin_q(index: int) -> Q:
    """Bin `index` holds percents in [10·index, 10·index + 10); the last one includes 100."""
    width = 100 / BIN_COUNT
    rule = Q(score_percent__isnull=False)
    if index > 0:
        rule &= Q(score_percent__gte=index * width - EPSILON)
    if index < BIN_COUNT - 1:
        rule &= Q(score_percent__lt=(index + 1) * width - EPSILON)
    return rule


@dataclass(frozen=True)
class ResultSummary:
    """Counts and central figures of a set of attempts; percents over the scored ones."""

    attempt_count: int
    scored_count: int
    mean_percent: float | None
    median_percent: float | None
    pass_count: int
    bins: list[int]

    @property
    def pass_rate(self) -> float | None:
        """The share of scored attempts at or above the pass mark, in percent."""
        return 100 * self.pass_count / self.scored_count if self.scored_count else None

    @property
    def bin_rows(self) -> list[tuple[str, int]]:
        """(label, count) per histogram bin, for the table beside the chart."""
        return list(zip(bin_labels(), self.bins, strict=True))


def results_summary(*, attempts: QuerySet[Attempt], pass_mark: Decimal) -> ResultSummary:
    """Count, mean, median, pass count and histogram bins of `attempts` (two queries)."""
    attempts = attempts.order_by()
    figures = attempts.aggregate(
        attempt_count=Count("id"),
        scored_count=Count("id", filter=Q(score_percent__isnull=False)),
        mean_percent=Avg("score_percent"),
        pass_count=Count("id", filter=Q(score_percent__gte=float(pass_mark) - EPSILON)),
        **{f"bin{index}": Count("id", filter=_bin_q(index)) for index in range(BIN_COUNT)},
    )
    median = None
    if figures["scored_count"]:
        low, high = middle_positions(figures["scored_count"])
        middle = (
            attempts.filter(score_percent__isnull=False)
            .order_by("score_percent")
            .values_list("score_percent", flat=True)[low : high + 1]
        )
        median = median_of_middle(list(middle))
    return ResultSummary(
        attempt_count=figures["attempt_count"],
        scored_count=figures["scored_count"],
        mean_percent=figures["mean_percent"],
        median_percent=median,
        pass_count=figures["pass_count"],
        bins=[figures[f"bin{index}"] for index in range(BIN_COUNT)],
    )


@dataclass(frozen=True)
class AttemptRow:
    """One attempt as a row of the results table."""

    attempt_id: int
    username: str
    name: str
    number: int
    state: str
    started_at: datetime
    submitted_at: datetime | None
    duration: timedelta | None
    score: Decimal | None
    max_score: Decimal
    percent: Decimal | None

    @property
    def state_label(self) -> str:
        """The state as the learner-facing label ("submitted", "in progress")."""
        return str(AttemptState(self.state).label)

    @property
    def duration_text(self) -> str:
        """The duration as "1 h 02 min 05 s", "12 min 05 s" or "45 s"; "—" while open."""
        if self.duration is None:
            return "—"
        seconds = int(self.duration.total_seconds())
        hours, rest = divmod(seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        if hours:
            return f"{hours} h {minutes:02d} min {seconds:02d} s"
        return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


def attempt_row(attempt: Attempt) -> AttemptRow:
    """The table row of an attempt loaded with its user."""
    duration = attempt.submitted_at - attempt.started_at if attempt.submitted_at else None
    return AttemptRow(
        attempt_id=attempt.pk,
        username=attempt.user.get_username(),
        name=attempt.user.get_full_name(),
        number=attempt.number,
        state=attempt.state,
        started_at=attempt.started_at,
        submitted_at=attempt.submitted_at,
        duration=duration,
        score=attempt.score,
        max_score=attempt.max_score,
        percent=attempt.percent,
    )


CSV_HEADER = [
    "username",
    "name",
    "course",
    "quiz",
    "attempt",
    "state",
    "started_at",
    "submitted_at",
    "duration_seconds",
    "score",
    "max_score",
    "percent",
]
CSV_FIELDS = (
    "user__username",
    "user__first_name",
    "user__last_name",
    "course__title",
    "quiz__title",
    "number",
    "state",
    "started_at",
    "submitted_at",
    "score",
    "max_score",
)


def _csv_cells(values: tuple, zone: tzinfo) -> list[object]:
    username, first, last, course, quiz, number, state, started, submitted, score, top = values
    seconds = int((submitted - started).total_seconds()) if submitted else ""
    percent = (score * 100 / top).quantize(CENT) if score is not None and top else None
    return [
        username,
        f"{first} {last}".strip(),
        course,
        quiz,
        number,
        state,
        started.astimezone(zone).isoformat(timespec="seconds"),
        submitted.astimezone(zone).isoformat(timespec="seconds") if submitted else "",
        seconds,
        score,
        top,
        percent,
    ]


def attempt_csv_rows(attempts: QuerySet[Attempt]) -> Iterator[list[object]]:
    """The header, then one row of values per attempt, streamed from a single query.

    Plain values, not model instances: a CSV of 10,000 attempts then takes a fraction of the time.
    They are raw (names as typed): `quizzes.csv_safe.csv_lines` makes them safe as it writes.
    """
    yield CSV_HEADER
    zone = timezone.get_current_timezone()
    for values in attempts.values_list(*CSV_FIELDS).iterator(chunk_size=2000):
        yield _csv_cells(values, zone)
