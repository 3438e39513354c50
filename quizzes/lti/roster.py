"""The course roster from the platform (NRPS) beside each member's attempts at a quiz, so an
instructor sees who has not yet attempted it — including members who never opened kzstudy."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Q

from ..errors import PlatformUnavailable, RosterUnavailable
from ..models import Attempt, AttemptState, Course, LtiContext, LtiIdentity, Quiz
from ..selectors.results import percent_expression, percent_value
from .roles import map_roles
from .services_client import ServiceError, memberships

logger = logging.getLogger("kzstudy.lti")


@dataclass(frozen=True)
class RosterRow:
    name: str
    email: str
    sub: str
    role: str
    status: str  # "inactive" | "not_attempted" | "in_progress" | "submitted"
    submitted: int
    best_percent: Decimal | None
    opened_kzstudy: bool


def _status(member: dict, stats: dict | None) -> str:
    if member.get("status", "Active") != "Active":
        return "inactive"
    if stats and stats["submitted"]:
        return "submitted"
    if stats and stats["open"]:
        return "in_progress"
    return "not_attempted"


def roster_progress(course: Course, quiz: Quiz) -> list[RosterRow]:
    """Every member the platform lists, learners first, with their standing in the quiz.

    Raises RosterUnavailable without a platform roster, PlatformUnavailable when the platform
    does not give it.
    """
    context = LtiContext.objects.select_related("platform").filter(course=course).first()
    if context is None or not context.memberships_url:
        raise RosterUnavailable()
    try:
        members = memberships(context.platform, context.memberships_url)
    except ServiceError as error:
        # The reason is ours ("answered with HTTP 502"), never the platform's own words: a
        # launch names the roster URL, so its answer must not come back to the page.
        logger.warning("Roster for course %s not read: %s", course.pk, error)
        raise PlatformUnavailable(error.reason) from error
    subs = [m["user_id"] for m in members if isinstance(m.get("user_id"), str)]
    users = dict(
        LtiIdentity.objects.filter(issuer=context.platform.issuer, sub__in=subs).values_list(
            "sub", "user_id"
        )
    )
    stats = {
        row["user_id"]: row
        for row in Attempt.objects.filter(quiz=quiz, course=course, user_id__in=users.values())
        .values("user_id")
        .annotate(
            submitted=Count("id", filter=Q(state=AttemptState.SUBMITTED)),
            open=Count("id", filter=Q(state=AttemptState.IN_PROGRESS)),
            best=Max(percent_expression(), filter=Q(state=AttemptState.SUBMITTED)),
        )
    }
    rows = []
    for member in members:
        sub = member.get("user_id")
        if not isinstance(sub, str):
            continue
        roles = member.get("roles") if isinstance(member.get("roles"), list) else []
        user_stats = stats.get(users.get(sub))
        best = user_stats["best"] if user_stats else None
        rows.append(
            RosterRow(
                name=str(member.get("name") or member.get("given_name") or sub)[:200],
                email=str(member.get("email") or "")[:254],
                sub=sub,
                role=map_roles(roles).course_role,
                status=_status(member, user_stats),
                submitted=user_stats["submitted"] if user_stats else 0,
                best_percent=percent_value(best),
                opened_kzstudy=sub in users,
            )
        )
    rows.sort(key=lambda r: (r.role != "learner", r.status != "not_attempted", r.name.lower()))
    return rows
