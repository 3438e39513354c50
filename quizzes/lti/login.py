"""OIDC third-party login initiation: pylti1p3's, with the state and nonce kept in the database
(any app server can finish the launch) and its cookie check, which offers a new window when the
browser blocks cookies inside the platform's frame.

Only an active (approved) platform gets a login: anyone could otherwise register a platform
and use its login to sign a victim's browser into an account of their choosing (login CSRF).
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from pylti1p3.contrib.django import DjangoOIDCLogin
from pylti1p3.exception import OIDCException

from .. import clock
from ..models import LtiLoginState
from . import cookies, trust
from .launch import LOGIN_STATE_LIFETIME, LaunchError
from .tool_config import DatabaseToolConf

COOKIE_CHECK_TEXT = {
    "main_msg": "Your browser blocks cookies inside this course page, so kzstudy must open in "
    "its own window.",
    "click_msg": "Open kzstudy in a new window",
    "loading_msg": "Opening kzstudy…",
}


class _Login(DjangoOIDCLogin):
    def __init__(self, request: HttpRequest, tool_conf: DatabaseToolConf) -> None:
        super().__init__(request, tool_conf)
        self.tool_conf = tool_conf

    def redirect(self, launch_url: str, js_redirect: bool = False) -> HttpResponse:
        # Refuse an unknown platform before the cookie check, not one page later.
        self._registration = self.validate_oidc_login()
        return super().redirect(launch_url, js_redirect)

    def get_cookies_allowed_js_check(self) -> str:
        return cookies.partition_test_cookie(super().get_cookies_allowed_js_check())

    def _prepare_redirect_url(self, launch_url: str) -> str:
        # redirect() found the platform already.
        state = "state-" + secrets.token_hex(16)
        nonce = secrets.token_hex(24)
        LtiLoginState.objects.filter(created_at__lt=clock.now() - LOGIN_STATE_LIFETIME).delete()
        LtiLoginState.objects.create(
            state=state, nonce=nonce, platform=self.tool_conf.platform, created_at=clock.now()
        )
        self._cookie_service.set_cookie(state, state, int(LOGIN_STATE_LIFETIME.total_seconds()))
        params = {
            "scope": "openid",
            "response_type": "id_token",
            "response_mode": "form_post",
            "prompt": "none",
            "client_id": self._registration.get_client_id(),
            "redirect_uri": launch_url,
            "state": state,
            "nonce": nonce,
            "login_hint": self._get_request_param("login_hint"),
        }
        message_hint = self._get_request_param("lti_message_hint")
        if message_hint:
            params["lti_message_hint"] = message_hint
        auth_url = self._registration.get_auth_login_url()
        separator = "&" if "?" in auth_url else "?"
        return auth_url + separator + urlencode(params)


def login_redirect(request: HttpRequest) -> HttpResponse:
    """Answer a login initiation: a redirect to the platform, or the cookie-check page."""
    tool_conf = DatabaseToolConf()
    login = _Login(request, tool_conf)
    login.enable_check_cookies(**COOKIE_CHECK_TEXT)
    launch_url = request.build_absolute_uri(reverse("lti:launch"))
    try:
        return login.redirect(launch_url)
    except OIDCException as error:
        message = str(error)
        if "registration" in message.lower():
            params = request.POST if request.method == "POST" else request.GET
            refusal = trust.inactive_platform_refusal(params.get("iss"), params.get("client_id"))
            raise LaunchError(
                refusal or "This platform is not registered with kzstudy.", 403
            ) from error
        raise LaunchError(f"The login request is not valid: {message}.") from error
