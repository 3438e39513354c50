"""API for instructors: a course's accommodations (extra time, extra attempts, a later close
date for a learner or a group, on one quiz or every quiz), through the same service as the
Accommodations page, so open attempts get their new deadline either way."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from ..models import Accommodation, AccommodationGroup, Quiz
from ..selectors.accommodations import course_accommodations
from ..services.accommodations import (
    AccommodationInvalid,
    AccommodationNotAllowed,
    accommodation_grant,
    accommodation_remove,
    adjustments_from,
)
from . import examples as ex
from . import serializers_teach as s
from .exceptions import error_body
from .views_teach import TeachingView

NEW_EXAMPLE = OpenApiExample(
    "15 extra minutes on every quiz",
    value={"learner": 12, "extra_minutes": 15, "note": "Reading support"},
    request_only=True,
)


GIVEN = {
    "id": 4,
    "learner": 12,
    "learner_username": "aigerim",
    "group": None,
    "group_name": None,
    "quiz": None,
    "extra_minutes": 15,
    "time_multiplier": None,
    "extra_attempts": None,
    "closes_at": None,
    "note": "Reading support",
    "updated_at": "2026-12-03T09:30:00Z",
}
GIVEN_EXAMPLE = OpenApiExample(
    "Given: 15 extra minutes on every quiz", value=GIVEN, response_only=True, status_codes=["201"]
)
PAGE_EXAMPLE = ex.PageExample(
    "The course's accommodations",
    value={
        "count": 2,
        "next": None,
        "previous": None,
        "results": [
            {
                **GIVEN,
                "id": 3,
                "learner": None,
                "learner_username": None,
                "group": 2,
                "group_name": "Extended time",
                "time_multiplier": "1.25",
                "extra_minutes": None,
                "note": "",
            },
            GIVEN,
        ],
    },
    response_only=True,
)


def _refused(error: AccommodationInvalid) -> Response:
    """The first reason by its field, every reason in `details` (400, nothing saved)."""
    field, message = next(iter(error.errors.items()))
    return Response(
        error_body(error.code, message, field or None, error.errors),
        status=status.HTTP_400_BAD_REQUEST,
    )


def _resolve(model, pk: int | None, field: str, **scope):
    """The object of that id (in the course, where given), or a 400 naming the field."""
    if pk is None:
        return None
    found = model.objects.filter(pk=pk, **scope).first()
    if found is None:
        raise ValidationError({field: f"No such {field}."})
    return found


@extend_schema_view(
    get=extend_schema(
        summary="The course's accommodations",
        operation_id="course_accommodations_list",
        description="Every accommodation of the course, groups' first, with what it gives.",
        examples=[PAGE_EXAMPLE],
    ),
    post=extend_schema(
        summary="Give an accommodation",
        operation_id="course_accommodations_create",
        description="For one learner (a member of the course) or one of its groups, on one "
        "quiz or on every quiz of the course. The open attempts it covers get their new "
        "deadline at once. A second accommodation for the same learner or group and quiz is "
        "refused (delete it first).",
        request=s.AccommodationInputSerializer,
        responses={201: s.AccommodationSerializer},
        examples=[NEW_EXAMPLE, GIVEN_EXAMPLE],
    ),
)
class AccommodationListView(TeachingView, ListAPIView):
    """List and give accommodations in the course."""

    serializer_class = s.AccommodationSerializer
    throttle_scope = "writes"

    def get_throttles(self):
        return [ScopedRateThrottle()] if self.request.method == "POST" else []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Accommodation.objects.none()
        return course_accommodations(course=self.get_course())

    def post(self, request, *args, **kwargs) -> Response:
        course = self.get_course()
        given = s.AccommodationInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            accommodation = accommodation_grant(
                actor=request.user,
                course=course,
                learner=_resolve(get_user_model(), data.get("learner"), "learner"),
                group=_resolve(AccommodationGroup, data.get("group"), "group", course=course),
                quiz=_resolve(Quiz, data.get("quiz"), "quiz"),
                adjustments=adjustments_from(data),
                note=data["note"],
            )
        except AccommodationNotAllowed as error:
            raise PermissionDenied(error.message) from None
        except AccommodationInvalid as error:
            return _refused(error)
        return Response(s.AccommodationSerializer(accommodation).data, status=201)


class AccommodationDetailView(TeachingView, APIView):
    """Take an accommodation back."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "writes"

    @extend_schema(
        summary="Remove an accommodation",
        operation_id="course_accommodation_destroy",
        description="The open attempts it covered return to the deadline of the learner's "
        "other accommodations, or of the quiz.",
        responses={204: None},
    )
    def delete(self, request, course_id: int, accommodation_id: int) -> Response:
        found = Accommodation.objects.filter(course=self.get_course(), pk=accommodation_id).first()
        if found is None:
            raise NotFound("No such accommodation in this course.")
        try:
            accommodation_remove(actor=request.user, accommodation=found)
        except AccommodationNotAllowed as error:
            raise PermissionDenied(error.message) from None
        return Response(status=status.HTTP_204_NO_CONTENT)
