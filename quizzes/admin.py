"""Django admin: every model, with useful columns; attempts are read-only for everyone."""

from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from . import models
from .admin_review import ScoreBandFilter, export_attempts_csv, readable_answer, staff_page_link
from .lti import admin as _lti_admin  # noqa: F401  (registers the LTI models)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what learners did: readable by admins, never edited or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SectionInline(admin.TabularInline):
    model = models.Section
    fields = ("position", "heading", "slug")
    extra = 0


@admin.register(models.Article)
class ArticleAdmin(admin.ModelAdmin):
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
class SectionAdmin(admin.ModelAdmin):
    list_display = ("heading", "article", "position", "slug")
    list_filter = ("article",)
    search_fields = ("heading", "slug")
    inlines = [SummaryInline]


@admin.register(models.Paragraph)
class ParagraphAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "excerpt")
    list_filter = ("kind", "section__article", "section")
    search_fields = ("text",)
    list_select_related = ("section",)

    @admin.display(description=_("text"))
    def excerpt(self, obj):
        return obj.text[:100]


@admin.register(models.Footnote)
class FootnoteAdmin(admin.ModelAdmin):
    list_display = ("number", "article", "text", "url")
    list_filter = ("article",)
    search_fields = ("text", "url")
    raw_id_fields = ("paragraph",)


@admin.register(models.Summary)
class SummaryAdmin(admin.ModelAdmin):
    list_display = ("section", "updated_at")
    search_fields = ("overview",)


@admin.register(models.Concept)
class ConceptAdmin(admin.ModelAdmin):
    list_display = ("term", "slug", "section", "article")
    list_filter = ("article", "section")
    search_fields = ("term", "slug", "definition")


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
class QuestionAdmin(admin.ModelAdmin):
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


class EnrolmentInline(admin.TabularInline):
    model = models.Enrolment
    extra = 0
    raw_id_fields = ("user",)


@admin.register(models.Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "article", "lti_issuer", "lti_context_id")
    search_fields = ("title", "slug", "lti_context_id")
    inlines = [EnrolmentInline]


@admin.register(models.Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ("user", "course", "role", "created_at")
    list_filter = ("role", "course")
    search_fields = ("user__username", "course__title")
    raw_id_fields = ("user",)


class QuizSlotInline(admin.TabularInline):
    model = models.QuizSlot
    extra = 0
    raw_id_fields = ("question", "pinned_version")


@admin.register(models.QuizSlot)
class QuizSlotAdmin(admin.ModelAdmin):
    list_display = ("quiz", "position", "kind", "question", "pool_section", "pool_count", "mark")
    list_filter = ("kind", "quiz")
    list_select_related = ("quiz", "question", "pool_section")
    raw_id_fields = ("question", "pinned_version")


@admin.register(models.Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "mode",
        "course",
        "max_attempts",
        "time_limit_minutes",
        "pass_mark",
        "is_published",
    )
    list_filter = ("mode", "exam_protection", "is_published", "course", "article")
    search_fields = ("title", "key")
    inlines = [QuizSlotInline]


class ResponseInline(admin.TabularInline):
    model = models.Response
    fields = (
        "position",
        "question",
        "question_version",
        "state",
        "score",
        "max_mark",
        "answer_text",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question", "question_version")

    @admin.display(description=_("answer"))
    def answer_text(self, obj: models.Response) -> str:
        """The answer in words ("B. The 2017 amendments"), not its stored keys."""
        return readable_answer(obj, obj.answer)


@admin.register(models.Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    # Few and narrow enough columns to fit beside the menu and the filters at 1280 px: the
    # course is a filter, and the score, maximum and percent share one column.
    list_display = ("learner", "quiz", "attempt_number", "state", "result", "started_at")
    list_filter = (
        "course",
        "quiz",
        "state",
        ("started_at", admin.DateFieldListFilter),
        ScoreBandFilter,
    )
    search_fields = (
        "user__username",
        "user__first_name",
        "user__last_name",
        "quiz__title",
        "course__title",
    )
    date_hierarchy = "started_at"
    list_select_related = ("user", "quiz", "course")
    inlines = [ResponseInline]
    actions = [export_attempts_csv]
    readonly_fields = ("staff_page",)

    @admin.display(description=_("learner"), ordering="user__username")
    def learner(self, attempt: models.Attempt) -> str:
        """The learner's name, else username, cut short: an LTI account's long, unbroken
        username would otherwise push the score off a 1280 px screen (the whole in a tooltip)."""
        user = attempt.user
        label = user.get_full_name() or user.get_username()
        short = Truncator(label).chars(28)
        return format_html('<span title="{}">{}</span>', user.get_username(), short)

    @admin.display(description=_("answers and history"))
    def staff_page(self, obj: models.Attempt) -> str:
        """A link to the staff's page of the attempt: every step with its time and mark."""
        return staff_page_link(obj)

    @admin.display(description="#", ordering="number")
    def attempt_number(self, obj: models.Attempt) -> int:
        """The learner's attempt number at the quiz (a narrow column)."""
        return obj.number

    @admin.display(description=_("score"), ordering="score")
    def result(self, obj: models.Attempt) -> str:
        """Score of the maximum, with the percent: "12 / 15 (80%)"; "–" before grading."""
        if obj.score is None:
            return "–"
        text = f"{obj.score.normalize():f} / {obj.max_score.normalize():f}"
        return text if obj.percent is None else f"{text} ({obj.percent.normalize():f}%)"


@admin.register(models.Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ("attempt", "position", "question", "answer_text", "state", "score", "max_mark")
    list_filter = ("state",)
    search_fields = ("attempt__user__username", "question__key")
    list_select_related = ("attempt__user", "attempt__quiz", "question", "question_version")
    exclude = ("answer",)
    readonly_fields = ("answer_text",)

    @admin.display(description=_("answer"))
    def answer_text(self, obj: models.Response) -> str:
        """The answer in words ("B. The 2017 amendments"), not its stored keys."""
        return readable_answer(obj, obj.answer)


@admin.register(models.ResponseStep)
class ResponseStepAdmin(ReadOnlyAdmin):
    list_display = (
        "response",
        "seq",
        "kind",
        "answer_text",
        "state",
        "fraction",
        "actor",
        "created_at",
    )
    list_filter = ("kind", "state")
    list_select_related = ("response__attempt", "response__question_version", "actor")
    exclude = ("data",)
    readonly_fields = ("answer_text", "comment")

    @admin.display(description=_("answer then"))
    def answer_text(self, obj: models.ResponseStep) -> str:
        """The answer this step saved, in words; "" for steps that save none."""
        return readable_answer(obj.response, obj.data.get("answer"))

    @admin.display(description=_("comment"))
    def comment(self, obj: models.ResponseStep) -> str:
        return obj.data.get("comment", "")


@admin.register(models.AttemptGradeOverride)
class AttemptGradeOverrideAdmin(ReadOnlyAdmin):
    list_display = ("attempt", "score", "previous_score", "actor", "created_at")
    list_select_related = ("attempt__user", "attempt__quiz", "actor")
    search_fields = ("attempt__user__username", "comment")


@admin.register(models.ReviewCard)
class ReviewCardAdmin(admin.ModelAdmin):
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
class StudyPreferencesAdmin(admin.ModelAdmin):
    list_display = ("user", "new_cards_per_day", "updated_at")
    search_fields = ("user__username",)
    raw_id_fields = ("user",)


@admin.register(models.Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "question_count")
    search_fields = ("name",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(questions_tagged=Count("questions"))

    @admin.display(description=_("questions"), ordering="questions_tagged")
    def question_count(self, tag: models.Tag) -> int:
        return tag.questions_tagged


@admin.register(models.Regrade)
class RegradeAdmin(ReadOnlyAdmin):
    list_display = ("quiz", "created_by", "created_at", "attempt_count", "changed_count")
    list_filter = ("quiz",)
    list_select_related = ("quiz", "created_by")


@admin.register(models.ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created by their users (the secret is shown once); admins can revoke them."""

    list_display = (
        "user",
        "name",
        "prefix",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("scope", "revoked_at")
    search_fields = ("user__username", "name", "prefix")
    readonly_fields = (
        "user",
        "name",
        "prefix",
        "token_hash",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        from .services.tokens import token_revoke

        for token in queryset.filter(revoked_at__isnull=True):
            token_revoke(token=token, actor=request.user)


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


@admin.register(models.QuizGrade)
class QuizGradeAdmin(ReadOnlyAdmin):
    """Derived from the attempts (services.quiz_grades): read here, changed only by them."""

    list_display = ("user", "quiz", "course", "percent", "passed", "attempt_count", "updated_at")
    list_filter = ("course", "quiz", "passed")
    search_fields = ("user__username", "user__first_name", "user__last_name", "quiz__title")
    list_select_related = ("user", "quiz", "course")
