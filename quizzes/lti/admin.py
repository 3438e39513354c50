"""Admin for LTI: register platforms by hand, see identities and links, watch the grade outbox."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .. import clock
from ..models import (
    LtiContext,
    LtiDeployment,
    LtiIdentity,
    LtiKey,
    LtiLoginState,
    LtiPlatform,
    LtiResourceLink,
    LtiScore,
    ScoreStatus,
)


class LtiDeploymentInline(admin.TabularInline):
    model = LtiDeployment
    fields = ("deployment_id", "created_at")
    readonly_fields = ("created_at",)
    extra = 1


@admin.register(LtiPlatform)
class LtiPlatformAdmin(admin.ModelAdmin):
    list_display = ("__str__", "issuer", "client_id", "registered_via", "is_active", "created_at")
    list_filter = ("is_active", "registered_via")
    search_fields = ("name", "issuer", "client_id")
    readonly_fields = ("registered_via", "key_set_fetched_at", "created_at")
    inlines = [LtiDeploymentInline]


@admin.register(LtiDeployment)
class LtiDeploymentAdmin(admin.ModelAdmin):
    list_display = ("deployment_id", "platform", "created_at")
    list_filter = ("platform",)
    search_fields = ("deployment_id",)


@admin.register(LtiLoginState)
class LtiLoginStateAdmin(admin.ModelAdmin):
    """Logins under way (each lives ten minutes at most); shown for debugging launches."""

    list_display = ("state", "platform", "created_at")
    readonly_fields = ("state", "nonce", "platform", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LtiKey)
class LtiKeyAdmin(admin.ModelAdmin):
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
class LtiIdentityAdmin(admin.ModelAdmin):
    list_display = ("sub", "issuer", "user", "is_platform_admin", "last_launch_at")
    list_filter = ("issuer", "is_platform_admin")
    search_fields = ("sub", "user__username", "user__email", "user__last_name")
    readonly_fields = ("issuer", "sub", "user", "last_launch_at")
    list_select_related = ("user",)

    def has_add_permission(self, request):
        return False


@admin.register(LtiResourceLink)
class LtiResourceLinkAdmin(admin.ModelAdmin):
    list_display = ("__str__", "course", "platform", "lineitem_url", "updated_at")
    list_filter = ("platform",)
    search_fields = ("title", "resource_link_id", "target")
    readonly_fields = ("platform", "resource_link_id", "course", "ags_scopes", "updated_at")
    list_select_related = ("course", "platform")


@admin.register(LtiContext)
class LtiContextAdmin(admin.ModelAdmin):
    list_display = ("course", "platform", "memberships_url")
    readonly_fields = ("course", "platform")
    list_select_related = ("course", "platform")


@admin.register(LtiScore)
class LtiScoreAdmin(admin.ModelAdmin):
    """The outbox: what was sent, what waits, and why a delivery failed."""

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
    list_filter = ("status", "reason", "link__platform")
    search_fields = ("identity__sub", "identity__user__username", "last_error")
    list_select_related = ("identity", "link")
    readonly_fields = [f.name for f in LtiScore._meta.fields]
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("last error"))
    def short_error(self, obj):
        return obj.last_error[:120]

    @admin.action(description=_("Send the selected failed scores again"))
    def retry_now(self, request, queryset):
        count = queryset.filter(status=ScoreStatus.FAILED).update(
            status=ScoreStatus.PENDING, tries=0, next_try_at=clock.now()
        )
        self.message_user(request, f"{count} scores queued again.")
