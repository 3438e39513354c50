"""Admin review of scores: a score-band filter, a CSV export action for attempts, answers in
words, and a link to the staff's page of an attempt."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .csv_safe import csv_lines
from .models import Attempt, Response
from .selectors.results import EPSILON, attempt_csv_rows, percent_expression
from .staff_presenters import answer_text

CSV_TYPE = "text/csv; charset=utf-8"
SCORE_BANDS = {
    "0-20": (0, 20),
    "20-40": (20, 40),
    "40-60": (40, 60),
    "60-80": (60, 80),
    "80-100": (80, 100),
}


class ScoreBandFilter(admin.SimpleListFilter):
    """Attempts by percent score: 0–20 %, …, 80–100 % (each band includes its lower bound)."""

    title = _("score")
    parameter_name = "score_band"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        """The bands, and attempts not scored yet."""
        return [(key, f"{low}–{high} %") for key, (low, high) in SCORE_BANDS.items()] + [
            ("unscored", _("not scored yet"))
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Attempt]) -> QuerySet[Attempt]:
        """Keep the attempts in the chosen band; an unknown band keeps none."""
        value = self.value()
        if value is None:
            return queryset
        scored = queryset.annotate(review_percent=percent_expression())
        if value == "unscored":
            return scored.filter(review_percent__isnull=True)
        if value not in SCORE_BANDS:
            return queryset.none()
        low, high = SCORE_BANDS[value]
        rule = {"review_percent__gte": low - EPSILON}
        # The top band is closed so that 100 % is in it.
        if high < 100:
            rule["review_percent__lt"] = high - EPSILON
        return scored.filter(**rule)


@admin.action(description=_("Export selected attempts as CSV"))
def export_attempts_csv(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Attempt]
) -> HttpResponse:
    """The selected attempts as a CSV file, formula-like cells neutralised."""
    attempts = queryset.order_by("pk")
    response = HttpResponse(csv_lines(attempt_csv_rows(attempts)), content_type=CSV_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="attempts-{stamp}.csv"'
    return response


def readable_answer(response: Response, answer: object) -> str:
    """An answer as staff read it ("B. The 2017 amendments": the choice's letter in the order
    the learner saw), through the question type; "–" for none."""
    if not isinstance(answer, dict) or not answer:
        return "–"
    return answer_text(response, response.question_version, answer) or "–"


def staff_page_link(attempt: Attempt) -> str:
    """A link to the attempt's page for staff (the learner's answers, every step, the key)."""
    url = reverse("teach:attempt", args=[attempt.course.slug, attempt.pk])
    return format_html('<a href="{}">{}</a>', url, _("Open the attempt's answers and history"))
