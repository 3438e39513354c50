"""The page an instructor gets instead of the editor of shared content (a question or a quiz)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ...models import Course


def shared_read_only(
    request: HttpRequest,
    course: Course,
    *,
    kind: str,
    title: str,
    duplicate_url: str,
    preview_url: str,
    back_url: str,
) -> HttpResponse:
    """403 with the reason (shared content is the site admins') and the way on: a copy.

    Still a 403, so scripts and tests see a refusal; people see why and what to do instead.
    """
    return render(
        request,
        "quizzes/teach/shared_read_only.html",
        {
            "course": course,
            "kind": kind,
            "title": title,
            "duplicate_url": duplicate_url,
            "preview_url": preview_url,
            "back_url": back_url,
            "teach_area": "quizzes" if kind == "quiz" else "bank",
        },
        status=403,
    )
