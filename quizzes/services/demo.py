"""Demo data for local development: accounts and a course (never run in production)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from ..models import Article, Course, CourseRole, Enrolment

DEMO_COURSE_SLUG = "demo"


@dataclass(frozen=True)
class DemoAccount:
    """A demo login: its password is its username."""

    username: str
    role: str | None
    is_superuser: bool = False

    @property
    def label(self) -> str:
        return "site admin (superuser)" if self.is_superuser else f"{self.role} in the demo course"


DEMO_ACCOUNTS = (
    DemoAccount("student", CourseRole.LEARNER),
    DemoAccount("student2", CourseRole.LEARNER),
    DemoAccount("instructor", CourseRole.INSTRUCTOR),
    DemoAccount("admin", None, is_superuser=True),
)


@transaction.atomic
def demo_seed() -> Course:
    """Create (or repair) the demo course and accounts; running it again changes nothing."""
    course, _ = Course.objects.get_or_create(
        slug=DEMO_COURSE_SLUG, defaults={"title": "Demo course: Human rights reforms in Kazakhstan"}
    )
    if course.article_id is None:
        course.article = Article.objects.order_by("pk").first()
        if course.article_id:
            course.save(update_fields=["article"])
    users = get_user_model().objects
    for account in DEMO_ACCOUNTS:
        user, created = users.get_or_create(username=account.username)
        if created:
            user.set_password(account.username)
            user.is_staff = user.is_superuser = account.is_superuser
            user.save()
        if account.role:
            Enrolment.objects.get_or_create(
                course=course, user=user, defaults={"role": account.role}
            )
    return course
