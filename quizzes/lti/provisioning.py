"""Turning a valid launch into kzstudy's records: the user (by registration + sub), the course
(by registration + context id), the enrolment and role, the resource link and the course's
services.

A registration is the launch's deployment of its platform (issuer + client id + deployment id),
never the issuer alone: a second registration of the same issuer (someone else's, or another
school on Instructure's shared Canvas issuer) gets users and courses of its own and can never
sign in as, or into, the first one's.

Everything is checked before anything is written, and written in one transaction. Names and
titles lose control characters; ids holding one are refused (claim_text).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from .. import clock, outbound
from ..models import (
    Article,
    Course,
    Enrolment,
    LtiContext,
    LtiDeployment,
    LtiIdentity,
    LtiLinkLaunch,
    LtiPlatform,
    LtiResourceLink,
)
from . import claims, targets
from .claim_text import display_text, is_clean_id
from .launch import LaunchError, ValidLaunch
from .roles import MappedRole, map_roles

NO_CONTEXT_PREFIX = "~deployment~"
# The longest service URL LtiContext and LtiResourceLink hold.
MAX_SERVICE_URL_LENGTH = 500


@dataclass(frozen=True)
class Provisioned:
    user: AbstractBaseUser
    course: Course
    role: MappedRole
    link: LtiResourceLink | None
    target: str


def _text(value: Any, limit: int) -> str:
    return display_text(value, limit)


def _claim_dict(body: dict, name: str) -> dict:
    value = body.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise LaunchError(f"The launch's {name.rsplit('/', 1)[-1]} claim is not an object.")
    return value


def _username(platform: LtiPlatform, deployment: LtiDeployment, sub: str) -> str:
    # Accounts from before registrations scoped users hashed issuer and sub only; the client
    # and deployment ids keep a new registration's users from ever meeting those names.
    key = f"{platform.issuer}\n{platform.client_id}\n{deployment.deployment_id}\n{sub}"
    return "lti-" + hashlib.sha256(key.encode()).hexdigest()[:24]


def _default_article() -> Article:
    slug = getattr(settings, "KZSTUDY_LTI_ARTICLE", "")
    articles = Article.objects.order_by("pk")
    article = (articles.filter(slug=slug) if slug else articles).first()
    if article is None:
        raise LaunchError("kzstudy has no content loaded yet; ask the administrator.", 503)
    return article


OTHER_REGISTRATION = (
    "This course is already linked to kzstudy through another registration of your platform "
    "(another client id or deployment), so this one cannot open it. Launch it from the "
    "registration that created it, or ask the kzstudy administrator."
)


def _context_id(platform: LtiPlatform, deployment: LtiDeployment, body: dict) -> tuple[str, str]:
    """The platform's context id and the course title it gives."""
    context = _claim_dict(body, claims.CONTEXT)
    if not context:
        # Certification sends launches with no course; they share one course per deployment.
        context_id = NO_CONTEXT_PREFIX + deployment.deployment_id[:200]
        return context_id, f"{platform.name or platform.issuer} (no course context)"
    if not is_clean_id(context.get("id")):
        raise LaunchError("The launch's context claim has no valid id.")
    title = _text(context.get("title"), 300) or _text(context.get("label"), 300)
    return context["id"].strip(), title


def _registered_context(
    platform: LtiPlatform, deployment: LtiDeployment, context_id: str
) -> LtiContext | None:
    """The context of this registration; a context from before the migration whose deployment
    is unknown is claimed by the first launch from its own platform."""
    context = (
        LtiContext.objects.select_related("course")
        .filter(deployment=deployment, context_id=context_id)
        .first()
    )
    if context is None:
        context = (
            LtiContext.objects.select_related("course")
            .filter(platform=platform, deployment__isnull=True, context_id=context_id)
            .first()
        )
        if context is not None:
            context.deployment = deployment
            context.save(update_fields=["deployment"])
    return context


def _new_course(
    platform: LtiPlatform, deployment: LtiDeployment, context_id: str, title: str
) -> Course:
    if Course.objects.filter(lti_issuer=platform.issuer, lti_context_id=context_id).exists():
        raise LaunchError(OTHER_REGISTRATION, 409)
    digest = hashlib.sha256(f"{platform.issuer}\n{context_id}".encode()).hexdigest()[:16]
    try:
        # A savepoint: a first launch racing this one into the same course must not break the
        # launch's transaction, only lose the race (and then find the winner's course).
        with transaction.atomic():
            course = Course.objects.create(
                title=title or "Course",
                slug=f"lti-{digest}",
                article=_default_article(),
                lti_issuer=platform.issuer,
                lti_context_id=context_id,
            )
            LtiContext.objects.create(
                course=course, platform=platform, deployment=deployment, context_id=context_id
            )
    except IntegrityError:
        context = _registered_context(platform, deployment, context_id)
        if context is None:
            raise LaunchError(OTHER_REGISTRATION, 409) from None
        return context.course
    return course


def _course(platform: LtiPlatform, deployment: LtiDeployment, body: dict) -> Course:
    context_id, title = _context_id(platform, deployment, body)
    context = _registered_context(platform, deployment, context_id)
    if context is None:
        return _new_course(platform, deployment, context_id, title)
    course = context.course
    if title and course.title != title:
        course.title = title
        course.save(update_fields=["title"])
    return course


def _identity(
    platform: LtiPlatform, deployment: LtiDeployment, body: dict, role: MappedRole
) -> LtiIdentity:
    sub = body.get("sub")
    if not is_clean_id(sub):
        raise LaunchError("The launch has no valid user (sub).")
    identity = (
        LtiIdentity.objects.select_related("user").filter(deployment=deployment, sub=sub).first()
    )
    names = {
        "first_name": _text(body.get("given_name"), 150),
        "last_name": _text(body.get("family_name"), 150),
        "email": _text(body.get("email"), 254),
    }
    if not names["first_name"] and not names["last_name"]:
        names["first_name"] = _text(body.get("name"), 150)
    if identity is None:
        user = get_user_model().objects.create_user(
            username=_username(platform, deployment, sub), **names
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        identity = LtiIdentity.objects.create(
            issuer=platform.issuer, deployment=deployment, sub=sub, user=user
        )
    user = identity.user
    # Privacy launches send no name or e-mail: keep what an earlier launch told us.
    changed = [field for field, value in names.items() if value and getattr(user, field) != value]
    for field in changed:
        setattr(user, field, names[field])
    if changed:
        user.save(update_fields=changed)
    identity.is_platform_admin = role.is_platform_admin
    identity.last_launch_at = clock.now()
    identity.save(update_fields=["is_platform_admin", "last_launch_at"])
    return identity


def _remember_link_launch(link: LtiResourceLink, identity: LtiIdentity) -> None:
    """Record the placement this person launched, in one upsert: their grade goes there."""
    LtiLinkLaunch.objects.bulk_create(
        [LtiLinkLaunch(link=link, identity=identity, last_launch_at=identity.last_launch_at)],
        update_conflicts=True,
        unique_fields=["link", "identity"],
        update_fields=["last_launch_at"],
    )


def _service_url(claim: dict, field: str, what: str) -> str:
    """A service URL from a launch claim, or "" when the claim has none.

    The tool will call it later with a bearer token and the answer reaches instructors (the
    roster), so it must pass the outbound policy before it is stored: a launch naming a
    malformed, plain-http or private address is refused (400) and stores nothing. The policy
    checks the address again when the call is made.
    """
    value = claim.get(field)
    if value is None or value == "":
        return ""
    value = value.strip() if isinstance(value, str) else value
    problem = outbound.url_problem(value)
    if problem is None and len(value) > MAX_SERVICE_URL_LENGTH:
        problem = f"is longer than {MAX_SERVICE_URL_LENGTH} characters"
    if problem:
        raise LaunchError(f"The launch's {what} URL ({field}) {problem}.")
    return value


def _services(platform: LtiPlatform, course: Course, body: dict) -> None:
    nrps = _claim_dict(body, claims.NRPS)
    url = _service_url(nrps, "context_memberships_url", "roster service")
    context, created = LtiContext.objects.get_or_create(
        course=course, defaults={"platform": platform, "memberships_url": url}
    )
    if not created and (
        context.platform_id != platform.pk or (url and context.memberships_url != url)
    ):
        context.platform = platform
        context.memberships_url = url or context.memberships_url
        context.save(update_fields=["platform", "memberships_url"])


def _link(platform: LtiPlatform, course: Course, body: dict, target: str) -> LtiResourceLink:
    resource = _claim_dict(body, claims.RESOURCE_LINK)
    ags = _claim_dict(body, claims.AGS_ENDPOINT)
    scopes = ags.get("scope") if isinstance(ags.get("scope"), list) else []
    fields = {
        "course": course,
        "title": _text(resource.get("title"), 300),
        "target": target,
        "lineitems_url": _service_url(ags, "lineitems", "grade service"),
        "lineitem_url": _service_url(ags, "lineitem", "grade service"),
        "ags_scopes": [s for s in scopes if isinstance(s, str)],
    }
    link, _ = LtiResourceLink.objects.update_or_create(
        platform=platform, resource_link_id=_text(resource.get("id"), 255), defaults=fields
    )
    return link


def provision(launch: ValidLaunch) -> Provisioned:
    """Create or update the user, course, enrolment, link and services a launch describes."""
    body = launch.claims
    roles_claim = body.get(claims.ROLES)
    if not isinstance(roles_claim, list):
        raise LaunchError("The launch's roles claim is not a list.")
    role = map_roles(roles_claim)
    is_resource_launch = launch.message_type == claims.RESOURCE_LINK_REQUEST
    custom = _claim_dict(body, claims.CUSTOM)
    if is_resource_launch:
        # pylti1p3 only checks the id is truthy; a number or an over-long id would be cut to
        # a link id that other launches share.
        link_id = _claim_dict(body, claims.RESOURCE_LINK).get("id")
        if not is_clean_id(link_id):
            raise LaunchError("The launch's resource link has no valid id.")
    with transaction.atomic():
        course = _course(launch.platform, launch.deployment, body)
        target = targets.HOME
        if is_resource_launch:
            try:
                target = targets.check(course, custom.get("target"))
            except targets.TargetError as error:
                raise LaunchError(str(error)) from error
        identity = _identity(launch.platform, launch.deployment, body, role)
        user = identity.user
        Enrolment.objects.update_or_create(
            course=course, user=user, defaults={"role": role.course_role}
        )
        _services(launch.platform, course, body)
        link = _link(launch.platform, course, body, target) if is_resource_launch else None
        if link is not None:
            _remember_link_launch(link, identity)
    return Provisioned(user=user, course=course, role=role, link=link, target=target)
