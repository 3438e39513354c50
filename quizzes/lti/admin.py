"""Admin for LTI: register, approve and deactivate platforms, create one-time registration
links, see identities and links, watch the grade outbox."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .. import clock
from ..admin_guard import GuardedAdmin
from ..models import (
    LtiContext,
    LtiDeployment,
    LtiIdentity,
    LtiKey,
    LtiLinkLaunch,
    LtiLoginState,
    LtiPlatform,
    LtiRegistrationInvite,
    LtiResourceLink,
    LtiScore,
    PlatformStatus,
    RegisteredVia,
    ScoreStatus,
)
from . import trust


class LtiDeploymentInline(admin.TabularInline):
    model = LtiDeployment
    fields = ("deployment_id", "created_at")
    readonly_fields = ("created_at",)
    extra = 1


class PlatformStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return PlatformStatus.choices

    def queryset(self, request, queryset):
        pending = {
            "is_active": False,
            "approved_at__isnull": True,
            "registered_via": RegisteredVia.DYNAMIC,
        }
        if self.value() == PlatformStatus.ACTIVE:
            return queryset.filter(is_active=True)
        if self.value() == PlatformStatus.PENDING:
            return queryset.filter(**pending)
        if self.value() == PlatformStatus.DEACTIVATED:
            return queryset.filter(is_active=False).exclude(**pending)
        return queryset


@admin.register(LtiPlatform)
class LtiPlatformAdmin(GuardedAdmin):
    """Platforms: a dynamic registration without a registration link waits here for approval."""

    list_display = (
        "__str__",
        "issuer",
        "client_id",
        "registered_via",
        "status_label",
        "approved",
        "created_at",
    )
    list_filter = (PlatformStatusFilter, "registered_via")
    search_fields = ("name", "issuer", "client_id")
    readonly_fields = (
        "registered_via",
        "approved_at",
        "approved_by",
        "deactivated_at",
        "deactivated_by",
        "key_set_fetched_at",
        "created_at",
    )
    list_select_related = ("approved_by",)
    inlines = [LtiDeploymentInline]
    actions = ["approve", "deactivate"]

    @admin.display(description=_("status"))
    def status_label(self, obj: LtiPlatform) -> str:
        return PlatformStatus(obj.status).label

    @admin.display(description=_("approved"))
    def approved(self, obj: LtiPlatform) -> str:
        if obj.approved_at is None:
            return "—"
        who = obj.approved_by.get_username() if obj.approved_by else _("registration by hand")
        return f"{obj.approved_at:%Y-%m-%d %H:%M} ({who})"

    def save_model(self, request, obj, form, change):
        # Whoever adds a platform here, or ticks or unticks "active", is recorded as having
        # approved or deactivated it, as with the actions.
        if not change:
            if obj.is_active:
                obj.approved_at, obj.approved_by = clock.now(), request.user
        elif "is_active" in form.changed_data:
            if obj.is_active:
                obj.approved_at, obj.approved_by = clock.now(), request.user
            else:
                obj.deactivated_at, obj.deactivated_by = clock.now(), request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Approve the selected platforms (they may launch)"))
    def approve(self, request, queryset):
        count = sum(trust.platform_approve(p, by=request.user) for p in queryset)
        self.message_user(request, f"{count} platforms approved.")

    @admin.action(description=_("Deactivate the selected platforms (their launches are refused)"))
    def deactivate(self, request, queryset):
        count = sum(trust.platform_deactivate(p, by=request.user) for p in queryset)
        self.message_user(request, f"{count} platforms deactivated.")


class InviteForm(forms.ModelForm):
    days = forms.IntegerField(
        label=_("valid for (days)"),
        min_value=1,
        max_value=trust.MAX_INVITE_DAYS,
        initial=trust.DEFAULT_INVITE_DAYS,
    )

    class Meta:
        model = LtiRegistrationInvite
        fields = ("note",)


@admin.register(LtiRegistrationInvite)
class LtiRegistrationInviteAdmin(GuardedAdmin):
    """One-time registration links: the link is shown once, when it is created."""

    list_display = ("__str__", "state", "created_by", "created_at", "expires_at", "platform")
    list_select_related = ("created_by", "platform")
    readonly_fields = ("created_by", "created_at", "expires_at", "used_at", "platform")
    actions = ["revoke"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = InviteForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        return ("note", "days") if obj is None else ("note", *self.readonly_fields)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        token = trust.invite_prepare(obj, created_by=request.user, days=form.cleaned_data["days"])
        super().save_model(request, obj, form, change)
        link = request.build_absolute_uri(trust.invite_path(token))
        self.message_user(
            request,
            f"Registration link (shown only now; it works once, until "
            f"{obj.expires_at:%Y-%m-%d %H:%M} UTC): {link}",
            messages.SUCCESS,
        )

    @admin.display(description=_("state"))
    def state(self, obj: LtiRegistrationInvite) -> str:
        return trust.invite_state(obj)

    @admin.action(description=_("Revoke the selected links"))
    def revoke(self, request, queryset):
        count = queryset.filter(used_at__isnull=True, expires_at__gt=clock.now()).update(
            expires_at=clock.now()
        )
        self.message_user(request, f"{count} links revoked.")


@admin.register(LtiDeployment)
class LtiDeploymentAdmin(GuardedAdmin):
    list_display = ("deployment_id", "platform", "created_at")
    list_filter = ("platform",)
    search_fields = ("deployment_id",)


@admin.register(LtiLoginState)
class LtiLoginStateAdmin(GuardedAdmin):
    """Logins under way (each lives ten minutes at most); shown for debugging launches."""

    list_display = ("state", "platform", "created_at")
    readonly_fields = ("state", "nonce", "platform", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LtiKey)
class LtiKeyAdmin(GuardedAdmin):
    """The private key is never shown; rotate with `manage.py lti_rotate_keys`."""

    list_display = ("kid", "created_at", "retires_at")
    fields = ("kid", "public_jwk", "created_at", "retires_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LtiIdentity)
class LtiIdentityAdmin(GuardedAdmin):
    list_display = ("sub", "issuer", "deployment", "user", "is_platform_admin", "last_launch_at")
    list_filter = ("issuer", "is_platform_admin")
    search_fields = ("sub", "user__username", "user__email", "user__last_name")
    readonly_fields = ("issuer", "deployment", "sub", "user", "last_launch_at")
    list_select_related = ("user", "deployment__platform")

    def has_add_permission(self, request):
        return False


@admin.register(LtiResourceLink)
class LtiResourceLinkAdmin(GuardedAdmin):
    list_display = ("__str__", "course", "platform", "lineitem_url", "updated_at")
    list_filter = ("platform",)
    search_fields = ("title", "resource_link_id", "target")
    readonly_fields = ("platform", "resource_link_id", "course", "ags_scopes", "updated_at")
    list_select_related = ("course", "platform")


@admin.register(LtiLinkLaunch)
class LtiLinkLaunchAdmin(GuardedAdmin):
    """Which placement each learner last launched: their grade goes there (docs/lti.md)."""

    list_display = ("identity", "link", "last_launch_at")
    list_select_related = ("identity__user", "link")
    search_fields = ("identity__sub", "identity__user__username", "link__title")
    readonly_fields = ("link", "identity", "last_launch_at")


@admin.register(LtiContext)
class LtiContextAdmin(GuardedAdmin):
    list_display = ("course", "platform", "deployment", "context_id", "memberships_url")
    readonly_fields = ("course", "platform", "deployment", "context_id")
    list_select_related = ("course", "platform", "deployment")


@admin.register(LtiScore)
class LtiScoreAdmin(GuardedAdmin):
    """The outbox: what was sent, what waits, and why a delivery failed.

    Failed grades are announced at the top of the list (and counted by `/readyz`); filter by
    status *failed* and a platform or course, select all, and send them again.
    """

    list_display = (
        "created_at",
        "identity",
        "link",
        "score_given",
        "status",
        "tries",
        "next_try_at",
        "sent_at",
        "short_error",
    )
    list_filter = ("status", "reason", "link__platform", "link__course")
    search_fields = ("identity__sub", "identity__user__username", "last_error")
    list_select_related = ("identity", "link")
    readonly_fields = [f.name for f in LtiScore._meta.fields]
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            failed = LtiScore.objects.filter(status=ScoreStatus.FAILED).count()
            if failed:
                self.message_user(
                    request,
                    _(
                        "%(count)s grades failed for good and are not in the platforms' "
                        "gradebooks. Once the platform takes them (see last error), filter by "
                        "status failed, select them all and send them again."
                    )
                    % {"count": failed},
                    messages.WARNING,
                )
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("last error"))
    def short_error(self, obj):
        return obj.last_error[:120]

    @admin.action(description=_("Send the selected failed scores again"))
    def retry_now(self, request, queryset):
        from .outbox import resend_failed  # the outbox's HTTP stack only when it is used

        queued, replaced = resend_failed(queryset)
        message = f"{queued} scores queued again."
        if replaced:
            message += (
                f" {replaced} others were not: a newer grade of the same learner and placement"
                " is queued, delivered or failed itself."
            )
        self.message_user(request, message)
