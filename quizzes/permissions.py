"""Who may teach where: course roles, the standalone Instructors group, and site admins.

Pure rules over a few queries; pages, the API and LTI launches all ask these functions, so a
rule holds the same way everywhere. `courses_taught` is the one definition of "teaches";
`with_role` and `role_in` give a member's role in a course from it, so the "Teach this course"
button, `/api/v1/me/` and the teaching pages cannot disagree.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, Group
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Subquery, Value, When

from .models import Course, CourseRole, Enrolment, LtiIdentity, Question, Quiz

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
    # A subquery, not a query first: the whole rule stays one query that `with_role` can nest.
    in_group = Group.objects.filter(user=user, name=INSTRUCTORS_GROUP)
    rule |= Q(lti_issuer="") & Exists(in_group)
    return Course.objects.filter(rule).exclude(lti_context__platform__is_active=False).distinct()


def teaches(user: AbstractBaseUser, course: Course) -> bool:
    """Whether the user may manage this course."""
    return courses_taught(user).filter(pk=course.pk).exists()


def with_role(courses: QuerySet[Course], user: AbstractBaseUser) -> QuerySet[Course]:
    """The courses annotated with the user's `role` in each: "instructor" wherever they teach
    (by `courses_taught`), else their enrolment's role, else None (not a member)."""
    if is_site_admin(user):
        return courses.annotate(role=Value(CourseRole.INSTRUCTOR.value))
    if not user.is_authenticated:
        return courses.annotate(role=Value(None))
    enrolled = Enrolment.objects.filter(course=OuterRef("pk"), user=user).values("role")[:1]
    taught = courses_taught(user).filter(pk=OuterRef("pk"))
    return courses.annotate(
        role=Case(
            When(Exists(taught), then=Value(CourseRole.INSTRUCTOR.value)),
            default=Subquery(enrolled),
        )
    )


def role_in(user: AbstractBaseUser, course: Course) -> str | None:
    """The user's role in the course ("instructor" or "learner"); None when they neither teach
    it nor are enrolled in it."""
    rows = with_role(Course.objects.filter(pk=course.pk), user)
    return rows.values_list("role", flat=True).first()


def course_may_use(question: Question, course: Course) -> bool:
    """A course uses its own bank and the shared bank of its article (the rule the bank
    selectors filter by, here for a question already loaded with its section)."""
    if question.course_id is not None:
        return question.course_id == course.pk
    return question.section.article_id == course.article_id


def can_write_bank(user: AbstractBaseUser, course: Course | None) -> bool:
    """Who may add to a bank: the shared bank (no course) is the admins', a course's its
    teachers'."""
    if is_site_admin(user):
        return True
    return course is not None and teaches(user, course)


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
