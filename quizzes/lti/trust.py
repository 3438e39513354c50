"""Who may become a platform kzstudy trusts: a site administrator's approval, or a one-time
registration link the administrator created (as Moodle's and Canvas's tool sides do).

A platform that registers itself without a link is stored inactive (*awaiting approval*): it
cannot log anyone in or launch until an administrator approves it. A registration link is a
random token shown once; only its SHA-256 is stored; it works once, until it expires.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.urls import reverse

from .. import clock
from ..models import LtiPlatform, LtiRegistrationInvite, PlatformStatus, RegisteredVia
from .claim_text import has_control

DEFAULT_INVITE_DAYS = 7
MAX_INVITE_DAYS = 90
# A token is 32 random bytes in URL-safe base64 (43 characters); anything else is not one.
TOKEN_BYTES = 32
TOKEN_LENGTH = 43


class InviteError(Exception):
    """A registration link that cannot be used; `message` says why (never which way it failed
    to anyone guessing tokens: unknown, used and expired read the same)."""

    def __init__(self, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


UNUSABLE_INVITE = (
    "This registration link is not valid: it was already used, has expired or never existed. "
    "Ask the kzstudy administrator for a new one."
)


@dataclass(frozen=True)
class NewInvite:
    """An invite just created, with the only copy of its token."""

    invite: LtiRegistrationInvite
    token: str

    @property
    def path(self) -> str:
        return invite_path(self.token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_prepare(
    invite: LtiRegistrationInvite,
    *,
    created_by: AbstractBaseUser | None,
    days: int = DEFAULT_INVITE_DAYS,
) -> str:
    """Fill an unsaved invite (valid for `days` days, 1 to 90) and return its token, the only
    copy there will ever be."""
    if not 1 <= days <= MAX_INVITE_DAYS:
        raise ValueError(f"A registration link lasts 1 to {MAX_INVITE_DAYS} days.")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = clock.now()
    invite.token_hash = token_hash(token)
    invite.note = invite.note.strip()[:200]
    invite.created_by = created_by
    invite.created_at = now
    invite.expires_at = now + timedelta(days=days)
    return token


def invite_path(token: str) -> str:
    """The registration URL's path; the platform appends its own query to it."""
    return reverse("lti:register_invite", args=[token])


def invite_create(
    *, created_by: AbstractBaseUser | None, note: str = "", days: int = DEFAULT_INVITE_DAYS
) -> NewInvite:
    """A new one-time registration link, saved."""
    invite = LtiRegistrationInvite(note=note)
    token = invite_prepare(invite, created_by=created_by, days=days)
    invite.save()
    return NewInvite(invite=invite, token=token)


def _usable() -> QuerySet[LtiRegistrationInvite]:
    return LtiRegistrationInvite.objects.filter(used_at__isnull=True, expires_at__gt=clock.now())


def invite_check(token: str) -> LtiRegistrationInvite:
    """The usable invite for this token, or InviteError; reads only, so a confirmation page
    can be shown before anything is fetched or stored."""
    if not isinstance(token, str) or len(token) != TOKEN_LENGTH:
        raise InviteError(UNUSABLE_INVITE)
    invite = _usable().filter(token_hash=token_hash(token)).first()
    if invite is None:
        raise InviteError(UNUSABLE_INVITE)
    return invite


def invite_claim(token: str, platform: LtiPlatform) -> LtiRegistrationInvite:
    """Spend the invite on this platform; call inside the transaction that stores it. The
    conditional update makes two registrations racing on one link end with one winner."""
    invite = invite_check(token)
    claimed = _usable().filter(pk=invite.pk).update(used_at=clock.now(), platform=platform)
    if not claimed:
        raise InviteError(UNUSABLE_INVITE)
    invite.refresh_from_db()
    return invite


def invite_state(invite: LtiRegistrationInvite) -> str:
    """What the admin shows: used, expired or usable."""
    if invite.used_at is not None:
        return "used"
    return "expired" if invite.expires_at <= clock.now() else "usable"


def pending_registrations_full() -> bool:
    """Whether open registration must wait: so many platforms already await approval that
    anonymous requests could only bury the real ones (registration links still work)."""
    limit = int(getattr(settings, "LTI_MAX_PENDING_PLATFORMS", 20))
    pending = LtiPlatform.objects.filter(
        is_active=False, approved_at__isnull=True, registered_via=RegisteredVia.DYNAMIC
    )
    return pending.count() >= limit


def inactive_platform_refusal(issuer: Any, client_id: Any) -> str | None:
    """Why a known but inactive platform's login or launch is refused (None: not known), so
    its administrator learns what to ask for instead of "not registered"."""
    if not isinstance(issuer, str) or has_control(issuer):
        return None
    platforms = LtiPlatform.objects.filter(issuer=issuer, is_active=False)
    if isinstance(client_id, str) and client_id and not has_control(client_id):
        platforms = platforms.filter(client_id=client_id)
    platform = platforms.order_by("-created_at").first()
    if platform is None:
        return None
    if platform.status == PlatformStatus.PENDING:
        return (
            "This platform's registration with kzstudy is waiting for the kzstudy "
            "administrator's approval; nobody can sign in from it until then."
        )
    return (
        "This platform's registration with kzstudy has been deactivated; ask the kzstudy "
        "administrator."
    )


def platform_approve(platform: LtiPlatform, *, by: AbstractBaseUser | None) -> bool:
    """Activate a platform and record who approved it when; False if it already was active."""
    if platform.is_active:
        return False
    platform.is_active = True
    platform.approved_at = clock.now()
    platform.approved_by = by
    platform.save(update_fields=["is_active", "approved_at", "approved_by"])
    return True


def platform_deactivate(platform: LtiPlatform, *, by: AbstractBaseUser | None) -> bool:
    """Refuse a platform's logins and launches from now on (nothing is deleted); False if it
    already was inactive."""
    if not platform.is_active:
        return False
    platform.is_active = False
    platform.deactivated_at = clock.now()
    platform.deactivated_by = by
    platform.save(update_fields=["is_active", "deactivated_at", "deactivated_by"])
    return True
