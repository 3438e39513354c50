"""Instructor pages: a course's quizzes, the quiz builder, duplicating, and the learner preview."""

from __future__ import annotations

import random

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ...errors import QuizUnavailable
from ...models import Course, Quiz, SlotKind
from ...permissions import can_edit_quiz, is_site_admin
from ...presenters import attempt_question_views, review_items
from ...selectors.quiz_building import (
    quiz_attempt_count,
    quiz_bank,
    quiz_get_for_teaching,
    quiz_list_for_teaching,
    quiz_slot_list,
)
from ...services.quiz_building import (
    QuizNotEditable,
    quiz_create,
    quiz_duplicate,
    quiz_preview,
    quiz_update,
)
from ...services.quiz_rules import QuizInvalid
from .builder_form_parts import add_problems
from .common import instructor_required
from .quiz_forms import PreviewForm, QuizForm, quiz_initial
from .shared import shared_read_only
from .slot_forms import EXTRA_ROWS, MAX_SLOTS, SlotFormSet, slot_initial

SLOTS_PREFIX = "slots"


def _quiz_or_404(course: Course, quiz_id: int) -> Quiz:
    """A quiz this course owns or offers; any other quiz is 404, as if it did not exist."""
    quiz = quiz_get_for_teaching(course=course, quiz_id=quiz_id)
    if quiz is None:
        raise Http404("No such quiz in this course.")
    return quiz


# The access check comes before the method check, so a learner gets 403 whatever the method.
@instructor_required
@require_GET
def quiz_list(request: HttpRequest, course: Course) -> HttpResponse:
    """The course's own quizzes (editable) and the shared ones it offers (read-only)."""
    quizzes = list(quiz_list_for_teaching(course=course))
    return render(
        request,
        "quizzes/teach/quiz_list.html",
        {
            "course": course,
            "teach_area": "quizzes",
            "own": [q for q in quizzes if q.course_id == course.pk],
            "shared": [q for q in quizzes if q.course_id is None],
            "can_edit_shared": is_site_admin(request.user),
        },
    )


def _with_more_rows(data: QueryDict) -> QueryDict:
    """The posted data with room for more slot rows (the "Add rows" button works without JS)."""
    data = data.copy()
    try:
        total = int(data.get(f"{SLOTS_PREFIX}-TOTAL_FORMS", ""))
    except ValueError:
        return data  # the formset reports the broken management form itself
    # No more rows than a quiz may have slots, as the question editor caps its rows.
    data[f"{SLOTS_PREFIX}-TOTAL_FORMS"] = str(min(total + EXTRA_ROWS, MAX_SLOTS))
    return data


def _builder(request: HttpRequest, course: Course, quiz: Quiz | None) -> HttpResponse:
    """Show the builder for a new (quiz None) or existing quiz, and save it when valid."""
    slots = quiz_slot_list(quiz=quiz) if quiz else []
    used = frozenset(s.question_id for s in slots if s.kind == SlotKind.FIXED)
    article = (quiz.article if quiz and quiz.article_id else None) or course.article
    owner = None if quiz and quiz.course_id is None else course  # a shared quiz: shared bank
    tags = frozenset(s.pool_tag_id for s in slots if s.pool_tag_id)
    bank = quiz_bank(course=owner, article=article, also=used, also_tags=tags)
    adding = request.method == "POST" and "add_rows" in request.POST
    data = _with_more_rows(request.POST) if adding else request.POST or None
    form = QuizForm(data, bank=bank, initial=quiz_initial(quiz), judge=not adding)
    formset = SlotFormSet(
        data,
        bank=bank,
        keep=used,
        judge=not adding,
        prefix=SLOTS_PREFIX,
        initial=slot_initial(slots),
    )
    if data is not None and not adding and form.is_valid() and formset.is_valid():
        try:
            saved = _save(request, course, quiz, form, formset)
        except QuizInvalid as error:  # the bank changed between the checks and the save
            _show_problems(error, form, formset)
        except QuizNotEditable as error:  # the user's role was taken away meanwhile
            raise PermissionDenied(error.message) from error
        else:
            messages.success(request, _("Quiz “%(title)s” saved.") % {"title": saved.title})
            return redirect("teach:quiz_edit", course.slug, saved.pk)
    context = {
        "course": course,
        "teach_area": "quizzes",
        "quiz": quiz,
        "form": form,
        "formset": formset,
        "attempt_count": quiz_attempt_count(quiz=quiz) if quiz else 0,
    }
    return render(request, "quizzes/teach/quiz_form.html", context)


def _show_problems(error: QuizInvalid, form: QuizForm, formset) -> None:
    rows = formset.kept_forms()
    for problem in error.problems:
        add_problems(rows[problem.slot] if problem.slot is not None else form, [problem])


def _save(request: HttpRequest, course: Course, quiz: Quiz | None, form, formset) -> Quiz:
    fields, slots = form.rules(), formset.slots()
    if quiz is None:
        return quiz_create(course=course, actor=request.user, fields=fields, slots=slots)
    return quiz_update(quiz=quiz, actor=request.user, fields=fields, slots=slots)


@instructor_required
@require_http_methods(["GET", "POST"])
def quiz_new(request: HttpRequest, course: Course) -> HttpResponse:
    """Build a new quiz of the course."""
    return _builder(request, course, None)


@instructor_required
@require_http_methods(["GET", "POST"])
def quiz_edit(request: HttpRequest, course: Course, quiz: int) -> HttpResponse:
    """Change a quiz's rules and slots; shared quizzes are the site admins' (others get a 403
    page saying so and offering a copy)."""
    quiz_obj = _quiz_or_404(course, quiz)
    if not can_edit_quiz(request.user, quiz_obj):
        return shared_read_only(
            request,
            course,
            kind="quiz",
            title=quiz_obj.title,
            duplicate_url=reverse("teach:quiz_duplicate", args=[course.slug, quiz_obj.pk]),
            preview_url=reverse("teach:quiz_preview", args=[course.slug, quiz_obj.pk]),
            back_url=reverse("teach:quizzes", args=[course.slug]),
        )
    return _builder(request, course, quiz_obj)


@instructor_required
@require_POST
def quiz_duplicate_view(request: HttpRequest, course: Course, quiz: int) -> HttpResponse:
    """Copy a quiz (its own or a shared one) into the course as an editable, unpublished quiz."""
    try:
        copy = quiz_duplicate(quiz=_quiz_or_404(course, quiz), course=course, actor=request.user)
    except QuizNotEditable as error:
        raise PermissionDenied(error.message) from error
    text = _("Copied into this course as “%(title)s”, not yet published.")
    messages.success(request, text % {"title": copy.title})
    return redirect("teach:quiz_edit", course.slug, copy.pk)


@instructor_required
@require_GET
def quiz_preview_view(request: HttpRequest, course: Course, quiz: int) -> HttpResponse:
    """The quiz as a learner gets it (or its review), drawn afresh and never recorded."""
    quiz_obj = _quiz_or_404(course, quiz)
    options = PreviewForm(request.GET)
    if not options.is_valid():
        return HttpResponseBadRequest(_("The preview's options are not valid."))
    seed = options.cleaned_data["seed"]
    if seed is None:
        seed = random.SystemRandom().randrange(2**31)
    show_review = options.cleaned_data["review"]
    context = {
        "course": course,
        "teach_area": "quizzes",
        "quiz": quiz_obj,
        "seed": seed,
        "show_review": show_review,
        "can_edit": can_edit_quiz(request.user, quiz_obj),
        "url": reverse("teach:quiz_preview", args=[course.slug, quiz_obj.pk]),
    }
    try:
        preview = quiz_preview(
            quiz=quiz_obj, course=course, actor=request.user, rng=random.Random(seed)
        )
    except QuizUnavailable as error:
        context["error"] = error.message
        return render(request, "quizzes/teach/quiz_preview.html", context, status=409)
    if show_review:
        context["items"] = review_items(preview.attempt, preview.responses)
    else:
        context["views"] = attempt_question_views(preview.attempt, preview.responses)
    return render(request, "quizzes/teach/quiz_preview.html", context)


urlpatterns = [
    path("quizzes/", quiz_list, name="quizzes"),
    path("quizzes/new/", quiz_new, name="quiz_new"),
    path("quizzes/<id:quiz>/edit/", quiz_edit, name="quiz_edit"),
    path("quizzes/<id:quiz>/duplicate/", quiz_duplicate_view, name="quiz_duplicate"),
    path("quizzes/<id:quiz>/preview/", quiz_preview_view, name="quiz_preview"),
]
