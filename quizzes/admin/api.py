"""Admin of API tokens: listed and revoked here, created only by their users."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .. import models
from ..admin_guard import GuardedAdmin


@admin.register(models.ApiToken)
class ApiTokenAdmin(GuardedAdmin):
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
        from ..services.tokens import token_revoke

        for token in queryset.filter(revoked_at__isnull=True):
            token_revoke(token=token, actor=request.user)
