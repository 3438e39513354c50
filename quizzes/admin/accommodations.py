"""Admin of accommodations and their groups: read here, kept on the course's Accommodations page."""

from django.contrib import admin

from .. import models
from .read_only import ReadOnlyAdmin


@admin.register(models.Accommodation)
class AccommodationAdmin(ReadOnlyAdmin):
    """Read here; granted, changed and removed on the course's Accommodations page, whose
    service also moves the deadlines of open attempts."""

    list_display = (
        "course",
        "learner",
        "group",
        "quiz",
        "extra_minutes",
        "time_multiplier",
        "extra_attempts",
        "closes_at",
        "updated_at",
    )
    list_filter = ("course",)
    search_fields = ("learner__username", "group__name", "quiz__title", "note")
    list_select_related = ("course", "learner", "group", "quiz")


@admin.register(models.AccommodationGroup)
class AccommodationGroupAdmin(ReadOnlyAdmin):
    """Read here; kept on the course's Accommodations page."""

    list_display = ("name", "course", "created_at")
    list_filter = ("course",)
    search_fields = ("name", "members__username")
