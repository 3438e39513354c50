"""Queries compiled once per shape: the data is always read afresh, only the SQL is kept."""

import sys
import threading
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.transaction import TransactionManagementError

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


def test_a_prepared_query_with_ids_reads_each_callers_rows_from_one_build():
    quizzes = [fixed_quiz([make_question(stem=f"Q{n}?")]) for n in range(3)]
    builds = []

    def build(quiz_id):
        builds.append(quiz_id)
        return models.QuizSlot.objects.filter(quiz_id=quiz_id).select_related("question")

    read = [
        prepared.instances(models.QuizSlot, ("test-slots-by-quiz",), build, args=(quiz.pk,))
        for quiz in quizzes
    ]

    assert [[slot.quiz_id for slot in slots] for slots in read] == [[q.pk] for q in quizzes]
    assert len(builds) == 1 and builds[0] < 0  # built once, with a stand-in id


def test_prepared_select_related_objects_equal_what_the_orm_reads(django_assert_num_queries):
    question = make_question(stem="Related?")
    quiz = fixed_quiz([question])

    def build(quiz_id):
        return models.QuizSlot.objects.filter(quiz_id=quiz_id).select_related("quiz", "question")

    with django_assert_num_queries(1):
        (slot,) = prepared.instances(models.QuizSlot, ("test-related",), build, args=(quiz.pk,))
        assert slot.quiz.title == quiz.title
        assert slot.question.current_version_id == question.current_version_id


def test_a_prepared_query_refuses_an_id_written_into_its_sql():
    def build(quiz_id):
        return models.QuizSlot.objects.filter(quiz_id=7)[:-quiz_id]

    with pytest.raises(TypeError, match="not a query parameter"):
        prepared.values(models.QuizSlot, ("test-inlined",), build, args=(1,))


def test_a_prepared_query_takes_only_ids_as_arguments():
    def build(quiz_id):
        return models.QuizSlot.objects.filter(quiz_id=quiz_id).values_list("id")

    with pytest.raises(TypeError, match="ids"):
        prepared.values(models.QuizSlot, ("test-only-ids",), build, args=("1 OR 1=1",))
    with pytest.raises(TypeError, match="takes 1 arguments"):
        prepared.values(models.QuizSlot, ("test-only-ids",), build, args=(1, 2))


@pytest.mark.django_db(transaction=True)
def test_a_prepared_row_lock_refuses_to_run_outside_a_transaction():
    quiz = fixed_quiz([make_question()])

    def build(quiz_id):
        return models.Quiz.objects.select_for_update().filter(pk=quiz_id)

    with pytest.raises(TransactionManagementError):
        prepared.instances(models.Quiz, ("test-lock",), build, args=(quiz.pk,))
    with transaction.atomic():
        (locked,) = prepared.instances(models.Quiz, ("test-lock",), build, args=(quiz.pk,))
    assert locked.pk == quiz.pk


def test_threads_sharing_the_compiled_queries_never_lose_an_entry_to_eviction(monkeypatch):
    """runserver and gthread workers serve requests in threads of one process; one thread's
    eviction of a shape must not break another's lookup of it."""
    monkeypatch.setattr(prepared, "MAX_SHAPES", 2)
    monkeypatch.setattr(prepared, "_compiled", prepared.OrderedDict())
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    failures: list[BaseException] = []

    def build():
        return models.Course.objects.filter(pk=1)

    def hammer(offset: int) -> None:
        try:
            for n in range(3000):
                prepared._entry(models.Course, ("thread-test", (n + offset) % 5), build, 0)
        except BaseException as error:
            failures.append(error)

    try:
        threads = [threading.Thread(target=hammer, args=(t,)) for t in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(previous)
    assert failures == []
    assert len(prepared._compiled) <= 2
