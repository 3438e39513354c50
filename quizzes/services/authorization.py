"""Authorization inside the write services: permissions.py's rules turned into one refusal.

Every service that writes on behalf of a person takes `actor` and calls one of these before it
changes anything, so the pages, the API, a management command and any future door get the same
answer (`NotAllowed`: 403, code `not_allowed`). Views keep their own checks as a second line.

`SYSTEM` (None) is the site itself acting: loading a content pack, an operator's management
command run without `--user`, a test's fixture. Only those pass it; a person's request always
passes `request.user`, and an anonymous user is refused like anyone who does not teach.
"""

from __future__ import annotations

from typing import Final

from django.contrib.auth.models import AbstractBaseUser

from ..errors import NotAllowed
from ..models import Course, Question, Quiz
from ..permissions import (
    can_edit_question,
    can_edit_quiz,
    can_write_bank,
    is_site_admin,
    teaches,
)

SYSTEM: Final = None
type Actor = AbstractBaseUser | None


def require_teacher(actor: Actor, course: Course, *, what: str) -> None:
    """NotAllowed unless the actor teaches the course (or is SYSTEM)."""
    if actor is not SYSTEM and not teaches(actor, course):
        raise NotAllowed(f"Only the course's instructors may {what}.")


def require_bank_writer(actor: Actor, course: Course | None, *, what: str) -> None:
    """NotAllowed unless the actor may add to this bank: a course's is its teachers', the
    shared one (no course) the site admins'."""
    if actor is not SYSTEM and not can_write_bank(actor, course):
        whose = "the course's instructors" if course is not None else "site admins"
        raise NotAllowed(f"Only {whose} may {what}.")


def require_question_editor(actor: Actor, question: Question, *, what: str) -> None:
    """NotAllowed unless the actor may change this question (its course's teachers; a shared
    question only the site admins, who keep it as the content pack wrote it)."""
    if actor is not SYSTEM and not can_edit_question(actor, question):
        raise NotAllowed(
            f"Only the owners of a question may {what}: shared questions are the site admins' "
            "(copy one into your course to change it)."
        )


def require_quiz_editor(actor: Actor, quiz: Quiz, *, what: str) -> None:
    """NotAllowed unless the actor may change the quiz in every course that offers it (its
    course's teachers; a shared quiz only the site admins)."""
    if actor is not SYSTEM and not can_edit_quiz(actor, quiz):
        raise NotAllowed(f"Only the owners of a quiz may {what}.")


def require_self_or_admin(actor: Actor, owner_id: int, *, what: str) -> None:
    """NotAllowed unless the actor is the owner (a user's id) themselves or a site admin."""
    if actor is SYSTEM:
        return
    if not (actor.is_authenticated and actor.pk == owner_id) and not is_site_admin(actor):
        raise NotAllowed(f"Only the user themselves may {what}.")
