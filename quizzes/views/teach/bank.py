"""Instructor pages: the question bank browser and editor, preview and version history."""

from __future__ import annotations

import difflib
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from ...errors import QuestionInvalid
from ...forms.bank import BankFilterForm, QuestionForm, TypeEditor, with_one_more_row
from ...models import Course, Question
from ...permissions import can_edit_question
from ...qtypes import registry
from ...selectors import question_list_for_course, question_versions
from ...selectors.bank import tag_list_for_course
from ...services.authoring import (
    QuestionNotCopyable,
    question_archive,
    question_create,
    question_duplicate,
    question_edit,
)
from .common import instructor_required
from .question_preview import editor_preview, question_or_404, question_preview
from .shared import shared_read_only

PAGE_SIZE = 25


@instructor_required
def bank(request: HttpRequest, course: Course) -> HttpResponse:
    """Browse the questions the course may use, with filters and search."""
    form = BankFilterForm(
        request.GET or None, article=course.article, tags=tag_list_for_course(course=course)
    )
    filters = form.cleaned_data if form.is_valid() else {}
    questions = question_list_for_course(course=course, filters=filters).prefetch_related("tags")
    page = Paginator(questions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "quizzes/teach/bank.html",
        {
            "course": course,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "types": registry.choices(),
            "teach_area": "bank",
        },
    )


def _editor_page(
    request, course, *, qtype, form, editor, question=None, tried=None, grown=""
) -> HttpResponse:
    return render(
        request,
        "quizzes/teach/question_form.html",
        {
            "course": course,
            "form": form,
            "editor": editor,
            "qtype": qtype,
            "qtype_label": registry.get(qtype).label,
            "question": question,
            "tried": tried,
            "grown": grown,
            "teach_area": "bank",
        },
    )


def _save(request, course, *, qtype, form, editor, question=None) -> Question | None:
    """Call the service with a valid editor; the saved question, or None (errors on `editor`)."""
    fields = form.cleaned_data
    common = {
        "stem": fields["stem"],
        "data": editor.authoring_data(),
        "explanation": fields["explanation"],
        "source_quote": fields["source_quote"],
        "section": fields["section"],
        "difficulty": fields["difficulty"],
        "concepts": fields["concepts"],
        "tags": fields["tags"],
        "actor": request.user,
    }
    try:
        if question is None:
            return question_create(
                qtype=qtype,
                bloom_level=fields["bloom_level"],
                status=fields["status"],
                course=course,
                **common,
            )
        question_edit(
            question=question,
            bloom_level=fields["bloom_level"],
            status=fields["status"],
            **common,
        )
    except QuestionInvalid as error:
        editor.errors = error.errors
        return None
    return question


def _unbound(course: Course, qtype: str, question: Question | None):
    """The editor of a new question, or of a question's current version."""
    if question is None:
        return QuestionForm(article=course.article), TypeEditor(qtype)
    version = question.current_version
    form = QuestionForm(
        article=course.article,
        initial={
            "section": question.section,
            "concepts": list(question.concepts.all()),
            "tags": ", ".join(question.tags.values_list("name", flat=True)),
            "difficulty": question.difficulty,
            "bloom_level": question.bloom_level,
            "status": question.status,
            "stem": version.stem,
            "explanation": version.explanation,
            "source_quote": version.source_quote,
        },
    )
    return form, TypeEditor(qtype, initial=version.type.authoring_data(version.payload))


def _editor(
    request: HttpRequest, course: Course, *, qtype: str, question: Question | None = None
) -> HttpResponse:
    """Show the editor; on POST grow a row ("add_row"), preview the draft ("preview"), or save.

    Growing and previewing never save; a page script does both in place when it can.
    """
    page = {"qtype": qtype, "question": question}
    if request.method != "POST":
        form, editor = _unbound(course, qtype, question)
        return _editor_page(request, course, form=form, editor=editor, **page)
    grow = request.POST.get("add_row")
    if grow:
        data = with_one_more_row(request.POST, qtype, grow)
        form = QuestionForm(data, article=course.article, judge=False)
        editor = TypeEditor(qtype, data, judge=False)
        return _editor_page(request, course, form=form, editor=editor, grown=grow, **page)
    form = QuestionForm(request.POST, article=course.article)
    editor = TypeEditor(qtype, request.POST)
    is_valid = form.is_valid() & editor.is_valid()
    if "preview" in request.POST:
        tried = editor_preview(
            request.POST, course, qtype=qtype, form=form, editor=editor, question=question
        )
        return _editor_page(request, course, form=form, editor=editor, tried=tried, **page)
    saved = (
        _save(request, course, qtype=qtype, form=form, editor=editor, question=question)
        if is_valid
        else None
    )
    if saved is None:
        return _editor_page(request, course, form=form, editor=editor, **page)
    if question is None:
        messages.success(request, "Question saved.")
    else:
        messages.success(request, f"Saved: version {saved.current_version.number}.")
    return redirect("teach:question_preview", course=course.slug, question=saved.pk)


@instructor_required
def question_new(request: HttpRequest, course: Course, qtype: str) -> HttpResponse:
    """Write a new question of a type into the course's bank."""
    if qtype not in registry.all_keys():
        raise Http404("No such question type.")
    return _editor(request, course, qtype=qtype)


def _shared_question_page(request: HttpRequest, course: Course, question: Question):
    return shared_read_only(
        request,
        course,
        kind="question",
        title=question.current_version.stem,
        duplicate_url=reverse("teach:question_duplicate", args=[course.slug, question.pk]),
        preview_url=reverse("teach:question_preview", args=[course.slug, question.pk]),
        back_url=reverse("teach:bank", args=[course.slug]),
    )


@instructor_required
def question_edit_view(request: HttpRequest, course: Course, question: int) -> HttpResponse:
    """Edit a question of the course's bank; saving creates a new version.

    A shared question is the site admins': instructors get a page saying so (403) and offering
    a copy for this course instead.
    """
    question_obj = question_or_404(course, question)
    if not can_edit_question(request.user, question_obj):
        return _shared_question_page(request, course, question_obj)
    return _editor(request, course, qtype=question_obj.qtype, question=question_obj)


@instructor_required
@require_POST
def question_duplicate_view(request: HttpRequest, course: Course, question: int) -> HttpResponse:
    """Copy a question into the course's bank as a draft and open it for editing."""
    try:
        copy = question_duplicate(
            question=question_or_404(course, question), course=course, actor=request.user
        )
    except QuestionNotCopyable as error:
        raise PermissionDenied(error.message) from error
    messages.success(request, "Copied into this course's bank as a draft: yours to edit.")
    return redirect("teach:question_edit", course=course.slug, question=copy.pk)


@instructor_required
@require_POST
def question_archive_view(request: HttpRequest, course: Course, question: int) -> HttpResponse:
    """Archive a question of the course's bank."""
    question_obj = question_or_404(course, question)
    if not can_edit_question(request.user, question_obj):
        return _shared_question_page(request, course, question_obj)
    question_archive(question=question_obj, actor=request.user)
    messages.success(request, "Question archived: new attempts will not draw it.")
    return redirect("teach:bank", course=course.slug)


def _version_text(version) -> list[str]:
    data = version.type.authoring_data(version.payload)
    lines = [
        f"Stem: {version.stem}",
        f"Explanation: {version.explanation}",
        f"Source quote: {version.source_quote}",
    ]
    return lines + json.dumps(data, indent=2, ensure_ascii=False).splitlines()


@instructor_required
def question_history(request: HttpRequest, course: Course, question: int) -> HttpResponse:
    """Every version, with what changed from the one before."""
    question_obj = question_or_404(course, question)
    versions = question_versions(question=question_obj)
    changes = []
    for newer, older in zip(versions, [*versions[1:], None], strict=True):
        before = _version_text(older) if older else []
        diff = difflib.unified_diff(before, _version_text(newer), lineterm="", n=0)
        changes.append(
            (newer, [line for line in diff if not line.startswith(("---", "+++", "@@"))])
        )
    return render(
        request,
        "quizzes/teach/question_history.html",
        {"course": course, "question": question_obj, "changes": changes, "teach_area": "bank"},
    )


urlpatterns = [
    path("questions/", bank, name="bank"),
    path("questions/new/<slug:qtype>/", question_new, name="question_new"),
    path("questions/<id:question>/edit/", question_edit_view, name="question_edit"),
    path("questions/<id:question>/duplicate/", question_duplicate_view, name="question_duplicate"),
    path("questions/<id:question>/archive/", question_archive_view, name="question_archive"),
    path("questions/<id:question>/preview/", question_preview, name="question_preview"),
    path("questions/<id:question>/history/", question_history, name="question_history"),
]
