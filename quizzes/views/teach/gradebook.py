"""Instructor page: the course gradebook, learners × quizzes, each cell a way into the attempts."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from ...models import Course
from ...selectors.gradebook import gradebook_learners, gradebook_quizzes
from ...selectors.gradebook_cells import gradebook_page_rows
from .common import instructor_required

LEARNERS_PER_PAGE = 50


@require_safe
@instructor_required
def gradebook(request: HttpRequest, course: Course) -> HttpResponse:
    """Per learner and quiz: best and last percent and attempts, 50 learners a page."""
    page = Paginator(gradebook_learners(course=course), LEARNERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    quizzes = list(gradebook_quizzes(course=course))
    return render(
        request,
        "quizzes/teach/gradebook.html",
        {
            "course": course,
            "page": page,
            "quizzes": quizzes,
            "rows": gradebook_page_rows(course=course, learners=page, quizzes=quizzes),
            "teach_area": "gradebook",
        },
    )


urlpatterns = [path("gradebook/", gradebook, name="gradebook")]
