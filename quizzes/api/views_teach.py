"""The instructors' API: the base of its views, which load the course in the URL and its objects.

Every view on it needs a signed-in user who teaches the course in the URL (learners get 403, an
unknown course 404); objects of another course look like ones that do not exist (404). The views
themselves are in views_bank (questions), views_exchange (bank files), views_results (results,
analysis, roster, gradebook), views_grading and views_accommodations.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated

from ..models import Course, Question, Quiz
from ..selectors import question_get_for_course, quiz_get_for_results
from .permissions import TeachesCourse, TokenScopeAllows


class TeachingView:
    """The course of the URL (loaded once), and the course's objects named in the URL."""

    permission_classes = [IsAuthenticated, TokenScopeAllows, TeachesCourse]
    kwargs: dict[str, Any]

    def get_course(self) -> Course:
        """The URL's course, or 404."""
        if not hasattr(self, "_course"):
            course = (
                Course.objects.select_related("article").filter(pk=self.kwargs["course_id"]).first()
            )
            if course is None:
                raise NotFound("No such course.")
            self._course = course
        return self._course

    def get_question(self) -> Question:
        """The URL's question when the course may use it, or 404."""
        found = question_get_for_course(
            course=self.get_course(), question_id=self.kwargs["question_id"]
        )
        if found is None:
            raise NotFound("No such question in this course's bank.")
        return found

    def get_quiz(self) -> Quiz:
        """The URL's quiz when the course offers it, or 404."""
        quiz = quiz_get_for_results(course=self.get_course(), quiz_id=self.kwargs["quiz_id"])
        if quiz is None:
            raise NotFound("This quiz is not offered in this course.")
        return quiz
