"""API permissions: tiny classes, one rule each."""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from ..permissions import teaches


class TeachesCourse(BasePermission):
    """The user teaches the course named in the URL (`course_id`); views load the course."""

    message = "Only the course's instructors may use this endpoint."

    def has_permission(self, request, view) -> bool:
        course = view.get_course()
        return teaches(request.user, course)
