"""Question tags in the editor and the bank browser: bank metadata, never a new version."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes.models import Question, Tag
from quizzes.services.authoring import question_duplicate
from tests.factories import CourseFactory, SectionFactory, course_with_learner, enrol, make_question
from tests.views.teach.helpers import THREE_CHOICES, formset, question_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def teaching(client):
    """An instructor signed in, their course's article and a section whose shared bank has two
    exam-tagged questions and an untagged one."""
    section = SectionFactory()
    course, _ = course_with_learner(article=section.article)
    teacher = enrol(course, role="instructor")
    client.force_login(teacher)
    for n in range(2):
        make_question(section, stem=f"Shared exam question {n}?", tags=["exam"])
    make_question(section, stem="Shared untagged question?")
    return course, teacher, section


def write(client, course, section, tags: str):
    return client.post(
        reverse("teach:question_new", args=[course.slug, "single_choice"]),
        {
            **question_fields(section),
            "tags": tags,
            **formset("choices", THREE_CHOICES, correct=0),
        },
    )


def test_the_editor_saves_tags_normalised(client, teaching):
    course, _, section = teaching
    reply = write(client, course, section, "Exam, week 3, exam,")
    assert reply.status_code == 302
    question = Question.objects.get(course=course)
    assert sorted(question.tags.values_list("name", flat=True)) == ["exam", "week-3"]
    edit = reverse("teach:question_edit", args=[course.slug, question.pk])
    assert 'value="exam, week-3"' in client.get(edit).content.decode()


def test_changing_only_the_tags_makes_no_new_version(client, teaching):
    course, _, section = teaching
    write(client, course, section, "exam")
    question = Question.objects.get(course=course)
    edit = reverse("teach:question_edit", args=[course.slug, question.pk])
    fields = {**question_fields(section), **formset("choices", THREE_CHOICES, correct=0)}
    reply = client.post(edit, {**fields, "tags": "week-1"})
    assert reply.status_code == 302
    question.refresh_from_db()
    assert question.current_version.number == 1
    assert list(question.tags.values_list("name", flat=True)) == ["week-1"]


def test_a_bad_tag_is_a_field_error_and_saves_nothing(client, teaching):
    course, _, section = teaching
    reply = write(client, course, section, "exam, no/slashes")
    assert reply.status_code == 200
    assert reply.context["form"].has_error("tags", "bad_tag")
    assert "Tag &#x27;no/slashes&#x27;: use lowercase letters" in reply.content.decode()
    assert not Question.objects.filter(course=course).exists()
    assert not Tag.objects.filter(name="no/slashes").exists()


def test_the_bank_filters_by_tag_and_shows_each_questions_tags(client, teaching):
    course, _, section = teaching
    url = reverse("teach:bank", args=[course.slug])
    page = client.get(url, {"tag": "exam"}).content.decode()
    shared = Question.objects.published().filter(section=section, course__isnull=True)
    tagged = shared.filter(tags__name="exam").count()
    assert 0 < tagged < shared.count()
    assert f"{tagged} questions" in page and 'data-role="tag">exam<' in page
    make_question(section, course=course, stem="Ours, tagged?", tags=["ours"])
    assert ">1 question</p>" in client.get(url, {"tag": "ours"}).content.decode()
    # Another course's tag names are not offered (and filtering by one is a form error).
    other = CourseFactory(article=course.article)
    make_question(section, course=other, stem="Theirs?", tags=["their-secret"])
    page = client.get(url).content.decode()
    assert "their-secret" not in page
    refused = client.get(url, {"tag": "their-secret"}).content.decode()
    assert "Select a valid choice" in refused


def test_a_duplicated_question_keeps_its_tags(teaching):
    course, teacher, section = teaching
    shared = Question.objects.filter(section=section, tags__name="exam").first()
    copy = question_duplicate(question=shared, course=course, actor=teacher)
    assert list(copy.tags.values_list("name", flat=True)) == ["exam"]
