"""Instructor pages: a quiz's results (table, CSV, histogram) and its item analysis."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ...charts import histogram_svg
from ...csv_safe import csv_lines
from ...forms.results import ResultFilterForm
from ...models import Course, Quiz
from ...selectors.analysis_snapshots import item_analysis_snapshot
from ...selectors.results import (
    PAGE_SIZE,
    SORTS,
    attempt_csv_rows,
    attempt_list_for_results,
    attempt_row,
    bin_labels,
    quiz_get_for_results,
    results_summary,
)
from .common import instructor_required


def _quiz_or_404(course: Course, quiz_id: int) -> Quiz:
    quiz = quiz_get_for_results(course=course, quiz_id=quiz_id)
    if quiz is None:
        raise Http404("This quiz is not offered in this course.")
    return quiz


def _filter_form(request: HttpRequest, course: Course, quiz: Quiz) -> ResultFilterForm:
    reset = reverse("teach:results", args=[course.slug, quiz.pk])
    return ResultFilterForm(request.GET, reset_url=reset)


def _invalid(form: ResultFilterForm) -> HttpResponseBadRequest:
    """A plain 400 naming each bad filter, for the CSV and the chart."""
    lines = [f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()]
    return HttpResponseBadRequest("\n".join(lines), content_type="text/plain; charset=utf-8")


def _sort_links(request: HttpRequest, current: str) -> dict[str, dict[str, str]]:
    """Per sortable column: the query string that sorts by it (toggling) and its aria-sort."""
    links = {}
    for key in SORTS:
        active = current.lstrip("-") == key
        descending = current.startswith("-")
        query = request.GET.copy()
        query.pop("page", None)
        query["sort"] = key if active and descending else f"-{key}" if active else key
        aria = ("descending" if descending else "ascending") if active else ""
        links[key] = {"query": query.urlencode(), "aria": aria}
    return links


@require_safe
@instructor_required
def results(request: HttpRequest, course: Course, quiz: int) -> HttpResponse:
    """The quiz's attempts in this course: filters, sorting, 50 per page, summary, histogram."""
    quiz_obj = _quiz_or_404(course, quiz)
    form = _filter_form(request, course, quiz_obj)
    context = {"course": course, "quiz": quiz_obj, "form": form, "teach_area": "results"}
    if form.is_valid():
        filters = form.filters()
        attempts = attempt_list_for_results(course=course, quiz=quiz_obj, filters=filters)
        page = Paginator(attempts, PAGE_SIZE).get_page(request.GET.get("page"))
        filter_query = request.GET.copy()
        filter_query.pop("page", None)
        context |= {
            "page": page,
            "rows": [attempt_row(attempt) for attempt in page],
            "summary": results_summary(attempts=attempts, pass_mark=quiz_obj.pass_mark),
            "filter_query": filter_query.urlencode(),
            "sort_links": _sort_links(request, filters.sort),
        }
    return render(request, "quizzes/teach/results.html", context)


@require_safe
@instructor_required
def results_csv(request: HttpRequest, course: Course, quiz: int) -> HttpResponse:
    """The same filtered, sorted attempts as a CSV download (every page)."""
    quiz_obj = _quiz_or_404(course, quiz)
    form = _filter_form(request, course, quiz_obj)
    if not form.is_valid():
        return _invalid(form)
    attempts = attempt_list_for_results(course=course, quiz=quiz_obj, filters=form.filters())
    response = StreamingHttpResponse(
        csv_lines(attempt_csv_rows(attempts)),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"{course.slug}-quiz-{quiz_obj.pk}-results.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@instructor_required
def histogram(request: HttpRequest, course: Course, quiz: int) -> HttpResponse:
    """An SVG histogram of the filtered attempts' percent scores in ten bins."""
    quiz_obj = _quiz_or_404(course, quiz)
    form = _filter_form(request, course, quiz_obj)
    if not form.is_valid():
        return _invalid(form)
    attempts = attempt_list_for_results(course=course, quiz=quiz_obj, filters=form.filters())
    summary = results_summary(attempts=attempts, pass_mark=quiz_obj.pass_mark)
    described = ", ".join(
        f"{label}: {count}" for label, count in zip(bin_labels(), summary.bins, strict=True)
    )
    svg = histogram_svg(
        counts=summary.bins,
        labels=bin_labels(),
        title=_("Scores in %(quiz)s") % {"quiz": quiz_obj.title},
        description=_("Number of scored attempts per score band: %(bins)s.") % {"bins": described},
        x_label=_("Score (percent)"),
        y_label=_("Attempts"),
    )
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    # Opened on its own the SVG is a document of this origin: let it run nothing.
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "private, no-cache"
    return response


@require_safe
@instructor_required
def analysis(request: HttpRequest, course: Course, quiz: int) -> HttpResponse:
    """Item analysis of the quiz's submitted attempts in this course."""
    quiz_obj = _quiz_or_404(course, quiz)
    snapshot = item_analysis_snapshot(course=course, quiz=quiz_obj)
    return render(
        request,
        "quizzes/teach/analysis.html",
        {
            "course": course,
            "quiz": quiz_obj,
            "analysis": snapshot.analysis,
            "computed_at": snapshot.computed_at,
            "teach_area": "results",
        },
    )


urlpatterns = [
    path("quizzes/<id:quiz>/results/", results, name="results"),
    path("quizzes/<id:quiz>/results.csv", results_csv, name="results_csv"),
    path("quizzes/<id:quiz>/analysis/", analysis, name="analysis"),
    path("quizzes/<id:quiz>/histogram.svg", histogram, name="histogram"),
]
