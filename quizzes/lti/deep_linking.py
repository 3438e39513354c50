"""Deep linking: remembering the request between the launch and the instructor's choice, and
signing the LtiDeepLinkingResponse that places the chosen items in the platform's course."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import jwt
from django.core.cache import cache
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem

from .. import outbound
from ..models import Course, CourseRole, LtiPlatform, QuizMode
from . import claims, keys, targets, trust
from .launch import LaunchError
from .roles import map_roles
from .tool_config import find_platform, registration_for

SESSION_LIFETIME_SECONDS = 60 * 60
_PREFIX = "lti-deep-link:"
# Grades go back as a percentage, whatever the quiz's marks (see outbox).
SCORE_MAXIMUM = 100


class DeepLinkError(Exception):
    """The deep-linking request is unknown, used or expired, or the choice is invalid."""


def return_url(deep_linking_settings: Any) -> str:
    """Where the response goes: a URL the outbound policy accepts (https, well-formed, no
    private address), or DeepLinkError. The browser posts there, not the server, but the
    address is the platform's like any other, and a malformed one must be a 400, not a 500."""
    url = (
        deep_linking_settings.get("deep_link_return_url")
        if isinstance(deep_linking_settings, dict)
        else None
    )
    problem = outbound.url_problem(url)
    if problem:
        raise DeepLinkError(
            "The platform's deep-linking request has no usable return address "
            f"(deep_link_return_url {problem}); kzstudy cannot send your choice back."
        )
    return url


def check_request(body: dict) -> None:
    """Refuse, at the launch, a deep-linking request from someone who does not teach (403), or
    whose answer could not be delivered (400)."""
    roles = body.get(claims.ROLES)
    if not isinstance(roles, list) or map_roles(roles).course_role != CourseRole.INSTRUCTOR:
        raise LaunchError("Only instructors can add kzstudy content to a course.", 403)
    try:
        return_url(body.get(claims.DEEP_LINKING_SETTINGS))
    except DeepLinkError as error:
        raise LaunchError(str(error)) from error


@dataclass(frozen=True)
class PendingDeepLink:
    platform_id: int
    course_id: int
    user_id: int
    deployment_id: str
    settings: dict


def remember(*, platform: LtiPlatform, course: Course, user_id: int, body: dict) -> str:
    """Keep the request in the shared cache (any server can answer); return its one-time id."""
    token = secrets.token_urlsafe(32)
    cache.set(
        _PREFIX + token,
        {
            "platform_id": platform.pk,
            "course_id": course.pk,
            "user_id": user_id,
            "deployment_id": body[claims.DEPLOYMENT_ID],
            "settings": body[claims.DEEP_LINKING_SETTINGS],
        },
        SESSION_LIFETIME_SECONDS,
    )
    return token


def recall(token: str) -> PendingDeepLink:
    data = cache.get(_PREFIX + token) if isinstance(token, str) and token else None
    if data is None:
        raise DeepLinkError("This placement page has expired or was already used. Start again.")
    return PendingDeepLink(**data)


def placement_context(pending: PendingDeepLink) -> tuple[LtiPlatform, Course]:
    """The platform and course a remembered request places into, or LaunchError.

    Checked again at the submit: the instructor may take up to an hour to choose, and meanwhile
    a site admin may deactivate the platform or delete it or the course. A deactivated platform
    gets no signed answer, as it gets no launch; the same rule and wording as the launch.
    """
    known = LtiPlatform.objects.filter(pk=pending.platform_id).values_list("issuer", "client_id")
    issuer, client_id = known.first() or (None, None)
    platform = find_platform(issuer, client_id) if issuer else None
    if platform is None:
        refusal = trust.inactive_platform_refusal(issuer, client_id)
        raise LaunchError(refusal or "This platform is not registered with kzstudy.", 403)
    course = Course.objects.filter(pk=pending.course_id).first()
    if course is None:
        raise LaunchError(
            "The course this placement was for no longer exists in kzstudy. "
            "Start again from your course.",
            404,
        )
    return platform, course


def forget(token: str) -> bool:
    """Use the request up; False when another submission used it first."""
    return bool(cache.delete(_PREFIX + token))


def _resource(placement: targets.Placement, launch_url: str) -> DeepLinkResource:
    resource = (
        DeepLinkResource()
        .set_url(launch_url)
        .set_title(placement.title[:255])
        .set_custom_params({"target": placement.target})
    )
    quiz = placement.quiz
    if quiz is not None and quiz.mode == QuizMode.GRADED:
        resource.set_lineitem(
            LineItem()
            .set_label(quiz.title[:255])
            .set_resource_id(placement.target)
            .set_score_maximum(SCORE_MAXIMUM)
        )
    return resource


def response_jwt(
    pending: PendingDeepLink,
    chosen: list[str],
    *,
    platform: LtiPlatform,
    course: Course,
    launch_url: str,
) -> tuple[str, str]:
    """The signed response and the return URL it is posted to (the platform and course as
    `placement_context` found them)."""
    url = return_url(pending.settings)
    offered = {p.target: p for p in targets.placements(course)}
    unknown = [t for t in chosen if t not in offered]
    if unknown:
        raise DeepLinkError(f"These cannot be placed: {', '.join(unknown)[:200]}.")
    accept_multiple = pending.settings.get("accept_multiple", True) not in (False, "false")
    if not accept_multiple and len(chosen) > 1:
        raise DeepLinkError("The platform accepts one item here; choose one.")
    deep_link = DeepLink(registration_for(platform), pending.deployment_id, pending.settings)
    message = deep_link.get_message_jwt([_resource(offered[t], launch_url) for t in chosen])
    if message.get(claims.DEEP_LINKING_DATA) is None:
        message.pop(claims.DEEP_LINKING_DATA, None)
    key = keys.signing_key()
    token = jwt.encode(message, key.private_key_pem, algorithm="RS256", headers={"kid": key.kid})
    return token, url
