"""`manage.py lti_add_platform`: register an LMS by hand (the values from its tool settings)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator
from django.db import transaction

from ... import clock
from ...models import LtiDeployment, LtiPlatform


class Command(BaseCommand):
    help = (
        "Register an LTI 1.3 platform and its deployment(s); running it again with the same "
        "issuer and client id updates the platform and adds deployments."
    )

    def add_arguments(self, parser):
        parser.add_argument("--issuer", required=True, help="The platform's issuer (iss).")
        parser.add_argument("--client-id", required=True, help="The client id it gave kzstudy.")
        parser.add_argument(
            "--deployment-id",
            required=True,
            action="append",
            help="A deployment id (repeat the option for several).",
        )
        parser.add_argument("--auth-url", required=True, help="OIDC authorisation URL.")
        parser.add_argument("--token-url", required=True, help="OAuth2 access token URL.")
        parser.add_argument("--jwks-url", required=True, help="The platform's public keys URL.")
        parser.add_argument("--name", help="A name to show in the admin.")
        parser.add_argument("--audience", help="Token audience, when it is not the token URL.")

    def handle(self, *args, **options):
        # Plain http only for local test platforms (LTI_ALLOW_HTTP), as for dynamic registration.
        schemes = ["http", "https"] if settings.LTI_ALLOW_HTTP else ["https"]
        check_url = URLValidator(schemes=schemes)
        for option in ("auth_url", "token_url", "jwks_url"):
            try:
                check_url(options[option])
            except ValidationError:
                flag = "--" + option.replace("_", "-")
                raise CommandError(
                    f"{flag}: {options[option]!r} is not an {' or '.join(schemes)} URL."
                ) from None
        for option in ("issuer", "client_id"):
            if not options[option].strip():
                raise CommandError(f"--{option.replace('_', '-')} must not be empty.")
        deployments = [d.strip() for d in options["deployment_id"]]
        if not all(deployments):
            raise CommandError("--deployment-id must not be empty.")
        with transaction.atomic():
            platform, created = LtiPlatform.objects.update_or_create(
                issuer=options["issuer"].strip(),
                client_id=options["client_id"].strip(),
                defaults={
                    "auth_login_url": options["auth_url"],
                    "auth_token_url": options["token_url"],
                    "key_set_url": options["jwks_url"],
                    "is_active": True,
                    # Left out on a rerun: keep what an earlier run (or the admin) set.
                    **{
                        field: options[option]
                        for field, option in (("name", "name"), ("auth_audience", "audience"))
                        if options[option] is not None
                    },
                },
            )
            if platform.approved_at is None:
                # Registered by whoever runs this: approved by hand, now.
                platform.approved_at = clock.now()
                platform.save(update_fields=["approved_at"])
            for deployment_id in deployments:
                LtiDeployment.objects.get_or_create(platform=platform, deployment_id=deployment_id)
        verb = "Registered" if created else "Updated"
        self.stdout.write(
            f"{verb} {platform.issuer} (client id {platform.client_id}); "
            f"deployments: {', '.join(deployments)}."
        )
