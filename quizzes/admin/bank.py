"""Admin of the question bank: questions, their versions (shown, never edited) and tags."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .. import models
from ..admin_guard import GuardedAdmin
from .read_only import ReadOnlyAdmin


class QuestionVersionInline(admin.TabularInline):
    """Versions are immutable: shown, never edited here (edit a question to add a version)."""

    model = models.QuestionVersion
    fk_name = "question"
    fields = ("number", "qtype", "stem", "created_by", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.Question)
class QuestionAdmin(GuardedAdmin):
    list_display = ("__str__", "qtype", "section", "difficulty", "bloom_level", "status")
    list_filter = ("status", "qtype", "difficulty", "bloom_level", "section__article", "section")
    search_fields = ("key", "versions__stem")
    list_select_related = ("section", "current_version")
    readonly_fields = ("qtype", "current_version", "created_by", "created_at", "updated_at")
    filter_horizontal = ("concepts",)
    inlines = [QuestionVersionInline]


@admin.register(models.QuestionVersion)
class QuestionVersionAdmin(ReadOnlyAdmin):
    list_display = ("question", "number", "qtype", "stem", "created_at")
    list_filter = ("qtype",)
    search_fields = ("stem", "question__key")
    list_select_related = ("question",)


@admin.register(models.Tag)
class TagAdmin(GuardedAdmin):
    list_display = ("name", "question_count")
    search_fields = ("name",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(questions_tagged=Count("questions"))

    @admin.display(description=_("questions"), ordering="questions_tagged")
    def question_count(self, tag: models.Tag) -> int:
        return tag.questions_tagged
