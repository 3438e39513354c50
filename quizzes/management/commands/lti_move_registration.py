"""`manage.py lti_move_registration`: a registration's courses and accounts go to another
registration of the same issuer (after a platform registered kzstudy anew)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ...lti.transfer import MoveError, registration_move
from ...models import LtiDeployment, LtiPlatform


def _deployment(platform_pk: int, deployment_id: str | None, flag: str) -> LtiDeployment:
    platform = LtiPlatform.objects.filter(pk=platform_pk).first()
    if platform is None:
        raise CommandError(f"--{flag}-platform: no LTI platform has id {platform_pk}.")
    deployments = platform.deployments.all()
    if deployment_id is not None:
        deployments = deployments.filter(deployment_id=deployment_id)
    found = list(deployments[:2])
    if len(found) != 1:
        what = f"deployment {deployment_id!r}" if deployment_id is not None else "one deployment"
        raise CommandError(
            f"--{flag}-platform {platform_pk} ({platform}) has not exactly {what}; "
            f"name it with --{flag}-deployment."
        )
    return found[0]


class Command(BaseCommand):
    help = (
        "Move the courses, accounts and placements of one LTI registration (platform and "
        "deployment) to another registration of the same issuer, e.g. after the platform "
        "registered kzstudy again. Platform ids are those of the admin's LTI platforms list."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from-platform", type=int, required=True)
        parser.add_argument("--from-deployment", help="Needed when it has several deployments.")
        parser.add_argument("--to-platform", type=int, required=True)
        parser.add_argument("--to-deployment", help="Needed when it has several deployments.")

    def handle(self, *args, **options):
        source = _deployment(options["from_platform"], options["from_deployment"], "from")
        target = _deployment(options["to_platform"], options["to_deployment"], "to")
        try:
            report = registration_move(source=source, target=target)
        except MoveError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Moved {report.courses} courses, {report.accounts} accounts and {report.links} "
            f"placements to {target.platform} (deployment {target.deployment_id})."
        )
        if report.kept_behind:
            self.stdout.write(
                f"{len(report.kept_behind)} people had already launched through the new "
                "registration and keep that account; their old one stays behind: "
                + ", ".join(report.kept_behind[:20])
            )
