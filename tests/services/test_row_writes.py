"""One INSERT for many new rows: the rows read back exactly as bulk_create's would."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import DecimalField
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quizzes.models import Attempt, Response, ResponseStep, StepKind
from quizzes.services.row_writes import (
    NONE_AS_NULL,
    insert_new,
    insert_with_children,
    update_row,
    update_rows,
)
from tests.factories import make_attempt, make_question

pytestmark = pytest.mark.django_db

FIELDS = [f.attname for f in Response._meta.concrete_fields if not f.primary_key]


def new_responses(attempt, questions) -> list[Response]:
    return [
        Response(
            attempt=attempt,
            position=n,
            question=question,
            question_version=question.current_version,
            max_mark=Decimal("1.50"),
            choice_order=["b", "a", "c"],
            answer={"choice": "b", "note": "é"},
            fraction=Decimal("0.33333"),
        )
        for n, question in enumerate(questions, start=1)
    ]


@pytest.fixture
def questions():
    return [make_question(stem=f"Question {n}?") for n in range(3)]


def row_values(pks) -> list[dict]:
    return [
        {name: getattr(r, name) for name in FIELDS if name != "updated_at"}
        for r in Response.objects.filter(pk__in=pks).order_by("position")
    ]


def test_inserted_rows_read_back_as_bulk_create_writes_them(questions):
    mine = insert_new(new_responses(make_attempt(), questions))
    theirs = Response.objects.bulk_create(new_responses(make_attempt(), questions))
    assert all(r.pk and not r._state.adding for r in mine)
    mine_rows, their_rows = row_values([r.pk for r in mine]), row_values([r.pk for r in theirs])
    for row in mine_rows + their_rows:
        row.pop("attempt_id")
    assert mine_rows == their_rows
    assert mine_rows[0]["choice_order"] == ["b", "a", "c"]
    assert mine_rows[0]["fraction"] == Decimal("0.33333")


def test_each_instance_gets_its_own_primary_key_in_order(questions):
    rows = insert_new(new_responses(make_attempt(), questions))
    stored = dict(
        Response.objects.filter(pk__in=[r.pk for r in rows]).values_list("pk", "position")
    )
    assert [stored[r.pk] for r in rows] == [r.position for r in rows]


def test_auto_now_fields_are_set_and_defaults_kept(questions):
    response = make_attempt(questions=questions).responses.first()
    (step,) = insert_new(
        [ResponseStep(response=response, seq=99, kind=StepKind.SAVE, data={"answer": None})]
    )
    stored = ResponseStep.objects.get(pk=step.pk)
    assert stored.created_at is not None and stored.data == {"answer": None}
    assert stored.state == step.state


def test_rows_inserted_together_share_one_moment_for_their_automatic_timestamps(questions):
    before = timezone.now()
    rows = insert_new(new_responses(make_attempt(), questions))
    stored = set(
        Response.objects.filter(pk__in=[r.pk for r in rows]).values_list("updated_at", flat=True)
    )
    assert len(stored) == 1 and before <= stored.pop() <= timezone.now()
    assert len({r.updated_at for r in rows}) == 1


def test_a_row_and_its_children_from_a_failed_insert_can_be_inserted_again(questions):
    """The children's rows are prepared before the transaction; a parent refused leaves them
    unlinked and unsaved, as they were."""
    first = make_attempt()  # number 1, still open
    children = children_of(questions)
    with pytest.raises(IntegrityError):
        insert_with_children(attempt_like(first, 1), children, link="attempt")
    assert all(child.pk is None and child._state.adding for child in children)
    first.state, first.score, first.submitted_at = "submitted", Decimal(0), timezone.now()
    first.save()
    attempt, responses = insert_with_children(attempt_like(first, 2), children, link="attempt")
    assert [r.attempt_id for r in responses] == [attempt.pk] * len(questions)


def test_nothing_to_insert_is_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert insert_new([]) == []


def test_rows_that_break_a_unique_constraint_are_skipped_when_asked(questions):
    """Study cards after a submission: a card the learner already has is left as it is."""
    from django.utils import timezone

    from quizzes.models import CardKind, ReviewCard
    from tests.factories import UserFactory

    user, question = UserFactory(), questions[0]

    def card():
        return ReviewCard(
            user=user,
            kind=CardKind.QUESTION,
            question=question,
            question_version=question.current_version,
            due=timezone.now(),
        )

    insert_new([card()], ignore_conflicts=True)
    insert_new([card(), card()], ignore_conflicts=True)
    assert ReviewCard.objects.filter(user=user).count() == 1


def test_an_upsert_updates_the_row_holding_the_unique_fields_and_returns_its_key(questions):
    attempt = make_attempt()
    (first,) = insert_new(new_responses(attempt, questions[:1]))
    again = new_responses(attempt, questions[:1])[0]
    again.state, again.score = "correct", Decimal("1.50")

    (updated,) = insert_new(
        [again], unique_fields=["attempt", "position"], update_fields=["state", "score"]
    )

    assert updated.pk == first.pk
    stored = Response.objects.get(pk=first.pk)
    assert (stored.state, stored.score) == ("correct", Decimal("1.50"))
    assert Response.objects.filter(attempt=attempt).count() == 1


def test_an_upsert_must_name_what_it_updates(questions):
    with pytest.raises(TypeError, match="upsert"):
        insert_new(new_responses(make_attempt(), questions[:1]), unique_fields=["attempt"])


def test_update_row_writes_only_the_named_fields_as_save_would(django_assert_num_queries):
    attempt = make_attempt()
    attempt.refresh_from_db()
    attempt.score, attempt.state = Decimal("0.50"), "submitted"
    attempt.submitted_at = attempt.started_at
    attempt.max_score = Decimal("99")  # changed, but not named: stays as stored

    with django_assert_num_queries(1):
        update_row(attempt, ["score", "state", "submitted_at"])

    stored = type(attempt).objects.get(pk=attempt.pk)
    assert (stored.score, stored.state) == (Decimal("0.50"), "submitted")
    assert stored.submitted_at == attempt.started_at
    assert stored.max_score != Decimal("99")


@pytest.mark.parametrize("field_class", NONE_AS_NULL, ids=lambda c: c.__name__)
def test_the_fields_whose_none_skips_preparation_write_none_as_null(field_class):
    field = (
        field_class(max_digits=6, decimal_places=2)
        if field_class is DecimalField
        else field_class(null=True)
    )

    assert field.get_db_prep_save(None, connection) is None


def test_unset_optional_fields_are_stored_as_null(questions):
    attempt = make_attempt()
    (response,) = insert_new(
        [
            Response(
                attempt=attempt,
                position=1,
                question=questions[0],
                question_version=questions[0].current_version,
                max_mark=Decimal("1.00"),
                answer=None,
                fraction=None,
                score=None,
            )
        ]
    )

    assert Response.objects.filter(
        pk=response.pk, answer__isnull=True, fraction__isnull=True, score__isnull=True
    ).exists()


def test_updated_rows_read_back_as_bulk_update_writes_them(questions):
    fields = ["answer", "is_flagged", "state", "fraction", "score"]
    mine = insert_new(new_responses(make_attempt(), questions))
    theirs = insert_new(new_responses(make_attempt(), questions))
    finals = [
        ({"choice": "a"}, True, "correct", Decimal("1"), Decimal("1.50")),
        (None, False, "unanswered", Decimal("0"), Decimal("0.00")),
        ({"order": ["x", "é"]}, False, "partial", Decimal("0.33333"), Decimal("0.50")),
    ]
    for rows in (mine, theirs):
        for row, values in zip(rows, finals, strict=True):
            for name, value in zip(fields, values, strict=True):
                setattr(row, name, value)

    with CaptureQueriesContext(connection) as statements:
        update_rows(mine, fields)
    Response.objects.bulk_update(theirs, fields)

    assert len(statements) == 1
    mine_rows, their_rows = row_values([r.pk for r in mine]), row_values([r.pk for r in theirs])
    for row in mine_rows + their_rows:
        row.pop("attempt_id")
    assert mine_rows == their_rows
    assert [row["state"] for row in mine_rows] == ["correct", "unanswered", "partial"]
    assert mine_rows[1]["answer"] is None


def test_many_rows_are_written_by_one_statement_whatever_their_number(questions):
    more = questions + [make_question(stem=f"More {n}?") for n in range(4)]
    texts = []

    def record(execute, sql, params, many, context):
        texts.append(sql)  # the text sent, before any parameter is put in
        return execute(sql, params, many, context)

    for count in (2, len(more)):
        rows = new_responses(make_attempt(), more[:count])
        with connection.execute_wrapper(record):
            insert_new(rows)

    if connection.vendor == "postgresql":
        # One text for any number of rows: PostgreSQL parses and plans it once per connection.
        assert len(texts) == 2 and "UNNEST" in texts[0] and len(set(texts)) == 1
    else:
        assert len(texts) == 2 and len(set(texts)) == 2


def attempt_like(attempt: Attempt, number: int) -> Attempt:
    return Attempt(
        quiz=attempt.quiz,
        user=attempt.user,
        course=attempt.course,
        number=number,
        started_at=attempt.started_at,
        max_score=Decimal(3),
    )


def children_of(questions) -> list[Response]:
    return [
        Response(
            position=n,
            question=question,
            question_version=question.current_version,
            max_mark=Decimal("1.00"),
            choice_order=["c", "a"],
        )
        for n, question in enumerate(questions, start=1)
    ]


def test_a_row_and_its_children_are_inserted_together_and_linked(questions):
    first = make_attempt(state="submitted", score=Decimal(0), submitted_at=timezone.now())

    attempt, responses = insert_with_children(
        attempt_like(first, 2), children_of(questions), link="attempt"
    )

    assert attempt.pk and Attempt.objects.filter(pk=attempt.pk, number=2).exists()
    stored = Response.objects.filter(attempt=attempt).order_by("position")
    assert [r.pk for r in stored] == [r.pk for r in responses]
    assert [r.question_id for r in stored] == [q.pk for q in questions]
    assert all(r.attempt is attempt and not r._state.adding for r in responses)
    assert stored[0].choice_order == ["c", "a"]


def test_a_parent_that_breaks_a_constraint_writes_nothing_and_leaves_the_transaction_usable(
    questions,
):
    first = make_attempt()  # number 1, still open
    before = Response.objects.count()

    with transaction.atomic():
        with pytest.raises(IntegrityError):
            insert_with_children(attempt_like(first, 1), children_of(questions), link="attempt")
        assert Attempt.objects.filter(quiz=first.quiz).count() == 1  # still usable

    assert Response.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_a_row_and_its_children_are_one_statement_on_postgresql(questions):
    """Outside a transaction: PostgreSQL needs no BEGIN or COMMIT for one statement."""
    first = make_attempt(state="submitted", score=Decimal(0), submitted_at=timezone.now())
    sent = []

    def record(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        insert_with_children(attempt_like(first, 2), children_of(questions), link="attempt")

    if connection.vendor == "postgresql":
        assert len(sent) == 1 and sent[0].startswith("WITH parent AS (INSERT")
    else:
        assert [sql.split()[0] for sql in sent] == ["BEGIN", "INSERT", "INSERT"]
