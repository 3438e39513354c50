"""Instructor pages: regrade a quiz's attempts in a course (dry run first, then apply)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from ...errors import DomainError
from ...models import Course
from ...selectors import quiz_list_for_course
from ...services.grading import quiz_regrade, regrade_plan
from .common import instructor_required


@instructor_required
def regrade(request: HttpRequest, course: Course, quiz: int) -> HttpResponse:
    """GET: the score changes a regrade would make. POST: apply them and record the regrade."""
    quiz_obj = get_object_or_404(quiz_list_for_course(course=course), pk=quiz)
    try:
        if request.method == "POST":
            done = quiz_regrade(quiz=quiz_obj, course=course, actor=request.user)
            messages.success(
                request,
                f"Regraded {done.attempt_count} attempts; {done.changed_count} scores changed.",
            )
            return redirect("teach:regrade", course=course.slug, quiz=quiz_obj.pk)
        plan = regrade_plan(quiz=quiz_obj, course=course)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("teach:dashboard", course=course.slug)
    return render(
        request,
        "quizzes/teach/regrade.html",
        {
            "course": course,
            "quiz": quiz_obj,
            "changes": [c for c in plan if c.changed],
            "attempt_count": len(plan),
            "history": quiz_obj.regrades.select_related("created_by")[:10],
            "teach_area": "quizzes",
        },
    )


urlpatterns = [path("quizzes/<id:quiz>/regrade/", regrade, name="regrade")]
