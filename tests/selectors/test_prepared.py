"""Queries compiled once per shape: the data is always read afresh, only the SQL is kept."""

from decimal import Decimal

import pytest
from django.db.models import Exists, OuterRef

from quizzes import models
from quizzes.selectors import prepared
from tests.factories import fixed_quiz, make_question

pytestmark = pytest.mark.django_db


def test_a_prepared_query_is_built_once_but_reads_rows_added_since():
    first = make_question(stem="First?")
    quiz = fixed_quiz([first])
    builds = []

    def build():
        builds.append(1)
        return quiz.slots.all()

    key = ("test-slots", quiz.pk)
    assert [s.question_id for s in prepared.instances(models.QuizSlot, key, build)] == [first.pk]
    second = make_question(stem="Second?")
    models.QuizSlot.objects.create(quiz=quiz, position=2, kind="fixed", question=second)
    again = prepared.instances(models.QuizSlot, key, build)
    assert [s.question_id for s in again] == [first.pk, second.pk]
    assert len(builds) == 1


def test_prepared_instances_equal_what_the_orm_reads():
    quiz = fixed_quiz([make_question()])
    models.QuizSlot.objects.filter(quiz=quiz).update(mark=Decimal("2.50"))
    mine = prepared.instances(models.QuizSlot, ("test-equal", quiz.pk), lambda: quiz.slots.all())
    orm = list(quiz.slots.all())
    fields = [f.attname for f in models.QuizSlot._meta.concrete_fields]
    assert [[getattr(s, f) for f in fields] for s in mine] == [
        [getattr(s, f) for f in fields] for s in orm
    ]
    assert mine[0].mark == Decimal("2.50") and not mine[0]._state.adding


def test_prepared_values_convert_annotations_as_the_orm_does():
    question = make_question()
    tag = models.Tag.objects.create(name="prepared-test-tag")
    question.tags.add(tag)

    def build():
        through = models.Question.tags.through.objects.filter(question_id=OuterRef("pk"))
        return (
            models.Question.objects.filter(pk=question.pk)
            .annotate(tagged=Exists(through.filter(tag_id=tag.pk)))
            .values_list("id", "tagged")
        )

    assert prepared.values(models.Question, ("test-tagged", question.pk, tag.pk), build) == [
        [question.pk, True]
    ]


def test_a_query_of_another_model_than_declared_is_refused():
    with pytest.raises(TypeError):
        prepared.values(models.Quiz, ("test-wrong-model",), lambda: models.Question.objects.all())
