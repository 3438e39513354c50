"""Flashcard pages (spaced repetition with FSRS)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import clock
from ..errors import CardNotFound, InvalidRating
from ..models import Course
from ..selectors import card_due_count, cards_due, next_due_at
from ..selectors.exam_protection import user_guard
from ..selectors.study import card_faces
from ..services.study import cards_ensure_for_article, review_record
from .common import course_for_member

# A review left open longer than this says nothing about recall; its time is not recorded.
MAX_REVIEW_MS = 60 * 60 * 1000
RATINGS = ((1, "Again"), (2, "Hard"), (3, "Good"), (4, "Easy"))


def _epoch_ms(moment: datetime) -> int:
    """Milliseconds since the epoch: what the form carries to time a review."""
    return int(moment.timestamp() * 1000)


def _queue_context(request: HttpRequest, course: Course) -> dict[str, Any]:
    """The page's context: the first due card, how many are due, or when the next one is."""
    article = course.article
    context: dict[str, Any] = {"course": course, "article": article, "ratings": RATINGS}
    if article is None:
        return context
    # Concepts added to the article since the last visit get their cards here.
    cards_ensure_for_article(user=request.user, article=article)
    now = clock.now()
    # One guard for the whole page: cards a graded quiz protects stay out of every count.
    queue = {"user": request.user, "article": article, "now": now}
    queue["guard"] = user_guard(user=request.user, now=now, course=course)
    due = cards_due(**queue, limit=1)
    context.update(now=now, card=due[0] if due else None, shown_at=_epoch_ms(now))
    if due:
        context["due_count"] = card_due_count(**queue)
        context.update(vars(card_faces(due[0])))
    else:
        context["next_due"] = next_due_at(**queue)
    return context


@login_required
def flashcards(request: HttpRequest, course: str) -> HttpResponse:
    """The due queue of the learner's cards for this course's article."""
    course_obj, _role = course_for_member(request.user, course)
    return render(request, "quizzes/flashcards.html", _queue_context(request, course_obj))


def _duration_ms(raw: str | None) -> int | None:
    """Time since the card was shown, from the form's `shown_at`; None when implausible."""
    try:
        elapsed = _epoch_ms(clock.now()) - int(raw or "")
    except ValueError:
        return None
    return elapsed if 0 <= elapsed <= MAX_REVIEW_MS else None


def _posted_rating(raw: str | None) -> int | None:
    """The posted rating as a number; None (which the service refuses) when it is not one."""
    try:
        return int(raw or "")
    except ValueError:
        return None


@login_required
@require_POST
def flashcard_review(request: HttpRequest, course: str, card: int) -> HttpResponse:
    """Record a rating (again / hard / good / easy) for one card (POST)."""
    course_obj, _role = course_for_member(request.user, course)
    try:
        review_record(
            user=request.user,
            card_id=card,
            rating=_posted_rating(request.POST.get("rating")),
            duration_ms=_duration_ms(request.POST.get("shown_at")),
        )
    except CardNotFound:
        raise Http404("No such card.") from None
    except InvalidRating as error:
        context = {**_queue_context(request, course_obj), "error": error.message}
        return render(request, "quizzes/flashcards.html", context, status=400)
    # 303: the browser follows with a GET, so reloading the queue cannot repeat the rating.
    response = HttpResponseRedirect(
        reverse("quizzes:flashcards", kwargs={"course": course_obj.slug})
    )
    response.status_code = 303
    return response
