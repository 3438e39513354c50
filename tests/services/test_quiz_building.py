"""The quiz builder's services: create, update, duplicate, and the rules they enforce."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from quizzes.errors import MESSAGES
from quizzes.models import Attempt, Question, QuestionVersion, Quiz, QuizSlot, Response
from quizzes.services.attempts import attempt_start
from quizzes.services.quiz_building import (
    QuizNotEditable,
    SlotSpec,
    quiz_create,
    quiz_duplicate,
    quiz_update,
)
from quizzes.services.quiz_rules import QuizInvalid
from tests.factories import CourseFactory, UserFactory, enrol, make_question
from tests.quiz_builder_fixtures import RULES, first_section, fixed, shared_questions

pytestmark = pytest.mark.django_db


def codes(error: QuizInvalid) -> list[tuple[str, str, int | None]]:
    return [(p.field, p.code, p.slot) for p in error.value.problems]


def test_creating_a_quiz_saves_its_rules_and_slots_in_order(course, instructor):
    questions = shared_questions(2)
    pool = SlotSpec(kind="random", pool_section_id=first_section().pk, pool_count=3)
    quiz = quiz_create(
        course=course, actor=instructor, fields=RULES, slots=[*fixed(*questions, mark="2"), pool]
    )
    assert (quiz.course, quiz.article, quiz.title) == (course, course.article, "Midterm")
    rows = list(
        quiz.slots.order_by("position").values_list(
            "position", "kind", "question_id", "pool_count", "mark"
        )
    )
    assert rows == [
        (1, "fixed", questions[0].pk, 1, Decimal(2)),
        (2, "fixed", questions[1].pk, 1, Decimal(2)),
        (3, "random", None, 3, Decimal(1)),
    ]


def test_a_quiz_needs_at_least_one_slot(course, instructor):
    with pytest.raises(QuizInvalid) as error:
        quiz_create(course=course, actor=instructor, fields=RULES, slots=[])
    assert codes(error) == [("", "no_slots", None)]
    assert not Quiz.objects.filter(course=course).exists()


def test_a_quiz_must_close_after_it_opens(course, instructor):
    opens = timezone.now()
    rules = {**RULES, "opens_at": opens, "closes_at": opens - timedelta(hours=1)}
    with pytest.raises(QuizInvalid) as error:
        quiz_create(
            course=course, actor=instructor, fields=rules, slots=fixed(*shared_questions(1))
        )
    assert codes(error) == [("closes_at", "closes_before_opens", None)]


def test_a_review_waiting_for_the_last_attempt_needs_an_attempt_limit_or_a_close_date(
    course, instructor
):
    waits = {**RULES, "review_key_after_last_attempt": True}
    with pytest.raises(QuizInvalid) as error:
        quiz_create(
            course=course, actor=instructor, fields=waits, slots=fixed(*shared_questions(1))
        )
    assert codes(error) == [("review_key_after_last_attempt", "no_last_attempt", None)]
    for limit in ({"max_attempts": 2}, {"closes_at": timezone.now() + timedelta(days=1)}):
        quiz = quiz_create(
            course=course,
            actor=instructor,
            fields={**waits, **limit},
            slots=fixed(*shared_questions(1)),
        )
        assert quiz.review_key_after_last_attempt
    copy = quiz_duplicate(quiz=quiz, course=course, actor=instructor)
    assert copy.review_key_after_last_attempt


def test_the_same_question_cannot_be_in_two_slots(course, instructor):
    question = shared_questions(1)[0]
    with pytest.raises(QuizInvalid) as error:
        quiz_create(course=course, actor=instructor, fields=RULES, slots=fixed(question, question))
    assert codes(error) == [("question", "duplicate_question", 1)]
    assert "slot 1" in error.value.problems[0].message


def test_a_pool_must_be_able_to_supply_its_count_without_the_fixed_questions(course, instructor):
    section = first_section()
    in_section = Question.objects.published().filter(section=section, course__isnull=True)
    size = in_section.count()
    pool = SlotSpec(kind="random", pool_section_id=section.pk, pool_count=size)
    slots = [*fixed(in_section.first()), pool]
    with pytest.raises(QuizInvalid) as error:
        quiz_create(course=course, actor=instructor, fields=RULES, slots=slots)
    assert codes(error) == [("pool_count", "pool_short", 1)]
    assert f"Only {size - 1} published questions" in error.value.problems[0].message
    quiz = quiz_create(course=course, actor=instructor, fields=RULES, slots=[pool])
    assert quiz.slots.get().pool_count == size


def test_a_pool_must_be_sure_of_its_count_whatever_earlier_pools_draw(course, instructor):
    section = first_section()
    size = Question.objects.published().filter(section=section, course__isnull=True).count()
    broad = SlotSpec(kind="random", pool_section_id=section.pk, pool_count=size - 1)
    narrow = SlotSpec(kind="random", pool_section_id=section.pk, pool_count=2)
    with pytest.raises(QuizInvalid) as error:
        quiz_create(course=course, actor=instructor, fields=RULES, slots=[broad, narrow])
    assert codes(error) == [("pool_count", "pool_overlap", 1)]


def test_pools_count_only_published_questions_of_this_course_and_the_shared_bank(
    course, instructor
):
    section = first_section()
    other = CourseFactory(article=course.article)
    make_question(section=section, course=other, stem="Another course's question")
    shared = Question.objects.published().filter(section=section, course__isnull=True).count()
    draft = make_question(section=section, course=course)
    Question.objects.filter(pk=draft.pk).update(status="draft")
    too_many = SlotSpec(kind="random", pool_section_id=section.pk, pool_count=shared + 1)
    with pytest.raises(QuizInvalid):
        quiz_create(course=course, actor=instructor, fields=RULES, slots=[too_many])
    make_question(section=section, course=course, stem="Our own question")
    assert quiz_create(course=course, actor=instructor, fields=RULES, slots=[too_many])


def test_a_fixed_question_must_come_from_this_course_or_the_shared_bank(course, instructor):
    other = CourseFactory(article=course.article)
    theirs = make_question(section=first_section(), course=other)
    ours = make_question(section=first_section(), course=course)
    with pytest.raises(QuizInvalid) as error:
        quiz_create(course=course, actor=instructor, fields=RULES, slots=fixed(theirs))
    assert codes(error) == [("question", "question_unavailable", 0)]
    assert quiz_create(course=course, actor=instructor, fields=RULES, slots=fixed(ours))


def test_a_fixed_question_must_be_published(course, instructor):
    question = make_question(section=first_section(), course=course)
    Question.objects.filter(pk=question.pk).update(status="archived")
    with pytest.raises(QuizInvalid) as error:
        quiz_create(course=course, actor=instructor, fields=RULES, slots=fixed(question))
    assert codes(error) == [("question", "question_not_published", 0)]


def test_updating_replaces_the_slots_and_rules_at_once(course, instructor):
    a, b, c = shared_questions(3)
    quiz = quiz_create(course=course, actor=instructor, fields=RULES, slots=fixed(a, b))
    quiz_update(
        quiz=quiz, actor=instructor, fields={**RULES, "title": "Final"}, slots=fixed(c, a, mark="3")
    )
    quiz.refresh_from_db()
    assert quiz.title == "Final"
    assert list(quiz.slots.order_by("position").values_list("question_id", "mark")) == [
        (c.pk, Decimal(3)),
        (a.pk, Decimal(3)),
    ]


def test_a_refused_update_changes_nothing(course, instructor):
    a, b = shared_questions(2)
    quiz = quiz_create(course=course, actor=instructor, fields=RULES, slots=fixed(a, b))
    before = list(QuizSlot.objects.filter(quiz=quiz).values_list("pk", "question_id"))
    with pytest.raises(QuizInvalid):
        quiz_update(quiz=quiz, actor=instructor, fields={**RULES, "title": "X"}, slots=fixed(a, a))
    quiz.refresh_from_db()
    assert quiz.title == "Midterm"
    assert list(QuizSlot.objects.filter(quiz=quiz).values_list("pk", "question_id")) == before


def test_editing_a_quiz_never_alters_an_attempt_already_started(course, instructor):
    a, b, c = shared_questions(3)
    quiz = quiz_create(course=course, actor=instructor, fields=RULES, slots=fixed(a, b))
    learner = enrol(course)
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    snapshot = list(
        attempt.responses.order_by("position").values_list(
            "question_id", "question_version_id", "max_mark", "choice_order"
        )
    )
    quiz_update(
        quiz=quiz, actor=instructor, fields={**RULES, "title": "New"}, slots=fixed(c, mark="5")
    )
    attempt.refresh_from_db()
    assert attempt.max_score == Decimal(2)
    assert (
        list(
            attempt.responses.order_by("position").values_list(
                "question_id", "question_version_id", "max_mark", "choice_order"
            )
        )
        == snapshot
    )
    # The same learner's open attempt is the one they get back, with its old questions.
    assert attempt_start(quiz=quiz, user=learner, course=course) == attempt
    newcomer = enrol(course)
    fresh = attempt_start(quiz=quiz, user=newcomer, course=course)
    assert list(fresh.responses.values_list("question_id", "max_mark")) == [(c.pk, Decimal(5))]


def test_a_fixed_question_that_stays_keeps_its_pinned_version(course, instructor):
    a, b = shared_questions(2)
    quiz = quiz_create(course=course, actor=instructor, fields=RULES, slots=fixed(a, b))
    QuizSlot.objects.filter(quiz=quiz, question=a).update(pinned_version=a.current_version)
    quiz_update(quiz=quiz, actor=instructor, fields=RULES, slots=fixed(b, a))
    assert QuizSlot.objects.get(quiz=quiz, question=a).pinned_version == a.current_version
    assert QuizSlot.objects.get(quiz=quiz, question=b).pinned_version is None


def test_instructors_cannot_change_shared_quizzes_but_site_admins_can(
    course, instructor, final_exam
):
    shared = final_exam
    slots = fixed(*shared_questions(1))
    with pytest.raises(QuizNotEditable):
        quiz_update(quiz=shared, actor=instructor, fields={**RULES, "title": "Mine"}, slots=slots)
    admin = UserFactory(is_superuser=True)
    quiz_update(quiz=shared, actor=admin, fields={**RULES, "title": "Edited"}, slots=slots)
    shared.refresh_from_db()
    assert shared.title == "Edited" and shared.course is None


def test_a_shared_quiz_takes_only_shared_questions(course, final_exam):
    admin = UserFactory(is_superuser=True)
    own = make_question(section=first_section(), course=course)
    shared = final_exam
    with pytest.raises(QuizInvalid) as error:
        quiz_update(quiz=shared, actor=admin, fields=RULES, slots=fixed(own))
    assert codes(error) == [("question", "question_unavailable", 0)]


def test_a_user_who_does_not_teach_the_course_cannot_create_quizzes_in_it(course):
    learner = enrol(course)
    with pytest.raises(QuizNotEditable):
        quiz_create(course=course, actor=learner, fields=RULES, slots=fixed(*shared_questions(1)))


def test_duplicating_copies_rules_and_slots_into_the_course_unpublished(
    course, instructor, final_exam
):
    shared = final_exam
    copy = quiz_duplicate(quiz=shared, course=course, actor=instructor)
    assert (copy.course, copy.key, copy.is_published) == (course, None, False)
    assert copy.title == f"{shared.title} (copy)"
    for name in (
        "mode",
        "layout",
        "time_limit_minutes",
        "max_attempts",
        "pass_mark",
        "review_timing",
    ):
        assert getattr(copy, name) == getattr(shared, name)
    fields = (
        "position",
        "kind",
        "question_id",
        "pool_section_id",
        "pool_concept_id",
        "pool_difficulty",
        "pool_count",
        "mark",
    )
    assert list(copy.slots.order_by("position").values_list(*fields)) == list(
        shared.slots.order_by("position").values_list(*fields)
    )
    shared.refresh_from_db()
    assert shared.course is None and shared.is_published


def test_a_quiz_of_another_course_cannot_be_duplicated(course, instructor):
    other = CourseFactory(article=course.article)
    theirs = quiz_create(
        course=other,
        actor=UserFactory(is_superuser=True),
        fields=RULES,
        slots=fixed(*shared_questions(1)),
    )
    with pytest.raises(QuizNotEditable):
        quiz_duplicate(quiz=theirs, course=course, actor=instructor)


def test_nothing_about_attempts_is_written_by_the_builder(course, instructor):
    counts = (Attempt.objects.count(), Response.objects.count(), QuestionVersion.objects.count())
    quiz = quiz_create(
        course=course, actor=instructor, fields=RULES, slots=fixed(*shared_questions(2))
    )
    quiz_update(quiz=quiz, actor=instructor, fields=RULES, slots=fixed(*shared_questions(3)))
    quiz_duplicate(quiz=quiz, course=course, actor=instructor)
    assert (
        Attempt.objects.count(),
        Response.objects.count(),
        QuestionVersion.objects.count(),
    ) == counts


def test_the_builders_messages_leave_the_learners_messages_alone():
    assert str(MESSAGES["pool_too_small"]).startswith("This quiz cannot be started")


def test_every_problem_is_reported_at_once(course, instructor):
    question = shared_questions(1)[0]
    pool = SlotSpec(kind="random", pool_section_id=first_section().pk, pool_count=500)
    with pytest.raises(QuizInvalid) as error:
        quiz_create(
            course=course, actor=instructor, fields=RULES, slots=[*fixed(question, question), pool]
        )
    assert codes(error) == [("question", "duplicate_question", 1), ("pool_count", "pool_short", 2)]
