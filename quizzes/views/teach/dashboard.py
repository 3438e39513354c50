"""The instructor's start page for a course."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from ...models import Course, Question, Quiz
from ...permissions import courses_taught
from ...selectors import quiz_list_for_course
from .common import instructor_required


@instructor_required
def dashboard(request: HttpRequest, course: Course) -> HttpResponse:
    """Links to the bank, the quizzes, import/export and each quiz's results."""
    quizzes = list(quiz_list_for_course(course=course))
    return render(
        request,
        "quizzes/teach/dashboard.html",
        {
            "course": course,
            "quizzes": quizzes,
            "own_question_count": Question.objects.filter(course=course).count(),
            "other_courses": courses_taught(request.user).exclude(pk=course.pk),
            "quiz_model": Quiz,
        },
    )


urlpatterns = [path("", dashboard, name="dashboard")]
