"""Instructor pages: the question bank browser and editor, preview and version history."""

from __future__ import annotations

import difflib
import json
import random

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from ...errors import QuestionInvalid
from ...forms.bank import BankFilterForm, QuestionForm, TypeEditor
from ...models import Course, Question, Response
from ...permissions import can_edit_question
from ...presenters import QuestionView, learner_question, review_item
from ...qtypes import registry
from ...selectors import question_get_for_course, question_list_for_course, question_versions
from ...services.authoring import (
    question_archive,
    question_create,
    question_duplicate,
    question_edit,
)
from .common import instructor_required

PAGE_SIZE = 25


def _question_or_404(course: Course, question_id: int) -> Question:
    question = question_get_for_course(course=course, question_id=question_id)
    if question is None:
        raise Http404("No such question in this course's bank.")
    return question


@instructor_required
def bank(request: HttpRequest, course: Course) -> HttpResponse:
    """Browse the questions the course may use, with filters and search."""
    form = BankFilterForm(request.GET or None, article=course.article)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(question_list_for_course(course=course, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
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


def _editor_page(request, course, *, qtype, form, editor, question=None) -> HttpResponse:
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
            "teach_area": "bank",
        },
    )


def _save(
    request, course, *, qtype, question=None
) -> tuple[QuestionForm, TypeEditor, Question | None]:
    """Validate both parts of the editor and call the service; the saved question or None."""
    form = QuestionForm(request.POST, article=course.article)
    editor = TypeEditor(qtype, request.POST)
    if not (form.is_valid() & editor.is_valid()):
        return form, editor, None
    fields = form.cleaned_data
    common = {
        "stem": fields["stem"],
        "data": editor.authoring_data(),
        "explanation": fields["explanation"],
        "source_quote": fields["source_quote"],
        "section": fields["section"],
        "difficulty": fields["difficulty"],
        "concepts": fields["concepts"],
        "actor": request.user,
    }
    try:
        if question is None:
            question = question_create(
                qtype=qtype,
                bloom_level=fields["bloom_level"],
                status=fields["status"],
                course=course,
                **common,
            )
        else:
            question_edit(
                question=question,
                bloom_level=fields["bloom_level"],
                status=fields["status"],
                **common,
            )
    except QuestionInvalid as error:
        editor.errors = error.errors
        return form, editor, None
    return form, editor, question


@instructor_required
def question_new(request: HttpRequest, course: Course, qtype: str) -> HttpResponse:
    """Write a new question of a type into the course's bank."""
    if qtype not in registry.all_keys():
        raise Http404("No such question type.")
    if request.method == "POST":
        form, editor, question = _save(request, course, qtype=qtype)
        if question is not None:
            messages.success(request, "Question saved.")
            return redirect("teach:question_preview", course=course.slug, question=question.pk)
    else:
        form, editor = QuestionForm(article=course.article), TypeEditor(qtype)
    return _editor_page(request, course, qtype=qtype, form=form, editor=editor)


@instructor_required
def question_edit_view(request: HttpRequest, course: Course, question: int) -> HttpResponse:
    """Edit a question of the course's bank; saving creates a new version."""
    question_obj = _question_or_404(course, question)
    if not can_edit_question(request.user, question_obj):
        raise PermissionDenied(
            "Shared questions are read-only here: duplicate it into this course."
        )
    if request.method == "POST":
        form, editor, saved = _save(
            request, course, qtype=question_obj.qtype, question=question_obj
        )
        if saved is not None:
            messages.success(request, f"Saved: version {saved.current_version.number}.")
            return redirect("teach:question_preview", course=course.slug, question=question_obj.pk)
    else:
        version = question_obj.current_version
        form = QuestionForm(
            article=course.article,
            initial={
                "section": question_obj.section,
                "concepts": list(question_obj.concepts.all()),
                "difficulty": question_obj.difficulty,
                "bloom_level": question_obj.bloom_level,
                "status": question_obj.status,
                "stem": version.stem,
                "explanation": version.explanation,
                "source_quote": version.source_quote,
            },
        )
        editor = TypeEditor(
            question_obj.qtype, initial=version.type.authoring_data(version.payload)
        )
    return _editor_page(
        request, course, qtype=question_obj.qtype, form=form, editor=editor, question=question_obj
    )


@instructor_required
@require_POST
def question_duplicate_view(request: HttpRequest, course: Course, question: int) -> HttpResponse:
    """Copy a question into the course's bank as a draft and open it for editing."""
    copy = question_duplicate(
        question=_question_or_404(course, question), course=course, actor=request.user
    )
    messages.success(request, "Copied into this course's bank as a draft.")
    return redirect("teach:question_edit", course=course.slug, question=copy.pk)


@instructor_required
@require_POST
def question_archive_view(request: HttpRequest, course: Course, question: int) -> HttpResponse:
    """Archive a question of the course's bank."""
    question_obj = _question_or_404(course, question)
    if not can_edit_question(request.user, question_obj):
        raise PermissionDenied("Only the owners of a question may archive it.")
    question_archive(question=question_obj, actor=request.user)
    messages.success(request, "Question archived: new attempts will not draw it.")
    return redirect("teach:bank", course=course.slug)


def _unsaved_response(question: Question, version) -> Response:
    """An in-memory response (never saved) to show a version through the learner templates."""
    order = version.type.shuffle_keys(version.payload)
    random.Random(version.pk).shuffle(order)
    return Response(
        position=1,
        question=question,
        question_id=question.pk,
        question_version=version,
        max_mark=1,
        choice_order=order,
        state="gave_up",
    )


@instructor_required
def question_preview(request: HttpRequest, course: Course, question: int) -> HttpResponse:
    """A version as a learner sees it, and as the review shows it (nothing is recorded)."""
    question_obj = _question_or_404(course, question)
    versions = question_versions(question=question_obj)
    number = request.GET.get("version")
    version = next((v for v in versions if str(v.number) == number), versions[0])
    response = _unsaved_response(question_obj, version)
    return render(
        request,
        "quizzes/teach/question_preview.html",
        {
            "course": course,
            "question": question_obj,
            "version": version,
            "versions": versions,
            "view": QuestionView(
                response=response, question=learner_question(response), answer=None
            ),
            "review": review_item(response, show_correct=True, show_explanation=True),
            "can_edit": can_edit_question(request.user, question_obj),
            "teach_area": "bank",
        },
    )


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
    question_obj = _question_or_404(course, question)
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
