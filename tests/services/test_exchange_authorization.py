"""Bank import and export check their actor themselves: only the course's teachers import into
its bank or export through it (an export holds every answer key); the operator's commands act
as the site itself (SYSTEM)."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command

from quizzes.errors import NotAllowed
from quizzes.models import Question
from quizzes.services.exchange import bank_export, bank_import
from tests.factories import (
    ArticleFactory,
    CourseFactory,
    SectionFactory,
    course_with_learner,
    enrol,
    make_question,
)

pytestmark = pytest.mark.django_db
GIFT = b"::first::Astana became the capital in 1997.{TRUE}\n"
REFUSED = ["learner", "other_instructor", "anonymous"]


@pytest.fixture
def world():
    article = ArticleFactory()
    section = SectionFactory(article=article)
    course, learner = course_with_learner(article=article)
    other = CourseFactory(article=article)
    return {
        "course": course,
        "other": other,
        "section": section,
        "learner": learner,
        "teacher": enrol(course, role="instructor"),
        "other_instructor": enrol(other, role="instructor"),
        "anonymous": AnonymousUser(),
    }


def import_as(world, actor):
    return bank_import(
        course=world["course"],
        content=GIFT,
        actor=actor,
        fmt="gift",
        default_section=world["section"].slug,
    )


@pytest.mark.parametrize("who", REFUSED)
def test_only_the_courses_teachers_import_into_its_bank(world, who):
    with pytest.raises(NotAllowed) as refused:
        import_as(world, world[who])
    assert refused.value.status == 403
    assert not Question.objects.filter(course=world["course"]).exists()
    assert import_as(world, world["teacher"]).created == ["first"]
    assert Question.objects.get(course=world["course"]).created_by == world["teacher"]


@pytest.mark.parametrize("who", REFUSED)
def test_only_the_courses_teachers_export_its_bank(world, who):
    questions = [make_question(world["section"], course=world["course"], stem="Ours?")]
    with pytest.raises(NotAllowed):
        bank_export(questions=questions, fmt="json", course=world["course"], actor=world[who])
    result = bank_export(
        questions=questions, fmt="json", course=world["course"], actor=world["teacher"]
    )
    assert result.count == 1 and "Ours?" in result.text


def test_a_teacher_cannot_export_another_courses_bank_through_their_own(world):
    theirs = [make_question(world["section"], course=world["other"], stem="Theirs?")]
    with pytest.raises(NotAllowed):
        bank_export(questions=theirs, fmt="json", course=world["course"], actor=world["teacher"])


def test_a_person_exports_only_through_a_course(world):
    shared = [make_question(world["section"], stem="Shared?")]
    with pytest.raises(NotAllowed):
        bank_export(questions=shared, fmt="json", course=None, actor=world["teacher"])
    # Through their course, its article's shared bank is theirs to read.
    result = bank_export(
        questions=shared, fmt="json", course=world["course"], actor=world["teacher"]
    )
    assert "Shared?" in result.text


def test_import_bank_as_a_user_who_does_not_teach_the_course_exits_with_an_error(world, tmp_path):
    path = tmp_path / "bank.gift"
    path.write_bytes(GIFT)
    args = [str(path), "--course", world["course"].slug, "--section", world["section"].slug]
    with pytest.raises(CommandError, match="Only the course's instructors"):
        call_command("import_bank", *args, "--user", world["learner"].username)
    assert not Question.objects.filter(course=world["course"]).exists()
    # Without --user the operator imports as the site itself.
    call_command("import_bank", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert Question.objects.get(course=world["course"]).created_by is None
