"""Shared content (the shared bank and shared quizzes such as a Final exam) is read-only for
instructors: they are told why, and offered a copy of their own (issue #14 item 5)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes.models import Article, Concept, Course, Question, Quiz, Section
from quizzes.services.authoring import QuestionNotCopyable, question_create, question_duplicate
from quizzes.services.quiz_building import QuizNotEditable, quiz_duplicate
from tests.factories import (
    CourseFactory,
    SectionFactory,
    UserFactory,
    course_with_learner,
    enrol,
    fixed_quiz,
    make_question,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def section() -> Section:
    return SectionFactory()


@pytest.fixture
def course(section) -> Course:
    return course_with_learner(article=section.article)[0]


@pytest.fixture
def instructor(course):
    return enrol(course, role="instructor")


@pytest.fixture
def shared(section) -> Question:
    """A question of the article's shared bank, tagged with a concept of the glossary."""
    concept = Concept.objects.create(
        article=section.article, section=section, slug="ombudsman", term="Ombudsman", definition="."
    )
    for n in range(2):  # more of the section's shared bank, for the Final exam's pool
        make_question(section, stem=f"Another shared question {n}?")
    return make_question(section, stem="Which year?", concepts=[concept])


@pytest.fixture
def final(section, shared) -> Quiz:
    """A shared graded quiz of the article: a fixed shared question and a pool of two."""
    quiz = fixed_quiz([shared], article=section.article, title="Final exam", mode="graded")
    quiz.slots.create(position=2, kind="random", pool_section=section, pool_count=2)
    return quiz


def test_a_shared_questions_editor_says_why_it_is_read_only_and_offers_a_copy(
    client, course, instructor, shared
):
    client.force_login(instructor)
    reply = client.get(reverse("teach:question_edit", args=[course.slug, shared.pk]))
    html = reply.content.decode()
    assert reply.status_code == 403
    assert "This question is shared: read-only here" in html
    assert "maintained by the site admins" in html
    duplicate = reverse("teach:question_duplicate", args=[course.slug, shared.pk])
    assert f'action="{duplicate}"' in html and "Duplicate into this course" in html


def test_a_shared_questions_preview_explains_it_is_read_only(client, course, instructor, shared):
    client.force_login(instructor)
    html = client.get(
        reverse("teach:question_preview", args=[course.slug, shared.pk])
    ).content.decode()
    assert "maintained by the site admins, so it is read-only here" in html
    assert reverse("teach:question_edit", args=[course.slug, shared.pk]) not in html


def test_archiving_a_shared_question_is_refused_with_the_reason(client, course, instructor, shared):
    client.force_login(instructor)
    reply = client.post(reverse("teach:question_archive", args=[course.slug, shared.pk]))
    assert reply.status_code == 403 and "read-only here" in reply.content.decode()
    shared.refresh_from_db()
    assert shared.status == "published"


def test_duplicating_a_shared_question_gives_the_course_a_draft_and_leaves_the_original(
    course, instructor, shared
):
    copy = question_duplicate(question=shared, course=course, actor=instructor)
    assert (copy.course, copy.status, copy.current_version.number) == (course, "draft", 1)
    assert copy.current_version.stem == shared.current_version.stem
    assert copy.current_version.payload["choices"] != [] and set(copy.concepts.all()) == set(
        shared.concepts.all()
    )
    shared.refresh_from_db()
    assert shared.course is None and shared.status == "published"


def test_question_duplicate_refuses_a_user_who_does_not_teach_the_course(course, shared):
    learner = enrol(course)
    with pytest.raises(QuestionNotCopyable):
        question_duplicate(question=shared, course=course, actor=learner)
    assert not Question.objects.filter(course=course).exists()


def test_question_duplicate_refuses_another_courses_question(course, instructor):
    other = CourseFactory(article=course.article)
    section = course.article.sections.get()
    theirs = question_create(
        section=section,
        qtype="true_false",
        stem="Theirs?",
        data={"answer": True},
        course=other,
        actor=None,
    )
    with pytest.raises(QuestionNotCopyable) as refused:
        question_duplicate(question=theirs, course=course, actor=instructor)
    assert "only into a course you teach" in refused.value.message
    assert not Question.objects.filter(course=course).exists()


def test_question_duplicate_refuses_the_shared_bank_of_another_article(course, instructor):
    article = Article.objects.create(title="Another article", slug="another-article")
    section = Section.objects.create(article=article, heading="One", slug="one", position=1)
    elsewhere = question_create(
        section=section, qtype="true_false", stem="Elsewhere?", data={"answer": True}, actor=None
    )
    with pytest.raises(QuestionNotCopyable):
        question_duplicate(question=elsewhere, course=course, actor=instructor)


def test_a_site_admin_may_copy_into_any_course(course, shared):
    admin = UserFactory(is_superuser=True)
    assert question_duplicate(question=shared, course=course, actor=admin).course == course


def test_the_final_exams_builder_says_why_it_is_read_only_and_offers_a_copy(
    client, course, instructor, final
):
    client.force_login(instructor)
    reply = client.get(reverse("teach:quiz_edit", args=[course.slug, final.pk]))
    html = reply.content.decode()
    assert reply.status_code == 403 and "This quiz is shared: read-only here" in html
    assert "Its fixed slots still use the shared questions" in html
    assert f'action="{reverse("teach:quiz_duplicate", args=[course.slug, final.pk])}"' in html


def test_duplicating_the_final_exam_keeps_its_slots_on_the_shared_bank(
    client, course, instructor, final
):
    client.force_login(instructor)
    reply = client.post(reverse("teach:quiz_duplicate", args=[course.slug, final.pk]))
    copy = Quiz.objects.get(course=course)
    assert reply["Location"] == reverse("teach:quiz_edit", args=[course.slug, copy.pk])
    assert not copy.is_published
    fields = ("position", "kind", "question", "pool_section", "pool_count", "mark")
    slots = list(copy.slots.order_by("position").values_list(*fields))
    assert slots and slots == list(final.slots.order_by("position").values_list(*fields))
    assert not Question.objects.filter(course=course).exists()  # no copies of its questions


def test_a_copy_of_a_quiz_with_fixed_shared_questions_uses_those_same_questions(
    course, instructor, shared
):
    questions = [shared, make_question(course.article.sections.get())]
    shared = Quiz.objects.create(title="Shared check", article=course.article)
    for position, question in enumerate(questions, start=1):
        shared.slots.create(position=position, kind="fixed", question=question, mark=1)
    copy = quiz_duplicate(quiz=shared, course=course, actor=instructor)
    assert list(copy.slots.order_by("position").values_list("question", flat=True)) == [
        q.pk for q in questions
    ]
    assert copy.course == course


def test_quiz_duplicate_refuses_a_shared_quiz_the_course_does_not_offer(course, instructor):
    article = Article.objects.create(title="Another article", slug="another-article")
    elsewhere = Quiz.objects.create(title="Elsewhere", article=article)
    with pytest.raises(QuizNotEditable) as refused:
        quiz_duplicate(quiz=elsewhere, course=course, actor=instructor)
    assert "Duplicate a shared quiz into your course" in refused.value.message
    assert not Quiz.objects.filter(course=course).exists()
