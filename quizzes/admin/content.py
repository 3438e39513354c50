"""Admin of the study material: articles with their sections, paragraphs, footnotes, summaries
and concepts."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .. import models
from ..admin_guard import GuardedAdmin


class SectionInline(admin.TabularInline):
    model = models.Section
    fields = ("position", "heading", "slug")
    extra = 0


@admin.register(models.Article)
class ArticleAdmin(GuardedAdmin):
    list_display = ("title", "author", "published_on", "has_full_text", "full_text_imported_at")
    search_fields = ("title", "author")
    readonly_fields = ("full_text_sha256", "full_text_imported_at", "created_at", "updated_at")
    inlines = [SectionInline]

    @admin.display(boolean=True, description=_("full text"))
    def has_full_text(self, obj):
        return obj.has_full_text


class SummaryInline(admin.StackedInline):
    model = models.Summary
    extra = 0


@admin.register(models.Section)
class SectionAdmin(GuardedAdmin):
    list_display = ("heading", "article", "position", "slug")
    list_filter = ("article",)
    search_fields = ("heading", "slug")
    inlines = [SummaryInline]


@admin.register(models.Paragraph)
class ParagraphAdmin(GuardedAdmin):
    list_display = ("__str__", "kind", "excerpt")
    list_filter = ("kind", "section__article", "section")
    search_fields = ("text",)
    list_select_related = ("section",)

    @admin.display(description=_("text"))
    def excerpt(self, obj):
        return obj.text[:100]


@admin.register(models.Footnote)
class FootnoteAdmin(GuardedAdmin):
    list_display = ("number", "article", "text", "url")
    list_filter = ("article",)
    search_fields = ("text", "url")
    raw_id_fields = ("paragraph",)


@admin.register(models.Summary)
class SummaryAdmin(GuardedAdmin):
    list_display = ("section", "updated_at")
    search_fields = ("overview",)


@admin.register(models.Concept)
class ConceptAdmin(GuardedAdmin):
    list_display = ("term", "slug", "section", "article")
    list_filter = ("article", "section")
    search_fields = ("term", "slug", "definition")
