"""Who may teach where: course roles, the standalone Instructors group, and site admins.

Pure rules over a few queries; pages, the API and LTI launches all ask these functions, so a
rule holds the same way everywhere.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from .models import Course, CourseRole, LtiIdentity, Question, Quiz

INSTRUCTORS_GROUP = "Instructors"


def is_site_admin(user: AbstractBaseUser) -> bool:
    """Superusers administer every course."""
    return bool(user.is_authenticated and user.is_superuser)


def in_instructors_group(user: AbstractBaseUser) -> bool:
    """Members of the Instructors group teach every standalone (non-LTI) course."""
    return bool(user.is_authenticated and user.groups.filter(name=INSTRUCTORS_GROUP).exists())


def courses_taught(user: AbstractBaseUser) -> QuerySet[Course]:
    """The courses whose quizzes, bank and results the user may manage: where they teach, every
    standalone course for the Instructors group, every course of a registration they
    administer. A deactivated platform's courses are nobody's but the site admins'."""
    if not user.is_authenticated:
        return Course.objects.none()
    if is_site_admin(user):
        return Course.objects.all()
    rule = Q(enrolments__user=user, enrolments__role=CourseRole.INSTRUCTOR)
    # An LMS Administrator manages the courses of the registration (platform + deployment) they
    # launched from as one, unless the platform says otherwise: never every course of the
    # issuer, which Instructure-hosted Canvas shares among all its schools. One subquery.
    administered = LtiIdentity.objects.filter(
        user=user,
        is_platform_admin=True,
        deployment__platform__admins_see_platform_courses=True,
        deployment__platform__is_active=True,
    ).values("deployment")
    rule |= Q(lti_context__deployment__in=administered)
    if in_instructors_group(user):
        rule |= Q(lti_issuer="")
    return Course.objects.filter(rule).exclude(lti_context__platform__is_active=False).distinct()


def teaches(user: AbstractBaseUser, course: Course) -> bool:
    """Whether the user may manage this course."""
    return courses_taught(user).filter(pk=course.pk).exists()


def can_edit_question(user: AbstractBaseUser, question: Question) -> bool:
    """Shared bank questions (from content packs) are the admins'; a course's are its teachers'."""
    if is_site_admin(user):
        return True
    return (
        question.course_id is not None
        and courses_taught(user).filter(pk=question.course_id).exists()
    )


def can_edit_quiz(user: AbstractBaseUser, quiz: Quiz) -> bool:
    """Shared quizzes are the admins'; a course's quizzes are its teachers'."""
    if is_site_admin(user):
        return True
    return quiz.course_id is not None and courses_taught(user).filter(pk=quiz.course_id).exists()
