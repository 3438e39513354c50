"""Admin of delivery: courses with their enrolments, quizzes with their slots."""

from django.contrib import admin

from .. import models
from ..admin_guard import GuardedAdmin


class EnrolmentInline(admin.TabularInline):
    model = models.Enrolment
    extra = 0
    raw_id_fields = ("user",)


@admin.register(models.Course)
class CourseAdmin(GuardedAdmin):
    list_display = ("title", "slug", "article", "lti_issuer", "lti_context_id")
    search_fields = ("title", "slug", "lti_context_id")
    inlines = [EnrolmentInline]


@admin.register(models.Enrolment)
class EnrolmentAdmin(GuardedAdmin):
    list_display = ("user", "course", "role", "created_at")
    list_filter = ("role", "course")
    search_fields = ("user__username", "course__title")
    raw_id_fields = ("user",)


class QuizSlotInline(admin.TabularInline):
    model = models.QuizSlot
    extra = 0
    raw_id_fields = ("question", "pinned_version")


@admin.register(models.QuizSlot)
class QuizSlotAdmin(GuardedAdmin):
    list_display = ("quiz", "position", "kind", "question", "pool_section", "pool_count", "mark")
    list_filter = ("kind", "quiz")
    list_select_related = ("quiz", "question", "pool_section")
    raw_id_fields = ("question", "pinned_version")


@admin.register(models.Quiz)
class QuizAdmin(GuardedAdmin):
    list_display = (
        "title",
        "mode",
        "course",
        "max_attempts",
        "time_limit_minutes",
        "pass_mark",
        "is_published",
    )
    list_filter = (
        "mode",
        "exam_protection",
        "review_key_after_last_attempt",
        "is_published",
        "course",
        "article",
    )
    search_fields = ("title", "key")
    inlines = [QuizSlotInline]
