"""Mapping LTI roles to kzstudy's: pure functions over the roles claim.

LTI has three kinds of role (LTI 1.3 core, appendix A.2): context roles say what someone does
in this course (`…/lis/v2/membership#Instructor`, or the deprecated short form `Instructor`),
institution and system roles say who they are elsewhere on the platform
(`…/lis/v2/institution/person#Instructor`, `…/lis/v2/system/person#SysAdmin`). Only context
roles decide the course role: platforms such as Canvas send `institution/person#Instructor` to
every user who teaches anywhere, including in the courses where they are a learner.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..models import CourseRole

_VOCABULARY = "/vocab/lis/v2/"
_CONTEXT = _VOCABULARY + "membership"
_INSTITUTION = _VOCABULARY + "institution/person"
_SYSTEM = _VOCABULARY + "system/person"

# Context roles that teach. TeachingAssistant is no LIS principal role (it is Instructor's
# sub-role), but some platforms send it as one.
TEACHING_ROLES = {"Instructor", "TeachingAssistant", "ContentDeveloper", "Administrator"}
# Institution and system roles that administer the platform (and so teach in its courses).
ADMIN_ROLES = {(_INSTITUTION, "Administrator"), (_SYSTEM, "Administrator"), (_SYSTEM, "SysAdmin")}


def _context_role(role: str) -> str | None:
    """The principal context role a role names, or None for another kind of role.

    `…/membership#Instructor` and `Instructor` → Instructor; a sub-role counts as its principal
    role, so `…/membership/Instructor#TeachingAssistant` → Instructor and
    `…/membership/Learner#Instructor` (a learner sub-role) → Learner.
    """
    if "/" not in role and "#" not in role and ":" not in role:
        return role or None
    base, _, name = role.partition("#")
    if base.endswith(_CONTEXT):
        return name or None
    head, _, principal = base.rpartition("/")
    if head.endswith(_CONTEXT) and name:
        return principal or None
    return None


def _admin_role(role: str) -> bool:
    base, _, name = role.partition("#")
    return any(base.endswith(scope) and name == admin for scope, admin in ADMIN_ROLES)


@dataclass(frozen=True)
class MappedRole:
    course_role: str
    is_platform_admin: bool


def map_roles(roles: Iterable[str]) -> MappedRole:
    """Instructor, TeachingAssistant, ContentDeveloper and the course's Administrator teach;
    institution and system Administrators teach and are the platform's admins; everyone else
    (Learner, unknown roles, institution roles, no roles) is a learner."""
    texts = [role.strip() for role in roles if isinstance(role, str)]
    is_admin = any(_admin_role(role) for role in texts)
    teaches = is_admin or any(_context_role(role) in TEACHING_ROLES for role in texts)
    return MappedRole(
        course_role=CourseRole.INSTRUCTOR if teaches else CourseRole.LEARNER,
        is_platform_admin=is_admin,
    )
