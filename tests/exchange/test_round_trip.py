"""Round trips of the whole shipped bank: export, import into a fresh course, export again."""

from __future__ import annotations

import json

import pytest

from quizzes.models import Question, QuestionStatus
from quizzes.selectors import question_list_for_export
from quizzes.services.exchange import bank_export, bank_import, public_key
from tests.factories import CourseFactory, shipped_article, shipped_pack_counts

pytestmark = pytest.mark.django_db

ALL_TYPES = {
    "single_choice",
    "multiple_response",
    "true_false",
    "short_answer",
    "numeric",
    "matching",
    "ordering",
}


def snapshot(questions) -> dict[str, tuple]:
    """What a learner sees and is graded on, and the classification, by file key."""
    rows = {}
    for question in questions:
        version = question.current_version
        qtype = version.type
        rows[public_key(question)] = (
            version.qtype,
            version.stem,
            qtype.authoring_data(version.payload),
            qtype.option_texts(version.payload),
            qtype.correct_texts(version.payload),
            version.explanation,
            version.source_quote,
            question.section.slug,
            question.difficulty,
            question.bloom_level,
            sorted(c.slug for c in question.concepts.all()),
        )
    return rows


def shipped_bank() -> list[Question]:
    return list(question_list_for_export(article_slug=shipped_article().slug))


def import_into_fresh_course(text: str, fmt: str):
    course = CourseFactory(article=shipped_article())
    summary = bank_import(course=course, content=text.encode(), actor=None, fmt=fmt, publish=True)
    return course, summary


def test_the_shipped_bank_is_the_whole_pack_in_all_seven_types():
    bank = shipped_bank()
    assert len(bank) == shipped_pack_counts()["all"] > 100
    assert {q.qtype for q in bank} == ALL_TYPES


def test_json_round_trip_is_exact():
    first = bank_export(questions=shipped_bank(), fmt="json", course=None, actor=None)
    course, summary = import_into_fresh_course(first.text, "json")
    assert len(summary.created) == len(shipped_bank())
    again = bank_export(
        questions=question_list_for_export(course=course), fmt="json", course=None, actor=None
    )
    strip_ids = lambda items: [{k: v for k, v in i.items() if k != "id"} for i in items]  # noqa: E731
    assert strip_ids(json.loads(again.text)) == strip_ids(json.loads(first.text))


def test_moodle_xml_round_trip_keeps_every_question_and_writes_the_same_file():
    bank = shipped_bank()
    first = bank_export(questions=bank, fmt="moodle-xml", course=None, actor=None)
    course, summary = import_into_fresh_course(first.text, "moodle-xml")
    imported = list(question_list_for_export(course=course))
    assert len(summary.created) == len(bank)
    assert snapshot(imported) == snapshot(bank)
    assert (
        bank_export(questions=imported, fmt="moodle-xml", course=None, actor=None).text
        == first.text
    )


def test_gift_round_trip_keeps_every_question_but_ordering():
    bank = shipped_bank()
    first = bank_export(questions=bank, fmt="gift", course=None, actor=None)
    orderings = shipped_pack_counts()["ordering"]
    assert orderings > 0
    assert len(first.skipped) == orderings and first.count == len(bank) - orderings
    course, summary = import_into_fresh_course(first.text, "gift")
    imported = list(question_list_for_export(course=course))
    expected = {k: v for k, v in snapshot(bank).items() if v[0] != "ordering"}
    assert len(summary.created) == len(bank) - orderings
    assert snapshot(imported) == expected
    assert {v[0] for v in expected.values()} == ALL_TYPES - {"ordering"}


@pytest.mark.parametrize("fmt", ["json", "moodle-xml", "gift"])
def test_importing_the_same_export_again_creates_nothing_new(fmt):
    text = bank_export(questions=shipped_bank(), fmt=fmt, course=None, actor=None).text
    course, first = import_into_fresh_course(text, fmt)
    again = bank_import(course=course, content=text.encode(), actor=None, fmt=fmt)
    assert again.created == [] and again.revised == []
    assert len(again.unchanged) == len(first.created)
    assert Question.objects.filter(course=course).count() == len(first.created)
    assert not Question.objects.filter(course=course).exclude(current_version__number=1).exists()


def test_imported_questions_belong_to_the_course_and_follow_the_publish_choice():
    text = bank_export(questions=shipped_bank(), fmt="json", course=None, actor=None).text
    course = CourseFactory(article=shipped_article())
    bank_import(course=course, content=text.encode(), actor=None, fmt="json")
    statuses = set(Question.objects.filter(course=course).values_list("status", flat=True))
    assert statuses == {QuestionStatus.DRAFT}
    assert Question.objects.filter(course__isnull=True).count() == shipped_pack_counts()["all"]
