"""Instructor pages: import a question file into the course's bank; download a bank as a file."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from ...forms.exchange import ExportForm, ImportForm
from ...models import Course
from ...services.exchange import ImportInvalid, bank_import
from .common import instructor_required

IMPORT_TEMPLATE = "quizzes/teach/exchange_import.html"


@instructor_required
def import_bank(request: HttpRequest, course: Course) -> HttpResponse:
    """Upload a GIFT, Moodle XML, JSON or Canvas QTI (.zip) file; every error is listed and
    nothing is imported."""
    form = ImportForm(request.POST or None, request.FILES or None, course=course)
    context = {"course": course, "teach_area": "import", "form": form}
    if request.method != "POST":
        return render(request, IMPORT_TEMPLATE, context)
    if not form.is_valid():
        return render(request, IMPORT_TEMPLATE, context, status=400)
    upload = form.cleaned_data["file"]
    try:
        summary = bank_import(
            course=course,
            content=upload.read(),
            actor=request.user,
            fmt=form.cleaned_data["fmt"] or None,
            filename=upload.name,
            default_section=form.cleaned_data["section"],
            publish=form.cleaned_data["publish"],
        )
    except ImportInvalid as exc:
        context |= {"import_error": exc, "filename": upload.name}
        return render(request, IMPORT_TEMPLATE, context, status=400)
    context |= {"summary": summary, "filename": upload.name}
    return render(request, "quizzes/teach/exchange_import_done.html", context)


@instructor_required
def export_bank(request: HttpRequest, course: Course) -> HttpResponse:
    """Choose a bank and a format; a valid choice downloads the file as an attachment (text,
    or a zip for Canvas QTI)."""
    form = ExportForm(request.GET or None, course=course)
    if not form.is_bound or not form.is_valid():
        context = {"course": course, "teach_area": "export", "form": form}
        status = 400 if form.is_bound else 200
        return render(request, "quizzes/teach/exchange_export.html", context, status=status)
    return form.download(request.user)


urlpatterns = [
    path("import/", import_bank, name="import"),
    path("export/", export_bank, name="export"),
]
