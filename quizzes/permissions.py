"""Who may teach where and who belongs to a course: course roles, the standalone Instructors
group, and site admins.

Pure rules over a few queries; pages, the API and LTI launches all ask these functions, so a
rule holds the same way everywhere. `courses_taught` is the one definition of "teaches",
`enrolments_in_force` of "is a member" (`courses_as_member` for the courses themselves), and
`platform_switched_off` of the courses neither grants, for a platform a site admin deactivated;
`with_role` and `role_in` give a member's role in a course from them, so the "Teach this course"
button, `/api/v1/me/` and the teaching pages cannot disagree. `cards_as_member` is the one
definition of which of a learner's flashcards they may still study.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import connection
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Subquery, Value, When

from .models import (
    Article,
    Course,
    CourseRole,
    Enrolment,
    LtiContext,
    LtiIdentity,
    LtiPlatform,
    Question,
    Quiz,
    ReviewCard,
)

INSTRUCTORS_GROUP = "Instructors"


def is_site_admin(user: AbstractBaseUser) -> bool:
    """Superusers administer every course."""
    return bool(user.is_authenticated and user.is_superuser)


def in_instructors_group(user: AbstractBaseUser) -> bool:
    """Members of the Instructors group teach every standalone (non-LTI) course."""
    return bool(user.is_authenticated and user.groups.filter(name=INSTRUCTORS_GROUP).exists())


def platform_switched_off(course: str = "") -> Q:
    """The courses whose LTI platform a site admin has deactivated: they grant no one anything,
    neither teaching nor membership, and are the site admins' alone until it is reactivated.
    A standalone course has no platform and is never switched off. `course` is the lookup path
    from the model filtered to the course (`"course__"` for enrolments)."""
    return Q(**{f"{course}lti_context__platform__is_active": False})


def platform_switched_off_sql(course: str) -> str:
    """`platform_switched_off` in SQL, for the raw reads of the hot path (the start's
    `selectors/offer_rows.quiz_offer_row_sent`): a condition, without parameters, true when the
    course row aliased `course` belongs to a deactivated platform. One index probe per course
    (an LTI context is unique per course); `tests/test_permissions_deactivated_platform.py`
    keeps it equal to the Q above."""
    quote = connection.ops.quote_name
    context, platform = LtiContext._meta, LtiPlatform._meta
    return (
        f"EXISTS (SELECT 1 FROM {quote(context.db_table)} lc "
        f"JOIN {quote(platform.db_table)} lp "
        f"ON lp.{quote(platform.pk.column)} = lc.{quote(context.get_field('platform').column)} "
        f"WHERE lc.{quote(context.get_field('course').column)} = "
        f"{course}.{quote(Course._meta.pk.column)} "
        f"AND NOT lp.{quote(platform.get_field('is_active').column)})"
    )


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
    return Course.objects.filter(rule).exclude(platform_switched_off()).distinct()


def teaches(user: AbstractBaseUser, course: Course) -> bool:
    """Whether the user may manage this course."""
    return courses_taught(user).filter(pk=course.pk).exists()


def enrolments_in_force(user: AbstractBaseUser) -> QuerySet[Enrolment]:
    """The user's enrolments that make them a member of their course: every one, except in a
    course of a deactivated platform (`platform_switched_off`). The one definition of "is a
    member" (a learner, or an instructor by enrolment): the course pages, the quiz lists, the
    start of an attempt, flashcards and `/api/v1/me/` all ask it, through `courses_as_member`,
    `with_role` or, in SQL, `platform_switched_off_sql`. Site admins reach every course
    without it (`is_site_admin`)."""
    if not user.is_authenticated:
        return Enrolment.objects.none()
    return Enrolment.objects.filter(user=user).exclude(platform_switched_off("course__"))


def courses_as_member(user: AbstractBaseUser) -> QuerySet[Course]:
    """The courses the user may enter as a member: those of their `enrolments_in_force`, one
    row each; every course for a site admin."""
    if is_site_admin(user):
        return Course.objects.all()
    return Course.objects.filter(Exists(enrolments_in_force(user).filter(course=OuterRef("pk"))))


def cards_as_member(user: AbstractBaseUser, article: Article | None = None) -> QuerySet[ReviewCard]:
    """The user's flashcards they may study now: their own cards about the article of a course
    they are a member of (`courses_as_member`, so never through a deactivated platform's
    course alone); with `article`, only that article's (a course's flashcards). The one rule
    for rating and undoing a card, through the page and the API alike (`services/study.py`);
    the queue reaches cards only through a member's course (`selectors.membership`), which is
    this rule for that course's article. It joins the card's concept or question (outer
    joins), so a caller that locks the card locks its own row only
    (`select_for_update(of=("self",))`)."""
    if not user.is_authenticated:
        return ReviewCard.objects.none()
    articles = courses_as_member(user).values("article_id")
    if article is not None:
        articles = articles.filter(article=article)
    return ReviewCard.objects.filter(user=user).filter(
        Q(concept__article__in=articles) | Q(question__section__article__in=articles)
    )


def with_role(courses: QuerySet[Course], user: AbstractBaseUser) -> QuerySet[Course]:
    """The courses annotated with the user's `role` in each: "instructor" wherever they teach
    (by `courses_taught`), else their enrolment's role (`enrolments_in_force`), else None (not
    a member)."""
    if is_site_admin(user):
        return courses.annotate(role=Value(CourseRole.INSTRUCTOR.value))
    if not user.is_authenticated:
        return courses.annotate(role=Value(None))
    enrolled = enrolments_in_force(user).filter(course=OuterRef("pk")).values("role")[:1]
    taught = courses_taught(user).filter(pk=OuterRef("pk"))
    return courses.annotate(
        role=Case(
            When(Exists(taught), then=Value(CourseRole.INSTRUCTOR.value)),
            default=Subquery(enrolled),
        )
    )


def role_in(user: AbstractBaseUser, course: Course) -> str | None:
    """The user's role in the course ("instructor" or "learner"); None when they neither teach
    it nor are a member of it (`enrolments_in_force`)."""
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
