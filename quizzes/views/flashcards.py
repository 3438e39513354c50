"""Flashcard pages (spaced repetition with FSRS)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def flashcards(request: HttpRequest, course: str) -> HttpResponse:
    """The due queue of the learner's cards for this course's article."""
    raise NotImplementedError


@login_required
def flashcard_review(request: HttpRequest, course: str, card: int) -> HttpResponse:
    """Record a rating (again / hard / good / easy) for one card (POST)."""
    raise NotImplementedError
