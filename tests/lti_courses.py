"""Builders for tests of LTI courses: a course that came from a platform (its LTI context with
the platform and a deployment), and switching that platform off and on as a site admin does."""

from __future__ import annotations

from typing import Any

from quizzes import models
from quizzes.lti import trust
from tests.factories import CourseFactory, enrol, fixed_quiz, make_question


def lti_course(platform: models.LtiPlatform | None = None, **course_fields: Any) -> models.Course:
    """A course launched from `platform` (a new active one by default), with its LTI context."""
    course = CourseFactory(**course_fields)
    if platform is None:
        platform = models.LtiPlatform.objects.create(
            issuer=f"https://lms-{course.pk}.example",
            client_id="kzstudy",
            auth_login_url=f"https://lms-{course.pk}.example/auth",
            auth_token_url=f"https://lms-{course.pk}.example/token",
            key_set_url=f"https://lms-{course.pk}.example/jwks",
        )
    deployment, _ = models.LtiDeployment.objects.get_or_create(platform=platform, deployment_id="1")
    context_id = f"context-{course.pk}"
    models.LtiContext.objects.create(
        course=course, platform=platform, deployment=deployment, context_id=context_id
    )
    course.lti_issuer, course.lti_context_id = platform.issuer, context_id
    course.save(update_fields=["lti_issuer", "lti_context_id"])
    return course


def platform_of(course: models.Course) -> models.LtiPlatform:
    return models.LtiContext.objects.select_related("platform").get(course=course).platform


def deactivate_platform(course: models.Course) -> None:
    """The site admin deactivates the course's platform (`lti/trust.platform_deactivate`)."""
    assert trust.platform_deactivate(platform_of(course), by=None)


def reactivate_platform(course: models.Course) -> None:
    """The site admin approves the course's platform again (`lti/trust.platform_approve`)."""
    assert trust.platform_approve(platform_of(course), by=None)


def course_with_quiz(
    on: models.Section, *, lti: bool, **quiz_fields: Any
) -> tuple[models.Course, models.Quiz, Any]:
    """A course on the article of section `on` (from a new platform, or standalone), its quiz
    of one question of that section (`quiz_fields` as `fixed_quiz` takes them), and a learner
    enrolled in it alone."""
    course = (lti_course if lti else CourseFactory)(article=on.article)
    quiz = fixed_quiz([make_question(on)], course=course, **quiz_fields)
    return course, quiz, enrol(course)
