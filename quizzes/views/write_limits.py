"""The write limit of the pages that write what the API's "writes" throttle limits.

The API counts its writes other than a learner's attempt writes (authoring, imports, grading,
accommodations, tokens, flashcard settings and undo) in DRF's "writes" budget, per user, in
the cache (`API_WRITE_RATE`). The staff pages (teach/ and admin/) and the learner's flashcard
settings and undo pages write the same things, so each of their writes is counted in that same
budget, under the same cache key: whichever door a user writes through, the limit is one.
Past it a page answers 429 with Retry-After, on the "try again" page that offers to go back
to the form, so nothing typed is lost.

A learner's attempt writes and flashcard ratings are not counted here: their limit is checked
inside their services from the rows already written (services/answers.py), which keeps the
exam's hot path free of cache writes.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import ResolverMatch
from rest_framework.throttling import ScopedRateThrottle

from ..errors import TooManyWrites
from .common import too_many_writes

READS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Namespaces whose every write counts, and the learner's pages that count one by one.
COUNTED_NAMESPACES = frozenset({"teach", "admin"})
COUNTED_PAGES = frozenset({"quizzes:flashcard_settings", "quizzes:flashcard_undo"})
# Signing out is never refused.
NEVER_COUNTED = frozenset({"admin:logout"})


class _WritesScope:
    """What DRF's ScopedRateThrottle reads from a view: the budget's name."""

    throttle_scope = "writes"


def counts_as_write(request: HttpRequest, match: ResolverMatch | None) -> bool:
    """Whether this request spends the user's "writes" budget when it comes through a page."""
    if request.method in READS or match is None or match.view_name in NEVER_COUNTED:
        return False
    if match.namespace not in COUNTED_NAMESPACES and match.view_name not in COUNTED_PAGES:
        return False  # decided before the user is read: an answer's save reads nothing more
    return request.user.is_authenticated  # signing in has its own lockout


class PageWriteLimitMiddleware:
    """Counts a page's write in the user's "writes" budget; past it, 429 and nothing runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not counts_as_write(request, request.resolver_match):
            return None
        throttle = ScopedRateThrottle()
        if throttle.allow_request(request, _WritesScope()):
            return None
        return too_many_writes(request, TooManyWrites(max(1, math.ceil(throttle.wait() or 1))))
