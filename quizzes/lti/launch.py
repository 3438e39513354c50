"""Validating a launch: pylti1p3's checks, with the gaps it leaves closed.

On top of pylti1p3 (registration, deployment, message-type rules, version, `sub`, roles claim):
- `alg` must be RS256, whatever the token's header or the platform's JWKS says;
- the key comes from the platform's cached JWKS, refetched on an unknown `kid` (platform_keys);
- `iss`, `aud` (our client id), `azp` when there are several audiences, `exp` and `iat` with a
  small leeway are checked by PyJWT;
- `state` must match the login's cookie and a stored login state, and the `nonce` must be the
  one that login issued; the state is deleted when the launch succeeds, so a replayed launch
  (same state, same nonce) fails;
- only an active (approved) platform is found, and the launch carries the deployment row it
  names: users and courses are scoped to that registration (provisioning);
- ids with control characters are refused before they reach the database (claim_text);
- every failure is one LaunchError with an HTTP status and a message a person can act on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import jwt
from django.http import HttpRequest
from pylti1p3.contrib.django import DjangoMessageLaunch
from pylti1p3.exception import LtiException

from .. import clock
from ..models import LtiDeployment, LtiLoginState, LtiPlatform
from . import claims, trust
from .claim_text import has_control, is_clean_id
from .platform_keys import PlatformKeyError, public_key_pem
from .tool_config import DatabaseToolConf

logger = logging.getLogger("kzstudy.lti")

LEEWAY_SECONDS = 60
# pylti1p3 also accepts privacy and submission-review launches; kzstudy offers neither, and
# treating them as plain launches would sign their user into a course nobody linked.
HANDLED_MESSAGE_TYPES = (claims.RESOURCE_LINK_REQUEST, claims.DEEP_LINKING_REQUEST)
LOGIN_STATE_LIFETIME = timedelta(minutes=10)


class LaunchError(Exception):
    """An invalid launch: `status` is 400 (malformed) or 403 (not allowed), `message` is shown."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class ValidLaunch:
    """A launch whose every check passed, from an active platform's registered deployment."""

    platform: LtiPlatform
    deployment: LtiDeployment
    claims: dict[str, Any]

    @property
    def message_type(self) -> str:
        return self.claims[claims.MESSAGE_TYPE]


class _Launch(DjangoMessageLaunch):
    """pylti1p3's launch with our state store, key cache and token checks."""

    def __init__(self, request: HttpRequest, tool_conf: DatabaseToolConf) -> None:
        super().__init__(request, tool_conf)
        self.set_auto_validation(enable=False)
        self.tool_conf = tool_conf
        self.login_state: LtiLoginState | None = None
        self.deployment: LtiDeployment | None = None

    def get_client_id(self) -> str:
        body = self._get_jwt_body()
        if isinstance(body.get("azp"), str):
            return body["azp"]
        aud = body.get("aud")
        return aud[0] if isinstance(aud, list) and aud else aud

    def validate_state(self) -> _Launch:
        state = self._get_request_param("state")
        if not state:
            raise LaunchError("The launch has no state. Start again from your course.")
        if self._cookie_service.get_cookie(state) != state:
            raise LaunchError(
                "Your browser did not keep kzstudy's login cookie, so this launch cannot be "
                "matched to its login. Open the activity again from your course; if it fails "
                "again, your browser blocks cookies inside the course page: allow cookies for "
                "this site, or open kzstudy in a new window when it offers to."
            )
        cutoff = clock.now() - LOGIN_STATE_LIFETIME
        # Only its platform's id is compared; the platform itself comes from the registration.
        self.login_state = LtiLoginState.objects.filter(state=state, created_at__gte=cutoff).first()
        if self.login_state is None:
            raise LaunchError(
                "This launch was already used or has expired. Start again from your course."
            )
        return self

    def validate_nonce(self) -> _Launch:
        nonce = self._get_jwt_body().get("nonce")
        if not nonce or nonce != self.login_state.nonce:
            raise LaunchError("The launch's nonce does not match its login.")
        return self

    def get_public_key(self) -> tuple[bytes, str]:
        header = self._jwt.get("header", {})
        if header.get("alg") != "RS256":
            raise LaunchError("The launch must be signed with RS256.")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise LaunchError("The launch token names no key (kid).")
        try:
            return public_key_pem(self.tool_conf.platform, kid), "RS256"
        except PlatformKeyError as error:
            raise LaunchError(f"The launch's signature cannot be checked: {error}.") from error

    def validate_jwt_signature(self) -> _Launch:
        platform = self.tool_conf.platform
        public_key, _ = self.get_public_key()
        try:
            jwt.decode(
                self._get_id_token(),
                public_key,
                algorithms=["RS256"],
                audience=platform.client_id,
                issuer=platform.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub", "nonce"]},
            )
        except jwt.InvalidTokenError as error:
            raise LaunchError(f"The launch token is not valid: {error}.") from error
        body = self._get_jwt_body()
        aud = body.get("aud")
        if isinstance(aud, list) and len(aud) > 1 and body.get("azp") != platform.client_id:
            raise LaunchError("The launch token has several audiences and no matching azp.")
        if "azp" in body and body["azp"] != platform.client_id:
            raise LaunchError("The launch token's azp is not this tool's client id.")
        return self

    def validate_registration(self) -> _Launch:
        super().validate_registration()
        platform = self.tool_conf.platform
        if platform is None or self.login_state.platform_id != platform.pk:
            raise LaunchError("The launch comes from another platform than its login.", 403)
        return self

    def validate_deployment(self) -> _Launch:
        # pylti1p3's check asks only whether the deployment exists; the row itself is what
        # users and courses are scoped to, so it is looked up once, here.
        deployment_id = self._get_jwt_body().get(claims.DEPLOYMENT_ID)
        if isinstance(deployment_id, str) and has_control(deployment_id):
            raise LaunchError("The launch's deployment id holds control characters.")
        if is_clean_id(deployment_id):
            self.deployment = LtiDeployment.objects.filter(
                platform=self.tool_conf.platform, deployment_id=deployment_id
            ).first()
        if self.deployment is None:
            raise LaunchError("This deployment of kzstudy is not registered.", 403)
        return self

    def save_launch_data(self) -> _Launch:
        # The launch is kept in our own tables, not pylti1p3's session store.
        return self

    def consume_state(self) -> None:
        deleted, _ = LtiLoginState.objects.filter(pk=self.login_state.pk).delete()
        if not deleted:
            raise LaunchError("This launch was already used. Start again from your course.")


def _known_platform_error(message: str, body: Any) -> LaunchError:
    if "Registration not found" in message or "Client id not registered" in message:
        issuer = body.get("iss") if isinstance(body, dict) else None
        client_id = body.get("aud") if isinstance(body, dict) else None
        if isinstance(client_id, list):
            client_id = body.get("azp")
        refusal = trust.inactive_platform_refusal(issuer, client_id)
        return LaunchError(refusal or "This platform is not registered with kzstudy.", 403)
    if "deployment" in message.lower():
        return LaunchError("This deployment of kzstudy is not registered.", 403)
    return LaunchError(f"The launch is not valid: {message}.")


def _check_strings(body: dict) -> None:
    """Refuse a token whose lookup keys hold control characters before any query uses them."""
    if not isinstance(body.get("iss"), str):
        raise LaunchError("The launch token has no issuer.")
    audiences = body.get("aud") if isinstance(body.get("aud"), list) else [body.get("aud")]
    for name, value in [("iss", body["iss"]), ("azp", body.get("azp")), ("sub", body.get("sub"))]:
        if isinstance(value, str) and has_control(value):
            raise LaunchError(f"The launch token's {name} holds control characters.")
    if any(isinstance(aud, str) and has_control(aud) for aud in audiences):
        raise LaunchError("The launch token's aud holds control characters.")


def validate_launch(request: HttpRequest) -> ValidLaunch:
    """Check every part of a launch; return its platform, deployment and claims or raise
    LaunchError."""
    tool_conf = DatabaseToolConf()
    launch = _Launch(request, tool_conf)
    body: Any = None
    try:
        launch.validate_state()
        launch.validate_jwt_format()
        body = launch._get_jwt_body()
        if not isinstance(body, dict):
            raise LaunchError("The launch token has no issuer.")
        _check_strings(body)
        launch.validate_registration()
        launch.validate_jwt_signature()
        launch.validate_nonce()
        launch.validate_deployment()
        launch.validate_message()
        message_type = launch._get_jwt_body()[claims.MESSAGE_TYPE]
        if message_type not in HANDLED_MESSAGE_TYPES:
            raise LaunchError(f"kzstudy does not handle {message_type} launches.")
        launch.consume_state()
    except LaunchError:
        raise
    except LtiException as error:
        raise _known_platform_error(str(error), body) from error
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise LaunchError("The launch token is malformed.") from error
    return ValidLaunch(
        platform=tool_conf.platform, deployment=launch.deployment, claims=launch._get_jwt_body()
    )
