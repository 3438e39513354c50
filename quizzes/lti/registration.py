"""LTI Dynamic Registration (1EdTech): read the platform's OpenID configuration, send it the
tool's client registration, and store the platform and deployment it answers with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction

from .. import outbound
from ..models import LtiDeployment, LtiPlatform, RegisteredVia
from . import claims, trust

# The longest URL and id the platform tables hold (LtiPlatform, LtiDeployment).
MAX_URL_LENGTH = 500
MAX_ID_LENGTH = 255

REQUIRED_CONFIGURATION = [
    "issuer",
    "authorization_endpoint",
    "token_endpoint",
    "jwks_uri",
    "registration_endpoint",
]


class RegistrationError(Exception):
    """The registration cannot go ahead; `message` says why, `status` is the HTTP answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class ToolUrls:
    """The tool's own absolute URLs, as the platform must call them."""

    login: str
    launch: str
    jwks: str
    domain: str


def check_url(url: Any, what: str, *, max_length: int | None = MAX_URL_LENGTH) -> str:
    """A URL the outbound policy lets the tool call (quizzes/outbound.py: absolute https, or http
    with OUTBOUND_ALLOW_HTTP; no private or local address; well-formed), no longer than what the
    platform tables hold (`max_length` None: not stored, any length)."""
    problem = outbound.url_problem(url)
    if problem:
        raise RegistrationError(f"The {what} {problem}.")
    if max_length is not None and len(url) > max_length:
        raise RegistrationError(f"The {what} is longer than {max_length} characters.")
    return url


def _checked_id(value: Any, what: str, *, required: bool) -> str:
    if value in (None, "") and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise RegistrationError(f"The platform's answer has no usable {what}.")
    if len(value) > MAX_ID_LENGTH:
        raise RegistrationError(f"The platform's {what} is longer than {MAX_ID_LENGTH} characters.")
    return value


def platform_configuration(openid_configuration: str, registration_token: str) -> dict:
    """Fetch and check the platform's configuration."""
    # Not stored, and some platforms put a long registration token in its query.
    check_url(openid_configuration, "openid_configuration", max_length=None)
    headers = {"Authorization": f"Bearer {registration_token}"} if registration_token else {}
    try:
        # The address is checked again where the connection is made, and a redirect is refused:
        # the issuer check below relies on the configuration coming from this very URL.
        config = outbound.request(
            "GET",
            openid_configuration,
            headers=headers,
            max_bytes=outbound.DOCUMENT_BYTES,
        ).json()
    except outbound.OutboundError as error:
        raise RegistrationError(
            f"The platform's configuration could not be read. {error.message}"
        ) from error
    if not isinstance(config, dict):
        raise RegistrationError("The platform's configuration is not a JSON object.")
    missing = [name for name in REQUIRED_CONFIGURATION if not isinstance(config.get(name), str)]
    if missing:
        raise RegistrationError(f"The platform's configuration lacks {', '.join(missing)}.")
    for name in REQUIRED_CONFIGURATION:
        check_url(
            config[name], name, max_length=MAX_ID_LENGTH if name == "issuer" else MAX_URL_LENGTH
        )
    # The spec ties the issuer to the host that served the configuration.
    if urlsplit(config["issuer"]).netloc != urlsplit(openid_configuration).netloc:
        raise RegistrationError("The platform's issuer is not on the configuration's host.")
    return config


def platform_name(config: dict) -> str:
    """The issuer's host, which tells one site from another, and the product when the platform
    names it: "moodle.school.example (moodle)". The product alone would call every Moodle
    "moodle"."""
    host = urlsplit(config["issuer"]).netloc
    platform = config.get(claims.PLATFORM_CONFIGURATION) or {}
    product = platform.get("product_family_code") if isinstance(platform, dict) else None
    if isinstance(product, str) and product.strip():
        return f"{host} ({product.strip()[:40]})"
    return host


def client_registration(config: dict, urls: ToolUrls) -> dict:
    """The registration request: the tool's URLs, keys, messages and the scopes it uses."""
    supported = config.get("scopes_supported")
    scopes = [s for s in claims.TOOL_SCOPES if not isinstance(supported, list) or s in supported]
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": urls.login,
        "redirect_uris": [urls.launch],
        "client_name": "kzstudy",
        "jwks_uri": urls.jwks,
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(scopes),
        claims.TOOL_CONFIGURATION: {
            "domain": urls.domain,
            "description": "Study guides, flashcards and quizzes on a source article.",
            "target_link_uri": urls.launch,
            "claims": ["iss", "sub", "name", "given_name", "family_name", "email"],
            "messages": [
                {
                    "type": claims.DEEP_LINKING_REQUEST,
                    "target_link_uri": urls.launch,
                    "label": "Add kzstudy content",
                },
                {"type": claims.RESOURCE_LINK_REQUEST, "target_link_uri": urls.launch},
            ],
        },
    }


def send_client_registration(config: dict, urls: ToolUrls, registration_token: str) -> Any:
    """POST the tool's registration to the platform; its JSON answer (RegistrationError when it
    cannot be sent or is refused, in words that never quote the platform's answer)."""
    headers = {"Content-Type": "application/json"}
    if registration_token:
        headers["Authorization"] = f"Bearer {registration_token}"
    try:
        return outbound.request(
            "POST",
            config["registration_endpoint"],
            json=client_registration(config, urls),
            headers=headers,
            max_bytes=outbound.DOCUMENT_BYTES,
        ).json()
    except outbound.OutboundError as error:
        if error.status:
            message = f"The platform refused the registration (HTTP {error.status})."
        else:
            message = f"The registration did not go through. {error.message}"
        raise RegistrationError(message) from error


def register(
    openid_configuration: str, registration_token: str, urls: ToolUrls, *, invite: str = ""
) -> LtiPlatform:
    """Run the whole registration; on any failure nothing is stored.

    With a registration link (`invite`, the token of one a site administrator created) the
    platform is active at once and the link is spent; without one it awaits approval. Either
    way it is a new row: a registration never changes another (trust.py)."""
    if invite:
        check_invite(invite)  # before calling the platform: a dead link costs nothing
    config = platform_configuration(openid_configuration, registration_token)
    answer = send_client_registration(config, urls, registration_token)
    if not isinstance(answer, dict):
        raise RegistrationError("The platform's answer is not a JSON object.")
    client_id = _checked_id(answer.get("client_id"), "client_id", required=True)
    tool_config = answer.get(claims.TOOL_CONFIGURATION) or {}
    deployment_id = _checked_id(
        tool_config.get("deployment_id") if isinstance(tool_config, dict) else None,
        "deployment_id",
        required=False,
    )
    audience = config.get("authorization_server")
    audience = audience if isinstance(audience, str) else ""
    if len(audience) > MAX_URL_LENGTH:
        raise RegistrationError(
            f"The platform's authorization_server is longer than {MAX_URL_LENGTH} characters."
        )
    fields = {
        "issuer": config["issuer"],
        "client_id": client_id,
        "name": platform_name(config)[:200],
        "auth_login_url": config["authorization_endpoint"],
        "auth_token_url": config["token_endpoint"],
        "auth_audience": audience,
        "key_set_url": config["jwks_uri"],
    }
    return _store(fields, deployment_id, invite)


def check_invite(invite: str) -> None:
    """Refuse a registration link that cannot be used (403), before anything is fetched."""
    try:
        trust.invite_check(invite)
    except trust.InviteError as error:
        raise RegistrationError(error.message, status=error.status) from error


ALREADY_REGISTERED = (
    "kzstudy already has a registration for this platform and client id, and a registration "
    "never replaces another. Register again to get a new client id, or ask the kzstudy "
    "administrator to remove the old registration first."
)


def _store(fields: dict[str, str], deployment_id: str, invite: str) -> LtiPlatform:
    """Store a new platform: active when a registration link vouches for it, else pending."""
    try:
        with transaction.atomic():
            # Never update_or_create: whoever can reach this page must not be able to rewrite
            # (or deactivate) the URLs and keys of a platform kzstudy already trusts.
            platform = LtiPlatform.objects.create(
                **fields, registered_via=RegisteredVia.DYNAMIC, is_active=False
            )
            if invite:
                spent = trust.invite_claim(invite, platform)
                platform.registered_via = RegisteredVia.INVITE
                trust.platform_approve(platform, by=spent.created_by)
                platform.save(update_fields=["registered_via"])
            if deployment_id:
                LtiDeployment.objects.create(platform=platform, deployment_id=deployment_id)
    except IntegrityError as error:  # unique_lti_platform_client, also when two race
        raise RegistrationError(ALREADY_REGISTERED, status=409) from error
    except trust.InviteError as error:
        raise RegistrationError(error.message, status=error.status) from error
    return platform
