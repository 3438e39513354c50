"""Admin of flashcard study: review cards, their review logs (read-only) and study preferences."""

from django.contrib import admin

from .. import models
from ..admin_guard import GuardedAdmin
from .read_only import ReadOnlyAdmin


@admin.register(models.ReviewCard)
class ReviewCardAdmin(GuardedAdmin):
    list_display = ("user", "kind", "concept", "question", "state", "due", "review_count")
    list_filter = ("kind", "state")
    search_fields = ("user__username", "concept__term", "question__key")
    list_select_related = ("user", "concept", "question")
    raw_id_fields = ("user", "concept", "question", "question_version")


@admin.register(models.ReviewLog)
class ReviewLogAdmin(ReadOnlyAdmin):
    list_display = ("card", "rating", "reviewed_at", "due_after", "undone_at")
    list_select_related = ("card__user", "card__concept", "card__question")


@admin.register(models.StudyPreferences)
class StudyPreferencesAdmin(GuardedAdmin):
    list_display = ("user", "new_cards_per_day", "updated_at")
    search_fields = ("user__username",)
    raw_id_fields = ("user",)
