"""The question bank browser and editor, as an instructor uses them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from quizzes.models import Question, QuestionVersion, Section
from quizzes.permissions import INSTRUCTORS_GROUP, teaches
from tests.factories import (
    QUESTION_DATA,
    ArticleFactory,
    CourseFactory,
    SectionFactory,
    UserFactory,
    course_with_learner,
    enrol,
    make_question,
    question_of_each_type,
)
from tests.views.teach.helpers import THREE_CHOICES, formset, question_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def teaching(client):
    """An instructor signed in to a course on a factory article of two sections, whose shared
    bank holds a question of every type in the first and three in the second (one ordering)."""
    article = ArticleFactory()
    first, second = SectionFactory(article=article), SectionFactory(article=article)
    question_of_each_type(first)
    for n in range(2):
        make_question(second, stem=f"A question of the second section {n}?", key=f"second-{n}")
    make_question(
        second, "ordering", QUESTION_DATA["ordering"], stem="Put in order?", key="second-2"
    )
    course, learner = course_with_learner(article=article)
    teacher = enrol(course, role="instructor")
    client.force_login(teacher)
    return course, teacher, learner


def first_section(course) -> Section:
    return course.article.sections.order_by("position").first()


def shared_question(course) -> Question:
    """A question of the shared bank of the course's article."""
    shared = Question.objects.filter(section__article=course.article, course__isnull=True)
    return shared.order_by("pk").first()


def test_an_instructor_creates_a_three_choice_question_and_previews_it(client, teaching):
    course, teacher, _ = teaching
    section = first_section(course)
    data = {**question_fields(section), **formset("choices", THREE_CHOICES, extra=2, correct=0)}
    reply = client.post(reverse("teach:question_new", args=[course.slug, "single_choice"]), data)
    question = Question.objects.get(course=course)
    assert reply.status_code == 302 and reply["Location"] == reverse(
        "teach:question_preview", args=[course.slug, question.pk]
    )
    version = question.current_version
    assert (version.number, version.stem, question.status) == (1, data["stem"], "published")
    assert [c["text"] for c in version.payload["choices"]] == ["2009", "2017", "2020"]
    assert [c["correct"] for c in version.payload["choices"]] == [True, False, False]
    assert version.created_by == teacher
    html = client.get(reply["Location"]).content.decode()
    assert (
        html.count('type="radio"') == 3
        and "Right answer" in html
        and "The article dates the law to 2009." in html
    )


def test_an_invalid_question_shows_field_errors_and_saves_nothing(client, teaching):
    course, _, _ = teaching
    section = first_section(course)
    data = {**question_fields(section), **formset("choices", THREE_CHOICES[:2], correct=0)}
    reply = client.post(reverse("teach:question_new", args=[course.slug, "single_choice"]), data)
    assert reply.status_code == 200 and "give at least two wrong choices" in reply.content.decode()
    data = {**question_fields(section, stem=" "), **formset("choices", THREE_CHOICES, correct=0)}
    reply = client.post(reverse("teach:question_new", args=[course.slug, "single_choice"]), data)
    assert reply.status_code == 200 and "This field is required" in reply.content.decode()
    assert not Question.objects.filter(course=course).exists()


@pytest.mark.parametrize(
    ("qtype", "answer_fields"),
    [
        ("true_false", {"tf-answer": "true", "tf-feedback": ""}),
        ("numeric", {"numeric-answer": "2009", "numeric-tolerance": "0", "numeric-unit": ""}),
        ("short_answer", formset("accepted", [{"text": "2009"}, {"text": "two thousand nine"}])),
        (
            "ordering",
            formset(
                "items", [{"text": "2009 law"}, {"text": "2017 offense"}, {"text": "2020 protests"}]
            ),
        ),
        (
            "matching",
            {
                **formset(
                    "pairs",
                    [
                        {"left": "2009", "right": "law"},
                        {"left": "2017", "right": "offense"},
                        {"left": "2020", "right": "march"},
                    ],
                ),
                **formset("distractors", []),
            },
        ),
        (
            "multiple_response",
            formset(
                "choices",
                [
                    {**THREE_CHOICES[0], "correct": "on"},
                    *THREE_CHOICES[1:],
                    {"text": "2018", "correct": "on"},
                ],
            ),
        ),
    ],
)
def test_every_type_can_be_written_in_the_editor(client, teaching, qtype, answer_fields):
    course, _, _ = teaching
    section = first_section(course)
    assert client.get(reverse("teach:question_new", args=[course.slug, qtype])).status_code == 200
    reply = client.post(
        reverse("teach:question_new", args=[course.slug, qtype]),
        {**question_fields(section), **answer_fields},
    )
    assert reply.status_code == 302, reply.content.decode()[-3000:]
    question = Question.objects.get(course=course)
    assert question.qtype == qtype and question.current_version.type.correct_texts(
        question.current_version.payload
    )


def test_editing_makes_a_new_version_and_the_history_shows_the_change(client, teaching):
    course, _, _ = teaching
    section = first_section(course)
    client.post(
        reverse("teach:question_new", args=[course.slug, "single_choice"]),
        {**question_fields(section), **formset("choices", THREE_CHOICES, correct=0)},
    )
    question = Question.objects.get(course=course)
    edit = reverse("teach:question_edit", args=[course.slug, question.pk])
    page = client.get(edit).content.decode()
    assert "2017" in page and "That is when it became an administrative offense." in page
    changed = [{**THREE_CHOICES[0]}, {**THREE_CHOICES[1]}, {"text": "2019", "feedback": ""}]
    client.post(edit, {**question_fields(section), **formset("choices", changed, correct=0)})
    question.refresh_from_db()
    assert question.current_version.number == 2
    assert [
        c["text"]
        for c in QuestionVersion.objects.get(question=question, number=1).payload["choices"]
    ][2] == "2020"
    history = client.get(
        reverse("teach:question_history", args=[course.slug, question.pk])
    ).content.decode()
    assert "Version 2" in history and "2019" in history and "2020" in history


def test_shared_questions_are_read_only_but_can_be_duplicated(client, teaching):
    course, _, _ = teaching
    shared = shared_question(course)
    assert (
        client.get(reverse("teach:question_edit", args=[course.slug, shared.pk])).status_code == 403
    )
    reply = client.post(reverse("teach:question_duplicate", args=[course.slug, shared.pk]))
    copy = Question.objects.get(course=course)
    assert reply["Location"] == reverse("teach:question_edit", args=[course.slug, copy.pk])
    assert copy.current_version.stem == shared.current_version.stem and copy.status == "draft"
    assert client.get(reply["Location"]).status_code == 200


def test_archiving_takes_a_question_out_of_new_attempts(client, teaching):
    course, _, _ = teaching
    shared = shared_question(course)
    client.post(reverse("teach:question_duplicate", args=[course.slug, shared.pk]))
    copy = Question.objects.get(course=course)
    client.post(reverse("teach:question_archive", args=[course.slug, copy.pk]))
    copy.refresh_from_db()
    assert copy.status == "archived"
    assert (
        client.post(reverse("teach:question_archive", args=[course.slug, shared.pk])).status_code
        == 403
    )


def test_the_bank_filters_and_searches(client, teaching, django_assert_max_num_queries):
    course, _, _ = teaching
    url = reverse("teach:bank", args=[course.slug])
    with django_assert_max_num_queries(12):
        html = client.get(url, {"qtype": "ordering"}).content.decode()
    # The filter must show exactly that type's (that section's) questions, fewer than the bank.
    published = Question.objects.published().filter(section__article=course.article)
    orderings = published.filter(qtype="ordering").count()
    assert 0 < orderings < published.count()
    assert f"{orderings} questions" in html
    section = course.article.sections.order_by("position").last()
    in_section = published.filter(section=section).count()
    assert 0 < in_section < published.count()
    assert f"{in_section} questions" in client.get(url, {"section": section.pk}).content.decode()
    assert "1 question" in client.get(url, {"q": "second-2"}).content.decode()
    bad = client.get(url, {"difficulty": "7"})
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()


def test_questions_of_another_course_are_not_found(client, teaching):
    course, _, _ = teaching
    other = CourseFactory(article=course.article)
    section = first_section(course)
    from quizzes.services.authoring import question_create

    foreign = question_create(
        section=section,
        qtype="true_false",
        stem="Foreign?",
        data={"answer": True},
        course=other,
        actor=None,
    )
    for name in ("question_edit", "question_preview", "question_history"):
        assert (
            client.get(reverse(f"teach:{name}", args=[course.slug, foreign.pk])).status_code == 404
        )


def test_the_instructors_group_teaches_standalone_courses_only():
    standalone = CourseFactory()
    lms = CourseFactory(lti_issuer="https://lms.example", lti_context_id="c1")
    user = UserFactory()
    assert not teaches(user, standalone)
    user.groups.add(Group.objects.get_or_create(name=INSTRUCTORS_GROUP)[0])
    assert teaches(user, standalone) and not teaches(user, lms)
