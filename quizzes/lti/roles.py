"""Mapping LTI roles to kzstudy's: pure functions over the roles claim."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..models import CourseRole

INSTRUCTOR_ROLES = {"Instructor", "TeachingAssistant", "ContentDeveloper"}
ADMIN_ROLES = {"Administrator", "SysAdmin"}


def _role_names(role: str) -> set[str]:
    """The names a role URI stands for: its principal role and sub-role.

    `…/membership#Instructor` → {Instructor}; `…/membership/Instructor#TeachingAssistant` →
    {Instructor, TeachingAssistant}; the short form `Learner` → {Learner}.
    """
    if "#" not in role and "/" not in role:
        return {role}
    path, _, fragment = role.rpartition("#")
    names = {fragment} if fragment else set()
    if "/membership/" in path:
        names.add(path.rsplit("/", 1)[-1])
    return names


@dataclass(frozen=True)
class MappedRole:
    course_role: str
    is_platform_admin: bool


def map_roles(roles: Iterable[str]) -> MappedRole:
    """Instructor, TeachingAssistant and ContentDeveloper teach; Administrators teach and are
    the platform's admins; everyone else (Learner, unknown roles, no roles) is a learner."""
    names: set[str] = set()
    for role in roles:
        if isinstance(role, str):
            names |= _role_names(role.strip())
    is_admin = bool(names & ADMIN_ROLES)
    teaches = is_admin or bool(names & INSTRUCTOR_ROLES)
    return MappedRole(
        course_role=CourseRole.INSTRUCTOR if teaches else CourseRole.LEARNER,
        is_platform_admin=is_admin,
    )
