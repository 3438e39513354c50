"""Quiz pages: the quiz's rules, taking an attempt, saving, checking, submitting, reviewing."""

from __future__ import annotations

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from kzstudy.error_envelope import json_error

from .. import behaviours, clock
from ..answer_forms import posted_answers, raw_answer
from ..errors import AttemptNotFound, DomainError, InvalidAnswer, QuizUnavailable, TooManyWrites
from ..models import Attempt, AttemptState, QuizLayout, Response, ResponseState
from ..permissions import teaches
from ..practice_wording import penalty_rule
from ..presenters import attempt_question_views, practice_feedback, review_items
from ..qtypes import InvalidResponse
from ..selectors import (
    attempt_get_for_user,
    attempt_history,
    attempt_responses,
    quiz_list_for_course,
)
from ..selectors.accommodations import describe, effective_quiz_terms
from ..selectors.delivery import as_live
from ..selectors.response_rows import open_attempt_responses
from ..selectors.review_policy import ReviewPolicy
from ..services.attempts import (
    answer_check,
    answers_save,
    attempt_finalize_if_overdue,
    attempt_start_or_resume,
    attempt_submit,
)
from .common import course_for_member, too_many_writes


def _error(request: HttpRequest, text: str) -> None:
    """An error message for the next page, styled as Bootstrap's danger alert (the page
    renders `alert-<tags>`, and Django's own tag for an error, "error", is no Bootstrap class)."""
    messages.error(request, text, extra_tags="danger")


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _own_attempt(request: HttpRequest, attempt_id: int) -> Attempt:
    """The signed-in user's attempt, finalised first if its time ran out; 404 for anyone else's."""
    attempt = attempt_get_for_user(attempt_id=attempt_id, user=request.user)
    if attempt is None:
        raise Http404("No such attempt.")
    attempt_finalize_if_overdue(attempt=attempt)
    return attempt


@login_required
def quiz_detail(request: HttpRequest, course: str, quiz: int) -> HttpResponse:
    """A quiz's rules and the learner's attempts at it, with a start or continue button."""
    course_obj, _ = course_for_member(request.user, course)
    quiz_obj = get_object_or_404(quiz_list_for_course(course=course_obj), pk=quiz)
    history = next(
        (
            h
            for h in attempt_history(user=request.user, course=course_obj)
            if h.quiz.pk == quiz_obj.pk
        ),
        None,
    )
    attempts = history.attempts if history else []
    open_attempt = next((a for a in attempts if a.state == AttemptState.IN_PROGRESS), None)
    used = len(attempts)
    terms = effective_quiz_terms(quiz=quiz_obj, learner=request.user, course=course_obj)
    return render(
        request,
        "quizzes/quiz_detail.html",
        {
            "course": course_obj,
            "quiz": quiz_obj,
            "history": history,
            "open_attempt": open_attempt,
            "question_count": sum(s.pool_count for s in quiz_obj.slots.all()),
            "terms": terms,
            "accommodation": describe(terms),
            "attempts_left": None
            if terms.max_attempts is None
            else max(0, terms.max_attempts - used),
            "now": clock.now(),
        },
    )


@login_required
@require_POST
def quiz_start(request: HttpRequest, course: str, quiz: int) -> HttpResponse:
    """Start (or resume) an attempt and go to its first page."""
    try:
        started = attempt_start_or_resume(quiz_id=quiz, user=request.user, course_slug=course)
    except QuizUnavailable as error:
        if error.code in ("quiz_unavailable", "not_enrolled"):
            raise Http404("No such quiz in this course.") from None
        _error(request, error.message)
        return redirect("quizzes:quiz", course=course, quiz=quiz)
    except TooManyWrites as error:
        return _json_error(error) if _wants_json(request) else too_many_writes(request, error)
    return redirect("quizzes:attempt", attempt=started.attempt.pk)


def _pages(attempt: Attempt, count: int) -> int:
    return count if attempt.quiz.layout == QuizLayout.ONE_PER_PAGE else 1


@login_required
def attempt_page(request: HttpRequest, attempt: int) -> HttpResponse:
    """The attempt: questions of one page, navigation, progress, timer and saved state."""
    attempt_obj = _own_attempt(request, attempt)
    if attempt_obj.state != AttemptState.IN_PROGRESS:
        return redirect("quizzes:attempt_review", attempt=attempt_obj.pk)
    # The Check button, the penalty rule and each question's wrong tries: the behaviour's.
    is_practice = behaviours.for_quiz(attempt_obj.quiz).can_check
    views = attempt_question_views(attempt_obj, _page_responses(attempt_obj, is_practice))
    page_count = _pages(attempt_obj, len(views))
    page = min(max(_int(request.GET.get("page"), 1), 1), page_count)
    shown = views[page - 1 : page] if page_count > 1 else views
    answered = sum(1 for v in views if v.is_answered)
    return render(
        request,
        "quizzes/attempt.html",
        {
            "attempt": attempt_obj,
            "quiz": attempt_obj.quiz,
            "views": views,
            "shown": shown,
            "page": page,
            "page_count": page_count,
            "answered": answered,
            "progress": math.floor(100 * answered / len(views)) if views else 0,
            "is_practice": is_practice,
            "practice_rule": penalty_rule() if is_practice else "",
            "server_now": clock.now(),
        },
    )


def _page_responses(attempt: Attempt, is_practice: bool) -> list[Response]:
    """The open attempt's responses as they stand; in practice each with its wrong tries, in
    the same one query, for feedback that says what the tries cost."""
    if not is_practice:
        return attempt_responses(attempt=attempt)
    return [as_live(r) for r in open_attempt_responses(attempt, wrong_tries=True)]


def _page_url(attempt_id: int, page, anchor: str = "") -> str:
    url = reverse("quizzes:attempt", kwargs={"attempt": attempt_id})
    return f"{url}?page={_int(page, 1)}{anchor}"


def _int(value, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    # A page number or an id as the database holds one: a larger one names nothing (and an
    # id past 64 bits is an OverflowError in SQLite's lookups, a 500).
    return number if abs(number) < 10**18 else default


@login_required
@require_POST
def attempt_save(request: HttpRequest, attempt: int) -> HttpResponse:
    """Save the answers on a page (autosave sends one question, the form sends a page)."""
    posted = posted_answers(request.POST)
    errors = posted.errors
    try:
        result = answers_save(
            attempt_id=attempt, user=request.user, answers=posted.answers, flags=posted.flags
        )
    except AttemptNotFound:
        raise Http404("No such attempt.") from None
    except DomainError as error:
        if _wants_json(request):
            return _json_error(error)
        _error(request, error.message)
        return redirect("quizzes:attempt", attempt=attempt)
    if _wants_json(request):
        errors.update(result.messages)
    else:
        # A page posts every question it shows; one already answered right in practice keeps
        # its answer without a word (its inputs are locked: a change can only come from a
        # stale page), so Next never repeats "already answered correctly".
        errors.update(
            {
                question_id: error.message
                for question_id, error in result.errors.items()
                if error.code != "already_correct"
            }
        )
    if _wants_json(request):
        # The page counts its answered questions itself, from these states.
        return JsonResponse(
            {
                "saved": [r.question_id for r in result.saved],
                "states": {str(r.question_id): r.state for r in result.saved},
                "errors": {str(k): v for k, v in errors.items()},
                "saved_at": clock.now().isoformat(),
            },
            status=400 if errors and not result.saved else 200,
        )
    for message in errors.values():
        _error(request, message)
    here = _int(request.POST.get("page"), 1)
    if errors:
        # Stay with the answer that was not saved, and say why, rather than move on without it.
        return redirect(_page_url(attempt, here))
    goto = request.POST.get("goto", "")
    if goto == "submit":
        return redirect("quizzes:attempt_submit", attempt=attempt)
    return redirect(_page_url(attempt, _int(goto, here)))


def _json_error(error: DomainError) -> JsonResponse:
    """A refusal for the page's script: the one error envelope, with the status and headers the
    error names (as the API's)."""
    reply = json_error(error.code, error.message, error.status)
    for name, value in error.headers.items():
        reply[name] = value
    return reply


def _posted_answer(request: HttpRequest, question_id: int):
    try:
        return raw_answer(request.POST, question_id)
    except InvalidResponse as exc:
        raise InvalidAnswer(str(exc)) from None


@login_required
@require_POST
def attempt_check(request: HttpRequest, attempt: int) -> HttpResponse:
    """Practice mode: check one answer now and show its feedback."""
    question_id = _int(request.POST.get("question"), 0)
    try:
        if not _wants_json(request):
            _save_page(request, attempt)
        result = answer_check(
            attempt_id=attempt,
            user=request.user,
            question_id=question_id,
            raw=_posted_answer(request, question_id),
        )
    except AttemptNotFound:
        raise Http404("No such attempt.") from None
    except DomainError as error:
        if _wants_json(request):
            return _json_error(error)
        _error(request, error.message)
        return redirect(_page_url(attempt, request.POST.get("page")))
    if _wants_json(request):
        wrong_tries = result.wrong_tries_before + int(
            result.response.state != ResponseState.CORRECT
        )
        feedback = practice_feedback(result.response, wrong_tries=wrong_tries) or {}
        return JsonResponse(
            {
                **feedback,
                "score": str(feedback.get("score")),
                "max_mark": str(feedback.get("max_mark")),
            }
        )
    return redirect(_page_url(attempt, request.POST.get("page"), f"#q{question_id}"))


def _save_page(request: HttpRequest, attempt: int) -> None:
    """Without JavaScript, Check posts the whole page: its answers and flags are saved first,
    so checking one question neither loses the others' answers nor clears a flag just set."""
    posted = posted_answers(request.POST)
    result = answers_save(
        attempt_id=attempt, user=request.user, answers=posted.answers, flags=posted.flags
    )
    for question_id, error in {**posted.errors, **result.messages}.items():
        if question_id != _int(request.POST.get("question"), 0):
            _error(request, error)


@login_required
@require_http_methods(["GET", "POST"])
def attempt_submit_view(request: HttpRequest, attempt: int) -> HttpResponse:
    """GET: confirm, with the number of unanswered questions. POST: submit (idempotent)."""
    if request.method == "POST":
        try:
            attempt_submit(attempt_id=attempt, user=request.user)
        except AttemptNotFound:
            raise Http404("No such attempt.") from None
        return redirect("quizzes:attempt_review", attempt=attempt)
    attempt_obj = _own_attempt(request, attempt)
    if attempt_obj.state != AttemptState.IN_PROGRESS:
        return redirect("quizzes:attempt_review", attempt=attempt_obj.pk)
    views = attempt_question_views(attempt_obj, attempt_responses(attempt=attempt_obj))
    paged = _pages(attempt_obj, len(views)) > 1
    listed = [{"view": v, "url": _question_url(attempt_obj.pk, v.response, paged)} for v in views]
    return render(
        request,
        "quizzes/attempt_submit.html",
        {
            "attempt": attempt_obj,
            "quiz": attempt_obj.quiz,
            "views": views,
            "unanswered": [q for q in listed if not q["view"].is_answered],
            "flagged": [q for q in listed if q["view"].response.is_flagged],
        },
    )


def _question_url(attempt_id: int, response, paged: bool) -> str:
    """Where a question of the attempt is shown: its own page, or its place on the one page."""
    return _page_url(attempt_id, response.position if paged else 1, f"#q{response.question_id}")


@login_required
def attempt_review(request: HttpRequest, attempt: int) -> HttpResponse:
    """The result of a submitted attempt and, as the quiz's policy allows, its review."""
    try:
        attempt_obj = _own_attempt(request, attempt)
    except Http404:
        return _staff_view_or_404(request, attempt)
    if attempt_obj.state != AttemptState.SUBMITTED:
        return redirect("quizzes:attempt", attempt=attempt_obj.pk)
    review = ReviewPolicy.for_attempt(attempt_obj, clock.now())
    responses = attempt_responses(attempt=attempt_obj, for_review=True) if review.available else []
    items = review_items(attempt_obj, responses, review) if review.available else []
    percent = attempt_obj.percent
    return render(
        request,
        "quizzes/attempt_review.html",
        {
            "attempt": attempt_obj,
            "quiz": attempt_obj.quiz,
            "items": items,
            "review": review,
            "passed": attempt_obj.quiz.passes(percent),
            # Closed by its deadline (a submission then takes the deadline as its time).
            "timed_out": attempt_obj.deadline is not None
            and attempt_obj.submitted_at is not None
            and attempt_obj.submitted_at >= attempt_obj.deadline,
        },
    )


def _staff_view_or_404(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Staff who open a learner's review (a link shared, a URL from a complaint) land on their
    own view of the attempt when they teach its course, by the rule the staff view itself
    applies; anyone else gets the 404 a stranger's attempt gets."""
    attempt = Attempt.objects.select_related("course").filter(pk=attempt_id).first()
    if attempt is None or not teaches(request.user, attempt.course):
        raise Http404("No such attempt.")
    return redirect("teach:attempt", course=attempt.course.slug, attempt=attempt.pk)


@login_required
def my_attempts(request: HttpRequest, course: str) -> HttpResponse:
    """Every quiz's attempts in this course, with score, duration and state; best and last."""
    course_obj, _ = course_for_member(request.user, course)
    return render(
        request,
        "quizzes/my_attempts.html",
        {"course": course_obj, "history": attempt_history(user=request.user, course=course_obj)},
    )
