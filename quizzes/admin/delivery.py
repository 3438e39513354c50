"""Admin of delivery: courses with their enrolments, quizzes with their slots."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

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
    """A quiz's slots, to read: they change in the quiz builder."""

    model = models.QuizSlot
    extra = 0
    raw_id_fields = ("question", "pinned_version")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Quiz)
class QuizAdmin(GuardedAdmin):
    """Quizzes are read here and written in the quiz builder, the one home of their rules
    (`services/quiz_rules`) and of what a change sets off (learners' grades recomputed when the
    grading method or pass mark changes, slots' pinned versions kept). Site admins edit shared
    quizzes there too. A quiz nobody has attempted may still be deleted here."""

    list_display = (
        "title",
        "mode",
        "course",
        "max_attempts",
        "time_limit_minutes",
        "pass_mark",
        "is_published",
        "in_the_builder",
    )
    list_select_related = ("course",)
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

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Edit"))
    def in_the_builder(self, quiz: models.Quiz) -> str:
        """A link to the quiz builder, where a course's quiz is changed."""
        if quiz.course_id is None:
            return "-"
        url = reverse("teach:quiz_edit", args=[quiz.course.slug, quiz.pk])
        return format_html('<a href="{}">{}</a>', url, _("in the quiz builder"))
