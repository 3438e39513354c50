"""API access: personal tokens for integrations (`Authorization: Bearer <token>`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import clock


class TokenScope(models.TextChoices):
    """What a token may do: `read` only reads (GET, HEAD, OPTIONS); `write` also changes things.

    What the user may read or change is still decided by their role, as for a browser session.
    """

    READ = "read", _("read")
    WRITE = "write", _("read and write")


class ApiTokenQuerySet(models.QuerySet):
    """Reusable filters on tokens."""

    def active(self) -> ApiTokenQuerySet:
        """Tokens that have been neither revoked nor outlived."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=clock.now())


class ApiToken(models.Model):
    """A user's API token. Only a SHA-256 of the secret is stored; the secret is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(
        _("prefix"), max_length=12, help_text=_("Shown to tell tokens apart.")
    )
    token_hash = models.CharField(_("SHA-256 of the token"), max_length=64, unique=True)
    scope = models.CharField(_("scope"), max_length=10, choices=TokenScope.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(
        _("last used at"), null=True, blank=True, help_text=_("Recorded at most once an hour.")
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope__in=TokenScope.values), name="api_token_scope_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        """Whether the token has outlived its expiry."""
        return self.expires_at <= clock.now()

    @property
    def is_active(self) -> bool:
        """Whether the token still authenticates."""
        return self.revoked_at is None and not self.is_expired

    @property
    def may_write(self) -> bool:
        """Whether the token may change things, not only read them."""
        return self.scope == TokenScope.WRITE
