"""The course roster from the platform (NRPS) beside each member's attempts at a quiz, so an
instructor sees who has not yet attempted it — including members who never opened kzstudy."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from ..errors import PlatformUnavailable, RosterUnavailable
from ..models import Attempt, AttemptState, Course, LtiContext, LtiIdentity, Quiz
from ..selectors.gradebook import quiz_grade_percent
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


@dataclass(frozen=True)
class _Person:
    user_id: int
    name: str
    email: str


def _known_people(context: LtiContext, subs: list[str]) -> dict[str, _Person]:
    """The kzstudy users behind these subs on the course's registration (its deployment; its
    platform while the deployment of a context from before the migration is unknown)."""
    identities = LtiIdentity.objects.filter(sub__in=subs)
    if context.deployment_id:
        identities = identities.filter(deployment_id=context.deployment_id)
    else:
        identities = identities.filter(deployment__platform_id=context.platform_id)
    rows = identities.values_list(
        "sub", "user_id", "user__first_name", "user__last_name", "user__email"
    )
    return {
        sub: _Person(user_id, f"{first} {last}".strip(), email)
        for sub, user_id, first, last, email in rows
    }


def _member_name(member: dict, person: _Person | None) -> str:
    """The platform's name for a member; when its privacy settings send none, the name that
    person's own launches gave kzstudy."""
    for key in ("name", "given_name"):
        value = member.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:200]
    return person.name[:200] if person else ""


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
    known = _known_people(context, subs)
    users = {sub: person.user_id for sub, person in known.items()}
    stats = {
        row["user_id"]: row
        for row in Attempt.objects.filter(quiz=quiz, course=course, user_id__in=users.values())
        .values("user_id")
        .annotate(
            submitted=Count("id", filter=Q(state=AttemptState.SUBMITTED)),
            open=Count("id", filter=Q(state=AttemptState.IN_PROGRESS)),
            grade=quiz_grade_percent(course, quiz),
        )
    }
    rows = []
    for member in members:
        sub = member.get("user_id")
        if not isinstance(sub, str):
            continue
        roles = member.get("roles") if isinstance(member.get("roles"), list) else []
        user_stats = stats.get(users.get(sub))
        person = known.get(sub)
        rows.append(
            RosterRow(
                name=_member_name(member, person) or sub[:200],
                email=str(member.get("email") or (person.email if person else ""))[:254],
                sub=sub,
                role=map_roles(roles).course_role,
                status=_status(member, user_stats),
                submitted=user_stats["submitted"] if user_stats else 0,
                best_percent=user_stats["grade"] if user_stats else None,
                opened_kzstudy=sub in users,
            )
        )
    rows.sort(key=lambda r: (r.role != "learner", r.status != "not_attempted", r.name.lower()))
    return rows
