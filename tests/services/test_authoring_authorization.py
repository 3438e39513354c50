"""The authoring services check their actor themselves: a learner of the course and an
instructor of another course are refused (NotAllowed, 403) and nothing changes; the course's
teacher succeeds. Shared questions are the site admins'."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from quizzes.errors import NotAllowed
from quizzes.models import Question, QuestionStatus, QuestionVersion
from quizzes.services.authoring import (
    question_archive,
    question_create,
    question_duplicate,
    question_edit,
    question_revise,
)
from quizzes.services.tags import question_tags_set
from tests.factories import (
    SINGLE_CHOICE_DATA,
    ArticleFactory,
    CourseFactory,
    SectionFactory,
    UserFactory,
    course_with_learner,
    enrol,
    make_question,
)

pytestmark = pytest.mark.django_db
REFUSED = ["learner", "other_instructor", "anonymous"]


@pytest.fixture
def world():
    """A course with its learner and teacher, another course on the same article with its own
    instructor, a question of the course's bank and a shared one."""
    article = ArticleFactory()
    section = SectionFactory(article=article)
    course, learner = course_with_learner(article=article)
    other = CourseFactory(article=article)
    return {
        "course": course,
        "section": section,
        "learner": learner,
        "teacher": enrol(course, role="instructor"),
        "other_instructor": enrol(other, role="instructor"),
        "anonymous": AnonymousUser(),
        "admin": UserFactory(is_superuser=True),
        "own": question_create(
            section=section,
            qtype="single_choice",
            stem="Ours?",
            data=SINGLE_CHOICE_DATA,
            course=course,
            actor=None,  # a fixture, made as the site itself
        ),
        "shared": make_question(section),
    }


def create_in(world, actor, course):
    return question_create(
        section=world["section"],
        qtype="single_choice",
        stem="Which year?",
        data=SINGLE_CHOICE_DATA,
        course=course,
        actor=actor,
    )


def edit(world, question, actor, **changes):
    version = question.current_version
    fields = {
        "stem": version.stem,
        "data": SINGLE_CHOICE_DATA,
        "explanation": "",
        "source_quote": "",
        "section": question.section,
        "difficulty": question.difficulty,
        "bloom_level": question.bloom_level,
        "status": question.status,
        "concepts": [],
    }
    return question_edit(question=question, actor=actor, **(fields | changes))


@pytest.mark.parametrize("who", REFUSED)
def test_only_the_courses_teachers_add_questions_to_its_bank(world, who):
    before = Question.objects.count()
    with pytest.raises(NotAllowed) as refused:
        create_in(world, world[who], world["course"])
    assert refused.value.status == 403
    assert Question.objects.count() == before
    question = create_in(world, world["teacher"], world["course"])
    assert question.course == world["course"] and question.created_by == world["teacher"]


def test_only_site_admins_add_questions_to_the_shared_bank(world):
    before = Question.objects.count()
    with pytest.raises(NotAllowed):
        create_in(world, world["teacher"], None)
    assert Question.objects.count() == before
    assert create_in(world, world["admin"], None).course is None


@pytest.mark.parametrize("who", REFUSED)
def test_only_the_courses_teachers_revise_its_questions(world, who):
    own = world["own"]
    with pytest.raises(NotAllowed):
        question_revise(question=own, stem="Changed?", data=SINGLE_CHOICE_DATA, actor=world[who])
    assert QuestionVersion.objects.filter(question=own).count() == 1
    version = question_revise(
        question=own, stem="Changed?", data=SINGLE_CHOICE_DATA, actor=world["teacher"]
    )
    assert version.number == 2


@pytest.mark.parametrize("who", REFUSED)
def test_only_the_courses_teachers_publish_its_questions(world, who):
    own = world["own"]
    with pytest.raises(NotAllowed):
        edit(world, own, world[who], status=QuestionStatus.PUBLISHED)
    own.refresh_from_db()
    assert own.status == QuestionStatus.DRAFT
    edit(world, own, world["teacher"], status=QuestionStatus.PUBLISHED)
    own.refresh_from_db()
    assert own.status == QuestionStatus.PUBLISHED


@pytest.mark.parametrize("who", REFUSED)
def test_only_the_courses_teachers_archive_its_questions(world, who):
    own = world["own"]
    with pytest.raises(NotAllowed):
        question_archive(question=own, actor=world[who])
    own.refresh_from_db()
    assert own.status == QuestionStatus.DRAFT
    question_archive(question=own, actor=world["teacher"])
    own.refresh_from_db()
    assert own.status == QuestionStatus.ARCHIVED


@pytest.mark.parametrize("who", REFUSED)
def test_only_the_courses_teachers_tag_its_questions(world, who):
    own = world["own"]
    with pytest.raises(NotAllowed):
        question_tags_set(question=own, names=["week-1"], actor=world[who])
    assert not own.tags.exists()
    assert question_tags_set(question=own, names=["week-1"], actor=world["teacher"])
    assert list(own.tags.values_list("name", flat=True)) == ["week-1"]


def test_a_shared_question_is_changed_only_by_site_admins_even_by_a_teacher(world):
    shared, teacher = world["shared"], world["teacher"]
    with pytest.raises(NotAllowed):
        question_revise(question=shared, stem="Mine now?", data=SINGLE_CHOICE_DATA, actor=teacher)
    with pytest.raises(NotAllowed):
        question_archive(question=shared, actor=teacher)
    shared.refresh_from_db()
    assert shared.current_version.number == 1 and shared.status == QuestionStatus.PUBLISHED
    question_archive(question=shared, actor=world["admin"])
    shared.refresh_from_db()
    assert shared.status == QuestionStatus.ARCHIVED


@pytest.mark.parametrize("who", REFUSED)
def test_only_the_courses_teachers_copy_a_question_into_its_bank(world, who):
    before = Question.objects.count()
    with pytest.raises(NotAllowed):
        question_duplicate(question=world["shared"], course=world["course"], actor=world[who])
    assert Question.objects.count() == before
    copy = question_duplicate(
        question=world["shared"], course=world["course"], actor=world["teacher"]
    )
    assert copy.course == world["course"] and copy.status == QuestionStatus.DRAFT
