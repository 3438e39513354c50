"""pylti1p3's view of our registrations: platforms and deployments read from the database."""

from __future__ import annotations

from pylti1p3.deployment import Deployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract

from ..models import LtiDeployment, LtiPlatform


def registration_for(platform: LtiPlatform) -> Registration:
    """A pylti1p3 Registration carrying the platform's URLs.

    It carries no tool key: kzstudy signs its own messages with keys.signing_key(), so a login
    or launch does not read the key at all.
    """
    registration = Registration()
    registration.set_issuer(platform.issuer)
    registration.set_client_id(platform.client_id)
    registration.set_auth_login_url(platform.auth_login_url)
    registration.set_auth_token_url(platform.auth_token_url)
    registration.set_auth_audience(platform.auth_audience or platform.auth_token_url)
    registration.set_key_set_url(platform.key_set_url)
    return registration


def find_platform(issuer: str, client_id: str | None) -> LtiPlatform | None:
    """The active platform for an issuer and client id (without one: the issuer's only one)."""
    platforms = LtiPlatform.objects.filter(issuer=issuer, is_active=True)
    if client_id:
        return platforms.filter(client_id=client_id).first()
    found = list(platforms[:2])
    return found[0] if len(found) == 1 else None


class DatabaseToolConf(ToolConfAbstract):
    """Every issuer may have many client ids; the platform found last is kept for the caller."""

    def __init__(self) -> None:
        self.platform: LtiPlatform | None = None

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss: str, *args, **kwargs) -> Registration | None:
        return self.find_registration_by_params(iss, None)

    def find_registration_by_params(
        self, iss: str, client_id: str | None, *args, **kwargs
    ) -> Registration | None:
        self.platform = find_platform(iss, client_id)
        return registration_for(self.platform) if self.platform else None

    def find_deployment(self, iss: str, deployment_id: str) -> Deployment | None:
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str | None, *args, **kwargs
    ) -> Deployment | None:
        platform = self.platform or find_platform(iss, client_id)
        if platform is None or not isinstance(deployment_id, str):
            return None
        if not LtiDeployment.objects.filter(
            platform=platform, deployment_id=deployment_id
        ).exists():
            return None
        return Deployment().set_deployment_id(deployment_id)
