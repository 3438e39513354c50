"""Reads for item analysis: per-question figures of a quiz's submitted attempts in a course.

Classical test theory on fractions (after Moodle's quiz statistics). The database returns sums
per question in one GROUP BY, the attempt totals in one aggregate and the distractor counts in
one GROUP BY on the stored answer; `quizzes.analysis` derives the figures. Four queries whatever
the number of attempts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, ExpressionWrapper, FloatField, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext_lazy as _

from ..analysis import PairSums, cronbach_alpha, kr20, pearson, standard_deviation, variance
from ..models import Attempt, AttemptState, Course, QuestionVersion, Quiz, Response
from ..qtypes import registry

NOTES = {
    "too_small": _("Reliability needs at least two submitted attempts and two questions."),
    "random_pools": _(
        "Not computed: attempts saw different questions (random pools), and α assumes one form."
    ),
    "no_spread": _("Not computed: every attempt has the same total."),
}


@dataclass(frozen=True)
class OptionCount:
    """How many learners picked one option of a choice question."""

    text: str
    is_correct: bool
    count: int
    percent: float


@dataclass(frozen=True)
class ItemStats:
    """One question's figures: facility and SD in percent of the mark, discrimination as r."""

    question_id: int
    key: str
    stem: str
    qtype_label: str
    attempt_count: int
    facility: float
    sd: float | None
    discrimination: float | None
    is_dichotomous: bool
    mark: float
    options: list[OptionCount] = field(default_factory=list)
    no_answer_count: int = 0

    @property
    def is_flagged(self) -> bool:
        """Negative discrimination: stronger learners did worse on it (check key and wording)."""
        return self.discrimination is not None and self.discrimination < 0


@dataclass(frozen=True)
class QuizAnalysis:
    """The item analysis of a quiz and the test's reliability (None when undefined)."""

    attempt_count: int
    items: list[ItemStats]
    alpha: float | None
    kr20: float | None
    reliability_note: str

    @property
    def flagged_count(self) -> int:
        """How many questions have negative discrimination."""
        return sum(item.is_flagged for item in self.items)


def _responses(course: Course, quiz: Quiz) -> QuerySet[Response]:
    return Response.objects.filter(
        attempt__quiz=quiz, attempt__course=course, attempt__state=AttemptState.SUBMITTED
    ).order_by()


def _as_float(name: str) -> Coalesce:
    return Coalesce(Cast(name, FloatField()), Value(0.0), output_field=FloatField())


def _item_sums(responses: QuerySet[Response]) -> list[dict[str, Any]]:
    """Per question: n and the sums of fraction x, marks m and rest of test y = total − m."""
    x, m = _as_float("fraction"), _as_float("score")
    y = ExpressionWrapper(_as_float("attempt__score") - m, output_field=FloatField())
    return list(
        responses.values("question_id").annotate(
            n=Count("id"),
            first_position=Min("position"),
            mark=Avg(Cast("max_mark", FloatField())),
            partial=Count("id", filter=Q(fraction__gt=0, fraction__lt=1)),
            sx=Sum(x),
            sxx=Sum(x * x),
            sm=Sum(m),
            smm=Sum(m * m),
            sy=Sum(y),
            syy=Sum(y * y),
            sxy=Sum(x * y),
        )
    )


def _answer_counts(responses: QuerySet[Response]) -> dict[int, list[tuple[Any, int]]]:
    """Per choice question, (stored answer, how many) grouped by the database."""
    grouped: dict[int, list[tuple[Any, int]]] = {}
    rows = (
        responses.filter(question__qtype__in=_option_types())
        .values("question_id", "answer")
        .annotate(picked=Count("id"))
    )
    for row in rows:
        grouped.setdefault(row["question_id"], []).append((row["answer"], row["picked"]))
    return grouped


def _versions(question_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Every version of the questions, oldest first (bounded by versions, not by attempts)."""
    versions: dict[int, list[dict[str, Any]]] = {}
    rows = (
        QuestionVersion.objects.filter(question_id__in=list(question_ids))
        .order_by("question_id", "number")
        .values("question_id", "qtype", "stem", "payload", "question__key")
    )
    for row in rows:
        versions.setdefault(row["question_id"], []).append(row)
    return versions


def _options(
    versions: list[dict[str, Any]], counts: list[tuple[Any, int]], total: int
) -> tuple[list[OptionCount], int]:
    """Per option, how many learners picked it; and how many gave no answer."""
    qtype = registry.get(versions[-1]["qtype"])
    texts = qtype.option_table([version["payload"] for version in versions]) or {}
    picked = dict.fromkeys(texts, 0)
    no_answer = 0
    for answer, count in counts:
        keys = qtype.picked_options(answer)
        no_answer += 0 if keys else count
        for key in keys:
            picked[key] = picked.get(key, 0) + count
    options = [
        OptionCount(
            text=texts.get(key, (key, False))[0],
            is_correct=texts.get(key, (key, False))[1],
            count=count,
            percent=100 * count / total if total else 0.0,
        )
        for key, count in picked.items()
    ]
    return options, no_answer


def _option_types() -> list[str]:
    """The types whose picked options item analysis counts (their analysis hook)."""
    return [key for key in registry.all_keys() if registry.get(key).counts_options]


def _counts_options(qtype: str) -> bool:
    return qtype in _option_types()


def _item(row: dict[str, Any], versions: list[dict[str, Any]], counts: list) -> ItemStats:
    n = row["n"]
    newest = versions[-1] if versions else {"qtype": "", "stem": "", "question__key": ""}
    options, no_answer = (
        _options(versions, counts, n) if _counts_options(newest["qtype"]) else ([], 0)
    )
    sd = standard_deviation(n, row["sx"], row["sxx"])
    return ItemStats(
        question_id=row["question_id"],
        key=newest["question__key"] or "",
        stem=newest["stem"],
        qtype_label=registry.get(newest["qtype"]).label if newest["qtype"] else "",
        attempt_count=n,
        facility=100 * row["sx"] / n,
        sd=None if sd is None else 100 * sd,
        discrimination=pearson(
            PairSums(n, row["sx"], row["sy"], row["sxx"], row["syy"], row["sxy"])
        ),
        is_dichotomous=row["partial"] == 0,
        mark=row["mark"],
        options=options,
        no_answer_count=no_answer,
    )


def _reliability(
    rows: list[dict[str, Any]], items: list[ItemStats], totals: dict[str, Any]
) -> tuple[float | None, float | None, str]:
    """Cronbach's α (and KR-20 when every item is right/wrong) over marks, or why not."""
    n = totals["n"]
    if n < 2 or len(items) < 2:
        return None, None, str(NOTES["too_small"])
    if any(row["n"] != n for row in rows):
        return None, None, str(NOTES["random_pools"])
    total_variance = variance(n, totals["st"], totals["stt"])
    if not total_variance:
        return None, None, str(NOTES["no_spread"])
    item_variances = [variance(n, row["sm"], row["smm"]) or 0.0 for row in rows]
    alpha = cronbach_alpha(item_variances, total_variance)
    dichotomous = None
    if all(item.is_dichotomous for item in items):
        dichotomous = kr20(
            [item.facility / 100 for item in items],
            [item.mark for item in items],
            variance(n, totals["st"], totals["stt"], sample=False),
        )
    return alpha, dichotomous, ""


def quiz_item_analysis(*, course: Course, quiz: Quiz) -> QuizAnalysis:
    """Facility, SD, discrimination and distractor counts per question, and the reliability."""
    responses = _responses(course, quiz)
    rows = sorted(_item_sums(responses), key=lambda r: (r["first_position"], r["question_id"]))
    score = _as_float("score")
    totals = Attempt.objects.filter(
        quiz=quiz, course=course, state=AttemptState.SUBMITTED
    ).aggregate(n=Count("id"), st=Sum(score), stt=Sum(score * score))
    counts = _answer_counts(responses) if rows else {}
    versions = _versions(row["question_id"] for row in rows) if rows else {}
    items = [
        _item(row, versions.get(row["question_id"], []), counts.get(row["question_id"], []))
        for row in rows
    ]
    alpha, dichotomous, note = _reliability(rows, items, totals)
    return QuizAnalysis(
        attempt_count=totals["n"], items=items, alpha=alpha, kr20=dichotomous, reliability_note=note
    )
