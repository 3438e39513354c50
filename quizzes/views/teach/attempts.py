"""Instructor pages: one attempt as staff see it (answers as the learner saw them, every step
with its time and mark, the review with keys), and marks or grades given by hand."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST, require_safe

from ...errors import AttemptNotFound, DomainError
from ...forms.grading import GradeForm, MarkForm
from ...models import Attempt, AttemptState, Course
from ...selectors.accommodations import attempt_terms, describe
from ...selectors.attempt_record import (
    attempt_for_staff,
    attempt_steps,
    grading_history_once,
    learner_quiz_attempts,
    staff_responses,
)
from ...services.grading import OverrideNotAllowed, attempt_override_grade, response_override_mark
from ...staff_presenters import staff_questions
from .common import instructor_required


def _attempt_or_404(course: Course, attempt_id: int) -> Attempt:
    attempt = attempt_for_staff(course=course, attempt_id=attempt_id)
    if attempt is None:
        raise Http404("No such attempt in this course.")
    return attempt


def _page(
    request: HttpRequest,
    course: Course,
    attempt: Attempt,
    *,
    mark_forms: dict[int, MarkForm] | None = None,
    grade_form: GradeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    steps = attempt_steps(attempt)
    history = grading_history_once(attempt, steps)
    responses = staff_responses(attempt)
    questions = staff_questions(attempt, responses, steps, history)
    mark_forms = mark_forms or {}
    for question in questions:
        question.form = mark_forms.get(question.response.question_id) or MarkForm(
            auto_id=f"id_q{question.response.question_id}_%s"
        )
    duration = attempt.submitted_at - attempt.started_at if attempt.submitted_at else None
    return render(
        request,
        "quizzes/teach/attempt.html",
        {
            "course": course,
            "attempt": attempt,
            "quiz": attempt.quiz,
            "learner": attempt.user,
            "questions": questions,
            "history": history,
            "duration": duration,
            "is_submitted": attempt.state == AttemptState.SUBMITTED,
            "siblings": learner_quiz_attempts(attempt),
            "accommodation": describe(attempt_terms(attempt)),
            "grade_form": grade_form or GradeForm(),
            # A refused form is shown where it is; its error is repeated at the top.
            "refused": any(
                form.errors for form in [grade_form, *mark_forms.values()] if form is not None
            ),
            "teach_area": "results",
        },
        status=status,
    )


@require_safe
@instructor_required
def attempt_detail(request: HttpRequest, course: Course, attempt: int) -> HttpResponse:
    """What the learner answered and when: each question as they saw it, its steps, the key."""
    return _page(request, course, _attempt_or_404(course, attempt))


def _refused(form, error: DomainError) -> None:
    """Show a service's refusal on the form (it checks again what the form let through)."""
    if isinstance(error, OverrideNotAllowed):
        raise PermissionDenied(error.message)
    if isinstance(error, AttemptNotFound) or error.code == "unknown_question":
        raise Http404(error.message)
    form.add_error(None, error.message)


@instructor_required  # first: a stranger is sent to log in, whatever the method
@require_POST
def attempt_mark(request: HttpRequest, course: Course, attempt: int, question: int) -> HttpResponse:
    """Give one question a mark by hand, or comment on it."""
    attempt_obj = _attempt_or_404(course, attempt)
    form = MarkForm(request.POST, auto_id=f"id_q{question}_%s")
    if form.is_valid():
        try:
            response_override_mark(
                attempt_id=attempt_obj.pk,
                question_id=question,
                actor=request.user,
                mark=form.cleaned_data["mark"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, "Saved: the attempt's history shows the change.")
            url = reverse("teach:attempt", args=[course.slug, attempt_obj.pk])
            return redirect(f"{url}#q{question}")
    return _page(request, course, attempt_obj, mark_forms={question: form}, status=400)


@instructor_required  # first: a stranger is sent to log in, whatever the method
@require_POST
def attempt_grade(request: HttpRequest, course: Course, attempt: int) -> HttpResponse:
    """Give the whole attempt its grade by hand, or withdraw that grade."""
    attempt_obj = _attempt_or_404(course, attempt)
    form = GradeForm(request.POST)
    if form.is_valid():
        withdraw = form.cleaned_data["withdraw"]
        try:
            attempt_override_grade(
                attempt_id=attempt_obj.pk,
                actor=request.user,
                score=None if withdraw else form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, "Saved: the attempt's grade and its history are updated.")
            return redirect("teach:attempt", course=course.slug, attempt=attempt_obj.pk)
    return _page(request, course, attempt_obj, grade_form=form, status=400)


urlpatterns = [
    path("attempts/<id:attempt>/", attempt_detail, name="attempt"),
    path("attempts/<id:attempt>/grade/", attempt_grade, name="attempt_grade"),
    path("attempts/<id:attempt>/questions/<id:question>/mark/", attempt_mark, name="attempt_mark"),
]
