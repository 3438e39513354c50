"""sql_rows.load: an instance of raw columns is the instance the ORM would give, whether it is
built without Model.__init__ (nothing listens to the model's init signals) or through it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from quizzes import clock
from quizzes.models import Attempt
from quizzes.selectors.sql_rows import columns, load, quoted
from tests.factories import make_attempt

pytestmark = pytest.mark.django_db

READ = ["id", "quiz_id", "user_id", "state", "deadline"]


def _loaded(attempt: Attempt) -> Attempt:
    sql = (
        f"SELECT {', '.join(columns(Attempt, 'a', READ))} FROM {quoted(Attempt)} a WHERE a.id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [attempt.pk])
        return load(Attempt, READ, cursor.fetchone())


def _as_the_orm_reads_it(attempt: Attempt) -> Attempt:
    return Attempt.objects.only(*READ).get(pk=attempt.pk)


def test_a_loaded_instance_is_the_orms_with_the_other_fields_deferred():
    attempt = make_attempt()
    loaded, orm = _loaded(attempt), _as_the_orm_reads_it(attempt)

    assert [getattr(loaded, name) for name in READ] == [getattr(orm, name) for name in READ]
    assert loaded.get_deferred_fields() == orm.get_deferred_fields() != set()
    assert (loaded._state.adding, loaded._state.db) == (False, connection.alias)
    assert loaded == orm
    # A field not read is read on access, as the ORM's deferred fields are.
    with CaptureQueriesContext(connection) as reads:
        assert loaded.started_at == attempt.started_at
    assert len(reads.captured_queries) == 1


def test_a_loaded_instance_saves_and_follows_relations_as_the_orms_does():
    attempt = make_attempt()
    loaded = _loaded(attempt)

    assert loaded.quiz == attempt.quiz
    later = clock.now() + timedelta(hours=1)
    loaded.deadline = later
    loaded.save(update_fields=["deadline"])
    assert Attempt.objects.get(pk=attempt.pk).deadline == later


def test_a_model_with_an_init_listener_is_loaded_through_its_init():
    attempt = make_attempt()
    seen: list[tuple[int, str]] = []

    def note(sender, instance, **kwargs):
        seen.append((instance.pk, instance.state))

    post_init.connect(note, sender=Attempt)
    try:
        loaded = _loaded(attempt)
    finally:
        post_init.disconnect(note, sender=Attempt)

    assert seen == [(attempt.pk, attempt.state)]
    assert loaded.get_deferred_fields() == _as_the_orm_reads_it(attempt).get_deferred_fields()
