"""Data rules that the database itself enforces."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from quizzes import models
from tests.factories import (
    CourseFactory,
    QuizFactory,
    SectionFactory,
    UserFactory,
    make_attempt,
    make_question,
)

pytestmark = pytest.mark.django_db


def rejected(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_section_positions_and_slugs_are_unique_per_article():
    section = SectionFactory()
    rejected(lambda: SectionFactory(article=section.article, position=section.position))
    rejected(lambda: SectionFactory(article=section.article, slug=section.slug))
    rejected(lambda: SectionFactory(position=0))


def test_question_difficulty_and_type_are_checked():
    question = make_question()
    rejected(lambda: models.Question.objects.filter(pk=question.pk).update(difficulty=4))
    rejected(lambda: models.Question.objects.filter(pk=question.pk).update(qtype="essay"))


def test_version_numbers_are_unique_per_question():
    question = make_question()
    version = question.current_version
    rejected(
        lambda: models.QuestionVersion.objects.create(
            question=question, number=1, qtype=version.qtype, stem="x", payload={}, content_hash="x"
        )
    )


def test_a_saved_version_cannot_be_changed():
    version = make_question().current_version
    version.stem = "Changed behind the service's back"
    with pytest.raises(models.ImmutableVersionError):
        version.save()
    version.refresh_from_db()
    assert version.stem == "When?"


@pytest.mark.parametrize(
    "fields",
    [
        {"pass_mark": Decimal("100.5")},
        {"pass_mark": Decimal("-1")},
        {"time_limit_minutes": 0},
        {"max_attempts": 0},
        {"opens_at": timezone.now(), "closes_at": timezone.now() - timedelta(days=1)},
    ],
)
def test_quiz_rules_are_checked(fields):
    rejected(lambda: QuizFactory(**fields))


def test_a_slot_is_either_fixed_or_random():
    quiz, question = QuizFactory(), make_question()
    section = question.section
    rejected(lambda: models.QuizSlot.objects.create(quiz=quiz, position=1, kind="fixed"))
    rejected(
        lambda: models.QuizSlot.objects.create(
            quiz=quiz,
            position=1,
            kind="random",
            question=question,
            pool_section=section,
            pool_count=2,
        )
    )
    rejected(
        lambda: models.QuizSlot.objects.create(
            quiz=quiz, position=1, kind="fixed", question=question, pool_section=section
        )
    )
    models.QuizSlot.objects.create(quiz=quiz, position=1, kind="fixed", question=question)
    models.QuizSlot.objects.create(
        quiz=quiz, position=2, kind="random", pool_section=section, pool_count=3
    )
    rejected(
        lambda: models.QuizSlot.objects.create(
            quiz=quiz, position=2, kind="fixed", question=question
        )
    )


def test_attempt_numbers_are_unique_and_only_one_attempt_is_open():
    attempt = make_attempt()
    same = {"quiz": attempt.quiz, "user": attempt.user, "course": attempt.course}
    rejected(
        lambda: make_attempt(
            **same, number=1, state="submitted", submitted_at=timezone.now(), score=0
        )
    )
    rejected(lambda: make_attempt(**same, number=2))
    make_attempt(**same, number=2, state="submitted", submitted_at=timezone.now(), score=Decimal(1))


def test_a_submitted_attempt_has_a_score_within_its_maximum():
    attempt = make_attempt()
    qs = models.Attempt.objects.filter(pk=attempt.pk)
    rejected(lambda: qs.update(state="submitted", submitted_at=timezone.now()))
    rejected(lambda: qs.update(state="submitted", submitted_at=timezone.now(), score=Decimal(5)))
    rejected(lambda: qs.update(score=Decimal(1)))
    rejected(lambda: qs.update(deadline=attempt.started_at - timedelta(seconds=1)))


def test_response_fraction_and_score_are_bounded_and_questions_not_repeated():
    question = make_question()
    attempt = make_attempt(questions=[question])
    response = attempt.responses.get()
    qs = models.Response.objects.filter(pk=response.pk)
    rejected(lambda: qs.update(fraction=Decimal("1.5")))
    rejected(lambda: qs.update(score=Decimal(2)))
    rejected(
        lambda: models.Response.objects.create(
            attempt=attempt,
            position=2,
            question=question,
            question_version=question.current_version,
            max_mark=1,
        )
    )


def test_response_steps_are_numbered_once():
    attempt = make_attempt(questions=[make_question()])
    response = attempt.responses.get()
    models.ResponseStep.objects.create(response=response, seq=1, kind="save", state="answered")
    rejected(
        lambda: models.ResponseStep.objects.create(
            response=response, seq=1, kind="save", state="answered"
        )
    )


def test_attempts_protect_what_they_showed_from_deletion():
    question = make_question()
    attempt = make_attempt(questions=[question])
    with pytest.raises(ProtectedError):
        question.delete()
    with pytest.raises(ProtectedError):
        attempt.quiz.delete()
    with pytest.raises(ProtectedError):
        attempt.user.delete()
    with pytest.raises(ProtectedError):
        attempt.course.delete()
    assert models.Response.objects.filter(attempt=attempt).exists()


def test_lti_contexts_are_unique_per_issuer_but_standalone_courses_are_not():
    CourseFactory(lti_issuer="https://lms.example", lti_context_id="c1")
    rejected(lambda: CourseFactory(lti_issuer="https://lms.example", lti_context_id="c1"))
    CourseFactory(lti_issuer="https://other.example", lti_context_id="c1")
    CourseFactory(), CourseFactory()


def test_one_enrolment_per_user_and_course():
    course, user = CourseFactory(), UserFactory()
    models.Enrolment.objects.create(course=course, user=user)
    rejected(lambda: models.Enrolment.objects.create(course=course, user=user, role="instructor"))


def test_question_keys_are_unique_within_each_bank():
    section = SectionFactory()
    make_question(section=section, key="q-1")
    rejected(lambda: make_question(section=section, key="q-1"))
    course = CourseFactory()
    make_question(section=section, key="q-1", course=course)
    rejected(lambda: make_question(section=section, key="q-1", course=course))
    make_question(section=section, key="q-1", course=CourseFactory())
