"""LTI 1.3: platforms and deployments (with their approval and the one-time registration links
that let a platform register itself active), the tool's keys, launch state, identities,
resource links, course services and the outbox of scores waiting to go back to the platform.

A *registration* is one deployment of one platform (issuer + client id + deployment id): users
and courses belong to a registration, never to an issuer alone, because one issuer can stand
for many schools (Instructure-hosted Canvas) or for a second registration someone else made.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .attempts import Attempt
from .delivery import Course


class RegisteredVia(models.TextChoices):
    MANUAL = "manual", _("by hand (command or admin)")
    DYNAMIC = "dynamic", _("dynamic registration (needs approval)")
    INVITE = "invite", _("dynamic registration through a registration link")


class PlatformStatus(models.TextChoices):
    """What an administrator sees of a platform: only an active one may log in and launch."""

    ACTIVE = "active", _("active")
    PENDING = "pending", _("awaiting approval")
    DEACTIVATED = "deactivated", _("deactivated")


class LtiPlatform(models.Model):
    """A registered LMS: one issuer and client id, where to log in, get tokens and its keys."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    issuer = models.CharField(_("issuer"), max_length=255)
    client_id = models.CharField(_("client id"), max_length=255)
    auth_login_url = models.URLField(_("OIDC authorisation URL"), max_length=500)
    auth_token_url = models.URLField(_("OAuth2 token URL"), max_length=500)
    auth_audience = models.CharField(
        _("token audience"),
        max_length=500,
        blank=True,
        help_text=_("Empty: the token URL (what most platforms expect)."),
    )
    key_set_url = models.URLField(_("JWKS URL"), max_length=500)
    key_set = models.JSONField(_("cached JWKS"), null=True, blank=True, editable=False)
    key_set_fetched_at = models.DateTimeField(_("JWKS fetched at"), null=True, blank=True)
    admins_see_platform_courses = models.BooleanField(
        _("platform administrators manage all its courses"),
        default=True,
        help_text=_(
            "LTI Administrators launched from this platform may manage every course that came "
            "from it (never other platforms' courses or the site)."
        ),
    )
    registered_via = models.CharField(
        _("registered via"), max_length=10, choices=RegisteredVia, default=RegisteredVia.MANUAL
    )
    # Added by an administrator (command or admin): active at once. A dynamic registration
    # without a registration link is stored inactive until an administrator approves it.
    is_active = models.BooleanField(_("active"), default=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)
    deactivated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deactivated by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("LTI platform")
        verbose_name_plural = _("LTI platforms")
        ordering = ["issuer", "client_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "client_id"], name="unique_lti_platform_client"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.issuer} ({self.client_id})"

    @property
    def status(self) -> str:
        """Active, awaiting a first approval, or deactivated after one (or never approved)."""
        if self.is_active:
            return PlatformStatus.ACTIVE
        if self.approved_at is None and self.registered_via == RegisteredVia.DYNAMIC:
            return PlatformStatus.PENDING
        return PlatformStatus.DEACTIVATED


class LtiRegistrationInvite(models.Model):
    """A one-time registration link a site administrator hands to one platform's administrator:
    the platform that registers through it is active at once. Only the token's SHA-256 is
    stored, so the database (or a backup) cannot be used to register."""

    token_hash = models.CharField(_("token hash (SHA-256)"), max_length=64, unique=True)
    note = models.CharField(
        _("for"), max_length=200, blank=True, help_text=_("Whom the link is for; shown to you.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    platform = models.ForeignKey(
        LtiPlatform,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invites",
        verbose_name=_("platform registered"),
    )

    class Meta:
        verbose_name = _("LTI registration link")
        verbose_name_plural = _("LTI registration links")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.note or f"registration link {self.pk}"


class LtiDeployment(models.Model):
    """A deployment of the tool on a platform; launches must name a known one."""

    platform = models.ForeignKey(LtiPlatform, on_delete=models.CASCADE, related_name="deployments")
    deployment_id = models.CharField(_("deployment id"), max_length=255)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("LTI deployment")
        verbose_name_plural = _("LTI deployments")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "deployment_id"], name="unique_lti_deployment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deployment_id} on {self.platform}"


class LtiKey(models.Model):
    """One of the tool's RSA key pairs. The newest live key signs; every live key is published.

    A rotated key keeps being published until `retires_at` so tokens it signed still verify.
    """

    kid = models.CharField(_("key id"), max_length=64, unique=True)
    private_key_pem = models.TextField(_("private key (PEM)"), editable=False)
    public_jwk = models.JSONField(_("public key (JWK)"), editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    retires_at = models.DateTimeField(_("retires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("LTI tool key")
        verbose_name_plural = _("LTI tool keys")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.kid


class LtiLoginState(models.Model):
    """The state and nonce of one OIDC login, consumed (deleted) by its launch: single use."""

    state = models.CharField(max_length=64, primary_key=True)
    nonce = models.CharField(max_length=64)
    platform = models.ForeignKey(LtiPlatform, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("LTI login state")
        verbose_name_plural = _("LTI login states")

    def __str__(self) -> str:
        return self.state


class LtiIdentity(models.Model):
    """Who a platform user is here: keyed by registration (deployment) and `sub`, never by
    e-mail or by issuer alone. Several identities may lead to one user (accounts from before
    registrations scoped them keep working in every deployment they were used in)."""

    # Kept beside the deployment for the admin's lists and searches.
    issuer = models.CharField(_("issuer"), max_length=255)
    # Empty only for an identity from before the migration whose deployment could not be told;
    # no launch finds it.
    deployment = models.ForeignKey(
        LtiDeployment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="identities",
        verbose_name=_("deployment"),
    )
    sub = models.CharField(_("subject (sub)"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_identities"
    )
    is_platform_admin = models.BooleanField(_("platform administrator"), default=False)
    last_launch_at = models.DateTimeField(_("last launch"), null=True, blank=True)

    class Meta:
        verbose_name = _("LTI identity")
        verbose_name_plural = _("LTI identities")
        constraints = [
            models.UniqueConstraint(
                fields=["deployment", "sub"], name="unique_lti_identity_per_deployment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sub} @ {self.issuer}"


class LtiContext(models.Model):
    """Which registration a course belongs to (platform, deployment, the platform's context
    id) and its LTI services: the roster (NRPS) URL."""

    course = models.OneToOneField(Course, on_delete=models.CASCADE, related_name="lti_context")
    platform = models.ForeignKey(LtiPlatform, on_delete=models.CASCADE, related_name="contexts")
    # Empty only for a course from before the migration whose platform has several
    # deployments: the first launch from that platform for the context fills it in.
    deployment = models.ForeignKey(
        LtiDeployment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contexts",
        verbose_name=_("deployment"),
    )
    context_id = models.CharField(_("context id"), max_length=255, blank=True)
    memberships_url = models.URLField(_("NRPS memberships URL"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("LTI context")
        verbose_name_plural = _("LTI contexts")
        constraints = [
            models.UniqueConstraint(
                fields=["deployment", "context_id"], name="unique_lti_context_per_deployment"
            ),
        ]

    def __str__(self) -> str:
        return str(self.course)


class LtiResourceLink(models.Model):
    """A link placed in a platform's course: what it opens, and its grade column (AGS)."""

    platform = models.ForeignKey(
        LtiPlatform, on_delete=models.CASCADE, related_name="resource_links"
    )
    resource_link_id = models.CharField(_("resource link id"), max_length=255)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lti_links")
    title = models.CharField(_("title"), max_length=300, blank=True)
    target = models.CharField(_("target"), max_length=150, default="home")
    lineitems_url = models.URLField(_("line items URL"), max_length=500, blank=True)
    lineitem_url = models.URLField(_("line item URL"), max_length=500, blank=True)
    ags_scopes = models.JSONField(_("AGS scopes"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("LTI resource link")
        verbose_name_plural = _("LTI resource links")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "resource_link_id"], name="unique_lti_resource_link"
            ),
        ]
        indexes = [models.Index(fields=["course", "target"], name="lti_link_course_target")]

    def __str__(self) -> str:
        return f"{self.title or self.resource_link_id} → {self.target}"


class LtiLinkLaunch(models.Model):
    """That a user (on a registration) launched through a resource link: a quiz placed twice in
    a course sends a learner's grade only to the placements they use (outbox)."""

    link = models.ForeignKey(LtiResourceLink, on_delete=models.CASCADE, related_name="launches")
    identity = models.ForeignKey(
        LtiIdentity, on_delete=models.CASCADE, related_name="link_launches"
    )
    last_launch_at = models.DateTimeField(_("last launch"))

    class Meta:
        verbose_name = _("LTI link launch")
        verbose_name_plural = _("LTI link launches")
        constraints = [
            models.UniqueConstraint(fields=["link", "identity"], name="unique_lti_link_launch"),
        ]

    def __str__(self) -> str:
        return f"{self.identity} via {self.link}"


class ScoreStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    SUPERSEDED = "superseded", _("superseded by a newer grade")


class ScoreReason(models.TextChoices):
    SUBMIT = "submit", _("attempt submitted")
    REGRADE = "regrade", _("regrade")
    OVERRIDE = "override", _("grade given by hand")


class LtiScore(models.Model):
    """A grade to send to a platform (the outbox): written with the attempt, sent by the worker."""

    link = models.ForeignKey(LtiResourceLink, on_delete=models.CASCADE, related_name="scores")
    identity = models.ForeignKey(LtiIdentity, on_delete=models.CASCADE, related_name="scores")
    attempt = models.ForeignKey(
        Attempt, on_delete=models.SET_NULL, null=True, blank=True, related_name="lti_scores"
    )
    reason = models.CharField(_("reason"), max_length=10, choices=ScoreReason)
    score_given = models.DecimalField(_("score given"), max_digits=8, decimal_places=2)
    score_maximum = models.DecimalField(
        _("score maximum"), max_digits=8, decimal_places=2, default=Decimal(100)
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ScoreStatus, default=ScoreStatus.PENDING
    )
    tries = models.PositiveSmallIntegerField(_("tries"), default=0)
    next_try_at = models.DateTimeField(_("next try at"), db_index=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("LTI score")
        verbose_name_plural = _("LTI scores (outbox)")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_try_at"], name="lti_score_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(score_given__gte=0) & Q(score_maximum__gt=0),
                name="lti_score_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score_given}/{self.score_maximum} for {self.identity} ({self.status})"
