"""Flashcard pages (spaced repetition with FSRS): the queue, rating, undo and the daily limit.

The rules (queue order, the daily limit of new cards, undo, how long a review may take) live in
services/study.py and selectors/study_queue.py; these views only adapt them to forms.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from .. import clock
from ..errors import CardNotFound, DomainError, InvalidRating, NothingToUndo, TooManyWrites
from ..models import Course, ReviewCard
from ..models.study import NEW_CARDS_PER_DAY_MAX
from ..scheduling import RATING_NAMES, rating_previews
from ..selectors.exam_protection import user_guard
from ..selectors.study import card_faces
from ..selectors.study_queue import (
    new_cards_due,
    next_due_at,
    study_queue,
    undoable_reviews,
)
from ..services.study import (
    cards_ensure_for_article,
    review_record,
    review_undo,
    study_preferences_update,
)
from .common import course_for_member, too_many_writes


class NewCardsPerDayForm(forms.Form):
    """The learner's daily limit of new cards (the service checks it again)."""

    new_cards_per_day = forms.IntegerField(
        label="New cards per day", min_value=0, max_value=NEW_CARDS_PER_DAY_MAX
    )


def _epoch_ms(moment: datetime) -> int:
    """Milliseconds since the epoch: what the form carries to time a review."""
    return int(moment.timestamp() * 1000)


def _as_int(raw: str | None) -> int | None:
    """A form or query value as a number; None (which the services refuse) when not one."""
    try:
        return int(raw or "")
    except ValueError:
        return None


def _card_context(card: ReviewCard, now: datetime, revealed: bool) -> dict[str, Any]:
    """What the page shows of one card: its faces and each rating's next interval."""
    return {
        "card": card,
        "revealed": revealed,
        "previews": rating_previews(card, now),
        **vars(card_faces(card)),
    }


def _queue_context(request: HttpRequest, course: Course) -> dict[str, Any]:
    """The page's context: the first card of the queue and the queue's counts, or when the
    next card is due; the rating undo would take back; the daily limit."""
    article = course.article
    context: dict[str, Any] = {"course": course, "article": article}
    if article is None:
        return context
    # Concepts added to the article since the last visit get their cards here.
    cards_ensure_for_article(user=request.user, article=article)
    now = clock.now()
    # One guard for the whole page: cards a graded quiz protects stay out of every count.
    mine = {"user": request.user, "article": article, "now": now}
    guard = user_guard(user=request.user, now=now, course=course)
    queue = study_queue(**mine, guard=guard, first=_as_int(request.GET.get("card")))
    undo = undoable_reviews(**mine).first()
    context.update(
        now=now,
        queue=queue,
        shown_at=_as_int(request.GET.get("shown_at")) or _epoch_ms(now),
        undo_rating=RATING_NAMES[undo.rating] if undo else None,
        new_cards_per_day=queue.new_limit,
    )
    if queue.cards:
        card = queue.cards[0]
        revealed = request.GET.get("show") == str(card.pk)
        context.update(_card_context(card, now, revealed))
    else:
        context["next_due"] = next_due_at(**mine, guard=guard)
        context["new_waiting"] = new_cards_due(**mine, guard=guard)
    return context


def _page(request: HttpRequest, course: Course, status: int = 200, **extra: Any) -> HttpResponse:
    """The flashcards page, with `extra` (an error message) on top of the queue's context."""
    return render(
        request,
        "quizzes/flashcards.html",
        {**_queue_context(request, course), **extra},
        status=status,
    )


def _back_to_queue(course: Course, **query: Any) -> HttpResponse:
    """303 to the queue: the browser follows with a GET, so a reload cannot repeat a POST."""
    url = reverse("quizzes:flashcards", kwargs={"course": course.slug})
    response = HttpResponseRedirect(f"{url}?{urlencode(query)}" if query else url)
    response.status_code = 303
    return response


@login_required
def flashcards(request: HttpRequest, course: str) -> HttpResponse:
    """The learner's queue for this course's article: one card, its answer once revealed."""
    course_obj, _role = course_for_member(request.user, course)
    return _page(request, course_obj)


def _duration_ms(raw: str | None) -> int | None:
    """Time since the card was shown, from the form's `shown_at`; None when the field is
    missing or says the card was shown in the future (another server's clock)."""
    shown_at = _as_int(raw)
    if shown_at is None:
        return None
    elapsed = _epoch_ms(clock.now()) - shown_at
    return elapsed if elapsed >= 0 else None


@login_required
@require_POST
def flashcard_review(request: HttpRequest, course: str, card: int) -> HttpResponse:
    """Record a rating (again / hard / good / easy) for one card of this course's flashcards
    (POST); a card the learner may not study here is a 404 (`review_record` says which)."""
    course_obj, _role = course_for_member(request.user, course)
    if course_obj.article is None:
        raise Http404("This course has no flashcards.")
    try:
        review_record(
            user=request.user,
            card_id=card,
            rating=_as_int(request.POST.get("rating")),
            duration_ms=_duration_ms(request.POST.get("shown_at")),
            article=course_obj.article,
        )
    except CardNotFound:
        raise Http404("No such card.") from None
    except InvalidRating as error:
        return _page(request, course_obj, status=400, error=error.message)
    except TooManyWrites as error:
        return too_many_writes(request, error)
    return _back_to_queue(course_obj)


@login_required
@require_POST
def flashcard_undo(request: HttpRequest, course: str) -> HttpResponse:
    """Take back the last rating of the session; the card it restores is shown again."""
    course_obj, _role = course_for_member(request.user, course)
    if course_obj.article is None:
        raise Http404("This course has no flashcards.")
    try:
        undone = review_undo(user=request.user, article=course_obj.article)
    except NothingToUndo as error:
        return _page(request, course_obj, status=409, error=error.message)
    messages.info(request, f"Rating undone ({RATING_NAMES[undone.rating]}): the card is back.")
    return _back_to_queue(course_obj, card=undone.card_id)


@login_required
@require_POST
def flashcard_settings(request: HttpRequest, course: str) -> HttpResponse:
    """Change the learner's daily limit of new cards."""
    course_obj, _role = course_for_member(request.user, course)
    form = NewCardsPerDayForm(request.POST)
    try:
        value = form.cleaned_data["new_cards_per_day"] if form.is_valid() else None
        preferences = study_preferences_update(user=request.user, new_cards_per_day=value)
    except DomainError as error:
        return _page(request, course_obj, status=400, error=error.message)
    messages.success(request, f"New cards per day: {preferences.new_cards_per_day}.")
    return _back_to_queue(course_obj)
