"""A platform a site admin deactivated grants nothing: its courses' enrolments stop making
anyone a member (`permissions.enrolments_in_force`), as its instructors already stop teaching
(`permissions.courses_taught`), until it is reactivated. Standalone courses and other
platforms' courses are untouched; site admins still reach every course. The start's SQL
(`permissions.platform_switched_off_sql`) says the same as the ORM's rule. A learner's
flashcards about its article may be studied only through another course still switched on
(`permissions.cards_as_member`)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quizzes.models import CardKind, Concept, Course, ReviewCard
from quizzes.permissions import (
    cards_as_member,
    courses_as_member,
    courses_taught,
    enrolments_in_force,
    platform_switched_off,
    platform_switched_off_sql,
    role_in,
)
from quizzes.selectors.delivery import member_courses, start_offer
from quizzes.selectors.membership import course_for_member
from tests.factories import (
    ArticleFactory,
    CourseFactory,
    QuizFactory,
    SectionFactory,
    UserFactory,
    enrol,
)
from tests.lti_courses import deactivate_platform, lti_course, reactivate_platform

pytestmark = pytest.mark.django_db


@pytest.fixture
def courses():
    """A learner of three courses on one article: standalone, LTI, and LTI from the platform
    that will be deactivated."""
    article = ArticleFactory()
    standalone = CourseFactory(article=article)
    other = lti_course(article=article)
    switched = lti_course(article=article)
    learner = UserFactory()
    for course in (standalone, other, switched):
        enrol(course, learner)
    return learner, standalone, other, switched


def test_a_deactivated_platforms_learner_is_no_member_of_its_course_until_it_is_reactivated(
    courses,
):
    learner, _standalone, _other, switched = courses
    deactivate_platform(switched)

    assert role_in(learner, switched) is None
    assert course_for_member(learner, slug=switched.slug) is None
    assert switched not in courses_as_member(learner)
    assert not enrolments_in_force(learner).filter(course=switched).exists()

    reactivate_platform(switched)

    assert role_in(learner, switched) == "learner"
    assert course_for_member(learner, course_id=switched.pk).role == "learner"
    assert switched in courses_as_member(learner)


def test_a_deactivated_platform_leaves_standalone_and_other_platforms_courses_as_they_were(
    courses,
):
    learner, standalone, other, switched = courses
    deactivate_platform(switched)

    assert set(courses_as_member(learner)) == {standalone, other}
    assert [(c.pk, c.role) for c in member_courses(learner)] == [
        (c.pk, "learner") for c in sorted([standalone, other], key=lambda c: c.title)
    ]
    assert role_in(learner, standalone) == role_in(learner, other) == "learner"


def test_an_instructor_by_enrolment_has_no_role_in_a_deactivated_platforms_course():
    course = lti_course(article=ArticleFactory())
    teacher = enrol(course, role="instructor")
    assert role_in(teacher, course) == "instructor"

    deactivate_platform(course)

    assert role_in(teacher, course) is None
    assert course not in courses_taught(teacher)
    assert course_for_member(teacher, slug=course.slug) is None


def test_a_site_admin_still_reaches_a_deactivated_platforms_course(courses):
    *_, switched = courses
    deactivate_platform(switched)
    admin = UserFactory(is_superuser=True)

    assert switched in courses_as_member(admin)
    assert course_for_member(admin, slug=switched.slug).role == "instructor"
    offer = start_offer(
        user=admin,
        quiz_id=QuizFactory(course=switched).pk,
        course_id=switched.pk,
        since=timezone.now(),
    )
    assert (offer.course_id, offer.is_member) == (switched.pk, True)


def test_no_one_signed_out_is_a_member_anywhere(courses):
    assert not enrolments_in_force(AnonymousUser()).exists()
    assert not courses_as_member(AnonymousUser()).exists()


def test_the_starts_sql_and_the_orm_switch_off_the_same_courses(courses):
    _learner, standalone, other, switched = courses
    deactivate_platform(switched)
    table = connection.ops.quote_name(Course._meta.db_table)

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT c.id FROM {table} c WHERE {platform_switched_off_sql('c')}")
        by_sql = {row[0] for row in cursor.fetchall()}
        cursor.execute(f"SELECT c.id FROM {table} c WHERE NOT {platform_switched_off_sql('c')}")
        left_by_sql = {row[0] for row in cursor.fetchall()}

    assert by_sql == set(
        Course.objects.filter(platform_switched_off()).values_list("pk", flat=True)
    )
    assert by_sql == {switched.pk}
    assert {standalone.pk, other.pk} <= left_by_sql
    assert switched.pk not in left_by_sql


def test_a_deactivated_platforms_learner_is_offered_its_quiz_in_no_course_in_the_starts_one_query(
    courses,
):
    learner, _standalone, _other, switched = courses
    quiz = QuizFactory(course=switched)
    deactivate_platform(switched)

    with CaptureQueriesContext(connection) as read:
        unasked = start_offer(user=learner, quiz_id=quiz.pk, since=timezone.now())
        asked = start_offer(
            user=learner, quiz_id=quiz.pk, course_slug=switched.slug, since=timezone.now()
        )
    assert len(read.captured_queries) == 2
    assert (unasked.course_id, unasked.course_count) == (None, 0)
    assert (asked.course_id, asked.is_member) == (None, False)

    reactivate_platform(switched)

    again = start_offer(user=learner, quiz_id=quiz.pk, course_id=switched.pk, since=timezone.now())
    assert (again.course_id, again.course_count, again.is_member) == (switched.pk, 1, True)


def test_a_shared_quiz_is_offered_only_in_the_learners_courses_still_switched_on(courses):
    learner, standalone, other, switched = courses
    shared = QuizFactory(article=standalone.article)
    deactivate_platform(switched)

    offer = start_offer(user=learner, quiz_id=shared.pk, since=timezone.now())
    assert offer.course_count == 2
    assert offer.course_id == min(standalone.pk, other.pk)


def test_a_switched_off_platforms_learner_may_study_its_articles_cards_through_no_course_of_it():
    article = ArticleFactory()
    switched = lti_course(article=article)
    learner = enrol(switched)
    section = SectionFactory(article=article)
    concept = Concept.objects.create(
        article=article, section=section, slug="c", term="Term", definition="Definition."
    )
    card = ReviewCard.objects.create(
        user=learner, kind=CardKind.CONCEPT, concept=concept, due=timezone.now()
    )
    assert list(cards_as_member(learner)) == [card]
    assert list(cards_as_member(learner, article)) == [card]
    assert not cards_as_member(learner, ArticleFactory()).exists()

    deactivate_platform(switched)

    assert not cards_as_member(learner).exists()
    assert cards_as_member(UserFactory(is_superuser=True)).count() == 0  # only one's own cards
    enrol(CourseFactory(article=article), learner)  # a course still switched on offers it
    assert list(cards_as_member(learner, article)) == [card]


def test_no_one_signed_out_may_study_a_card():
    assert not cards_as_member(AnonymousUser()).exists()
