"""Handing one registration's courses, accounts and placements to another registration of the
same issuer: what a site administrator does when a platform registers kzstudy anew (Moodle gives
a new registration a new client id and deployment id), since launches never cross
registrations on their own (provisioning)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from ..models import LtiContext, LtiDeployment, LtiIdentity, LtiResourceLink


class MoveError(Exception):
    """The move cannot be done; nothing was changed."""


@dataclass
class MoveReport:
    courses: int = 0
    accounts: int = 0
    links: int = 0
    # People who had already launched through the new registration: their new account stays
    # theirs, and the old one stays behind (with its attempts) on the old registration.
    kept_behind: list[str] = field(default_factory=list)


def registration_move(*, source: LtiDeployment, target: LtiDeployment) -> MoveReport:
    """Move every course, account and placement of `source` to `target`, in one transaction."""
    if source.pk == target.pk:
        raise MoveError("The two registrations are the same.")
    if source.platform.issuer != target.platform.issuer:
        raise MoveError(
            "Only a registration of the same issuer may take over: "
            f"{source.platform.issuer} is not {target.platform.issuer}."
        )
    report = MoveReport()
    with transaction.atomic():
        contexts = LtiContext.objects.select_for_update().filter(deployment=source)
        courses = list(contexts.values_list("course_id", flat=True))
        links = LtiResourceLink.objects.filter(platform=source.platform, course_id__in=courses)
        clashing = LtiResourceLink.objects.filter(
            platform=target.platform, resource_link_id__in=links.values("resource_link_id")
        ).exclude(pk__in=links.values("pk"))
        if clashing.exists():
            raise MoveError(
                "The new registration already has placements with the same resource link ids; "
                "nothing was moved."
            )
        report.courses = contexts.update(platform=target.platform, deployment=target)
        report.links = links.update(platform=target.platform)
        taken = LtiIdentity.objects.filter(deployment=target).values("sub")
        identities = LtiIdentity.objects.filter(deployment=source)
        report.kept_behind = sorted(identities.filter(sub__in=taken).values_list("sub", flat=True))
        report.accounts = identities.exclude(sub__in=taken).update(deployment=target)
    return report
