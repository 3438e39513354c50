"""Admin of grading records: grades given by hand, regrades and each learner's quiz grade, all
read-only (the grading services write them)."""

from django.contrib import admin

from .. import models
from .read_only import ReadOnlyAdmin


@admin.register(models.AttemptGradeOverride)
class AttemptGradeOverrideAdmin(ReadOnlyAdmin):
    list_display = ("attempt", "score", "previous_score", "actor", "created_at")
    list_select_related = ("attempt__user", "attempt__quiz", "actor")
    search_fields = ("attempt__user__username", "comment")


@admin.register(models.Regrade)
class RegradeAdmin(ReadOnlyAdmin):
    list_display = ("quiz", "created_by", "created_at", "attempt_count", "changed_count")
    list_filter = ("quiz",)
    list_select_related = ("quiz", "created_by")


@admin.register(models.QuizGrade)
class QuizGradeAdmin(ReadOnlyAdmin):
    """Derived from the attempts (services.quiz_grades): read here, changed only by them."""

    list_display = ("user", "quiz", "course", "percent", "passed", "attempt_count", "updated_at")
    list_filter = ("course", "quiz", "passed")
    search_fields = ("user__username", "user__first_name", "user__last_name", "quiz__title")
    list_select_related = ("user", "quiz", "course")
