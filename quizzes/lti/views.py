"""LTI endpoints. Thin: each hands the request to the lti modules and renders their outcome.

The platform posts to login, launch and the deep-linking form from another site, inside a
frame, so these views are CSRF-exempt; each is protected by what it checks instead (the login
state and nonce, the signed id_token, a one-time deep-linking id).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..session_keys import SESSION_COURSE_KEY
from . import claims, deep_linking, framing, keys, targets, trust
from .launch import LaunchError, ValidLaunch, validate_launch
from .login import login_redirect
from .provisioning import Provisioned, provision
from .registration import (
    RegistrationError,
    ToolUrls,
    check_invite,
    platform_configuration,
    platform_name,
    register,
)

logger = logging.getLogger("kzstudy.lti")


def _refuse(
    request: HttpRequest, error: LaunchError | RegistrationError, what: str
) -> HttpResponse:
    """The clear page for a refused login, launch, placement or registration, logged."""
    logger.warning(
        "LTI %s refused (%s) from %s: %s",
        what,
        error.status,
        request.META.get("REMOTE_ADDR", "?"),
        error,
    )
    response = render(
        request, "lti/error.html", {"what": what, "message": error.message}, status=error.status
    )
    # Shown inside the LMS's frame, whatever its host; the page holds nothing worth hijacking.
    return framing.allow(response, ["*"])


@csrf_exempt
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """OIDC third-party login initiation (GET or POST)."""
    try:
        response = login_redirect(request)
    except LaunchError as error:
        return _refuse(request, error, "login")
    # The LMS's course page may be on any host (Canvas: the school's, not the issuer's), and this
    # page only redirects or offers a new window, so any site may frame it.
    return framing.allow(response, ["*"])


def _frame_origins(launch: ValidLaunch) -> list[str]:
    body = launch.claims
    presentation = body.get(claims.LAUNCH_PRESENTATION) or {}
    tool_platform = body.get(claims.LTI + "tool_platform") or {}
    return framing.origins(
        [
            launch.platform.issuer,
            launch.platform.auth_login_url,
            presentation.get("return_url") if isinstance(presentation, dict) else None,
            tool_platform.get("url") if isinstance(tool_platform, dict) else None,
        ]
    )


def _sign_in(request: HttpRequest, done: Provisioned, frame_origins: list[str]) -> None:
    auth_login(request, done.user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_COURSE_KEY] = done.course.pk
    request.session[framing.SESSION_KEY] = frame_origins


@csrf_exempt
def launch(request: HttpRequest) -> HttpResponse:
    """The launch: a resource link lands on its target; deep linking shows what to place."""
    if request.method != "POST":
        # A bookmark or a reload of the launch URL: say what to do rather than a bare 405.
        refused = _refuse(
            request,
            LaunchError("kzstudy opens from a link in your course; go back and use it.", 405),
            "launch",
        )
        refused["Allow"] = "POST"
        return refused
    try:
        valid = validate_launch(request)
        if valid.message_type == claims.DEEP_LINKING_REQUEST:
            deep_linking.check_request(valid.claims)
        done = provision(valid)
    except LaunchError as error:
        return _refuse(request, error, "launch")
    frame_origins = _frame_origins(valid)
    _sign_in(request, done, frame_origins)
    logger.info(
        "LTI launch: %s as %s in course %s → %s",
        done.user.get_username(),
        done.role.course_role,
        done.course.slug,
        done.target,
    )
    if valid.message_type == claims.DEEP_LINKING_REQUEST:
        token = deep_linking.remember(
            platform=valid.platform, course=done.course, user_id=done.user.pk, body=valid.claims
        )
        return framing.allow(_deep_link_page(request, done.course, token), frame_origins)
    return framing.allow(redirect(targets.url_for(done.course, done.target)), frame_origins)


def _deep_link_page(
    request: HttpRequest, course, token: str, *, error: str = "", status: int = 200
) -> HttpResponse:
    return render(
        request,
        "lti/deep_link.html",
        {
            "course": course,
            "token": token,
            "placements": targets.placements(course),
            "error": error,
        },
        status=status,
    )


@csrf_exempt
@require_POST
def deep_link_submit(request: HttpRequest) -> HttpResponse:
    """Sign the instructor's choice and post it back to the platform."""
    token = request.POST.get("launch", "")
    try:
        pending = deep_linking.recall(token)
        platform, course = deep_linking.placement_context(pending)
    except deep_linking.DeepLinkError as error:
        return _refuse(request, LaunchError(str(error)), "deep linking")
    except LaunchError as error:
        return _refuse(request, error, "deep linking")
    chosen = request.POST.getlist("target")
    if not chosen:
        return _deep_link_page(
            request, course, token, error="Choose at least one item to add.", status=400
        )
    try:
        jwt_value, return_url = deep_linking.response_jwt(
            pending,
            chosen,
            platform=platform,
            course=course,
            launch_url=request.build_absolute_uri(reverse("lti:launch")),
        )
    except deep_linking.DeepLinkError as error:
        return _deep_link_page(request, course, token, error=str(error), status=400)
    if not deep_linking.forget(token):
        return _refuse(request, LaunchError("This choice was already sent."), "deep linking")
    response = render(
        request, "lti/deep_link_return.html", {"return_url": return_url, "jwt": jwt_value}
    )
    return framing.allow(response, framing.origins([return_url]))


@require_GET
@cache_control(max_age=300, public=True)
def jwks(request: HttpRequest) -> JsonResponse:
    """The tool's public keys (every live key, so rotation has an overlap)."""
    return JsonResponse(keys.public_jwks())


def _tool_urls(request: HttpRequest) -> ToolUrls:
    return ToolUrls(
        login=request.build_absolute_uri(reverse("lti:login")),
        launch=request.build_absolute_uri(reverse("lti:launch")),
        jwks=request.build_absolute_uri(reverse("lti:jwks")),
        domain=request.get_host(),
    )


def _registration_gate(invite: str) -> None:
    """Refuse, before anything is fetched, a registration that cannot be stored: a dead
    registration link, or open registration turned off or full of platforms awaiting approval."""
    if invite:
        check_invite(invite)
        return
    if not settings.LTI_DYNAMIC_REGISTRATION:
        raise RegistrationError(
            "Registration without a registration link is turned off here; ask the kzstudy "
            "administrator for a registration link, or to register your platform by hand.",
            status=403,
        )
    if trust.pending_registrations_full():
        raise RegistrationError(
            "Too many registrations are waiting for the kzstudy administrator's approval; ask "
            "the administrator for a registration link.",
            status=503,
        )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def register_view(request: HttpRequest, invite: str = "") -> HttpResponse:
    """Dynamic registration: GET shows what will be registered; POST registers and closes.

    Through a registration link (`/lti/register/<token>/`) the platform is active at once;
    without one it is stored awaiting a site administrator's approval."""
    params = request.POST if request.method == "POST" else request.GET
    openid_configuration = params.get("openid_configuration", "")
    registration_token = params.get("registration_token", "")
    frame = framing.origins([openid_configuration])
    try:
        _registration_gate(invite)
        if not openid_configuration:
            raise RegistrationError("The registration request has no openid_configuration.")
        if request.method == "GET":
            config = platform_configuration(openid_configuration, registration_token)
            response = render(
                request,
                "lti/register_confirm.html",
                {
                    "platform_name": platform_name(config),
                    "issuer": config["issuer"],
                    "openid_configuration": openid_configuration,
                    "registration_token": registration_token,
                    "urls": _tool_urls(request),
                    "with_invite": bool(invite),
                },
            )
            return framing.allow(response, frame)
        platform = register(
            openid_configuration, registration_token, _tool_urls(request), invite=invite
        )
    except RegistrationError as error:
        return framing.allow(_refuse(request, error, "registration"), frame)
    logger.info(
        "LTI platform registered dynamically (%s): %s",
        "active, registration link" if platform.is_active else "awaiting approval",
        platform,
    )
    response = render(request, "lti/register_done.html", {"platform": platform})
    return framing.allow(response, frame)


@require_GET
def config_json(request: HttpRequest) -> JsonResponse:
    """The tool's configuration in Canvas's developer key JSON format (manual installs)."""
    urls = _tool_urls(request)
    placement = {"text": "kzstudy", "target_link_uri": urls.launch}
    return JsonResponse(
        {
            "title": "kzstudy",
            "description": "Study guides, flashcards and quizzes on a source article.",
            "oidc_initiation_url": urls.login,
            "target_link_uri": urls.launch,
            "public_jwk_url": urls.jwks,
            "scopes": claims.TOOL_SCOPES,
            "custom_fields": {},
            "extensions": [
                {
                    "domain": urls.domain,
                    "tool_id": "kzstudy",
                    "platform": "canvas.instructure.com",
                    "privacy_level": "public",
                    "settings": {
                        "text": "kzstudy",
                        "placements": [
                            {
                                **placement,
                                "placement": "link_selection",
                                "message_type": claims.DEEP_LINKING_REQUEST,
                            },
                            {
                                **placement,
                                "placement": "assignment_selection",
                                "message_type": claims.DEEP_LINKING_REQUEST,
                            },
                            {
                                **placement,
                                "placement": "course_navigation",
                                "message_type": claims.RESOURCE_LINK_REQUEST,
                            },
                        ],
                    },
                }
            ],
        }
    )
