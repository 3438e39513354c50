"""Instructor page: the platform's roster (LTI NRPS) and who has not yet attempted a quiz."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from ...errors import PlatformUnavailable, RosterUnavailable
from ...lti.roster import roster_progress
from ...models import Course, QuizMode
from ...selectors import quiz_list_for_course
from .common import instructor_required


@instructor_required
def roster(request: HttpRequest, course: Course) -> HttpResponse:
    quizzes = list(quiz_list_for_course(course=course))
    wanted = request.GET.get("quiz", "")
    quiz = next((q for q in quizzes if str(q.pk) == wanted), None)
    if quiz is None:
        quiz = next(
            (q for q in quizzes if q.mode == QuizMode.GRADED), quizzes[0] if quizzes else None
        )
    context = {"course": course, "quizzes": quizzes, "quiz": quiz, "teach_area": "roster"}
    status = 200
    if wanted and (quiz is None or str(quiz.pk) != wanted):
        context["error"] = "That quiz is not offered in this course."
        status = 400
    elif quiz is not None:
        try:
            rows = roster_progress(course, quiz)
        except RosterUnavailable as error:
            context["error"] = error.message
        except PlatformUnavailable as error:
            context["error"] = error.message
            status = 502
        else:
            context["rows"] = rows
            context["not_attempted"] = sum(
                1 for r in rows if r.role == "learner" and r.status == "not_attempted"
            )
    return render(request, "quizzes/teach/roster.html", context, status=status)


urlpatterns = [path("roster/", roster, name="roster")]
