"""Admin of what learners did: attempts, their responses and each response's steps, read-only,
with answers in words, a link to the staff's page and a CSV export (`admin_review`)."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .. import models
from ..admin_review import ScoreBandFilter, export_attempts_csv, readable_answer, staff_page_link
from .read_only import ReadOnlyAdmin


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
