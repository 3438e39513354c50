"""Question tags in GIFT, Moodle XML and the JSON bank: written as Moodle writes them, read
from Moodle's files (normalised), and imported as bank metadata (no new version)."""

from __future__ import annotations

import json

import pytest

from quizzes.exchange.gift import parse_gift
from quizzes.exchange.moodle_xml import parse_moodle_xml
from quizzes.models import Question
from quizzes.selectors.exchange import question_list_for_export
from quizzes.services.exchange import bank_export
from tests.exchange.test_bank_import import errors_of, run
from tests.factories import CourseFactory, make_question, shipped_article

pytestmark = pytest.mark.django_db

MOODLE_GIFT = """// [tag:Exam] [tag:unit 1]
// [tag:C++]
::tagged::Astana became the capital in 1997.{TRUE}
"""
MOODLE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="truefalse">
    <name><text>tagged</text></name>
    <questiontext format="html"><text>Astana became the capital in 1997.</text></questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
    <tags>
      <tag><text>Exam</text></tag>
      <tag><text>unit 1</text></tag>
      <tag><text>C++</text></tag>
      <tag><text>kz:section=introduction</text></tag>
    </tags>
  </question>
</quiz>
"""


@pytest.fixture
def course():
    return CourseFactory(article=shipped_article())


@pytest.fixture
def tagged(course):
    section = shipped_article().sections.get(slug="introduction")
    return make_question(section, course=course, stem="Tagged?", tags=["exam", "week-1"])


def export(course, fmt: str) -> str:
    return bank_export(
        questions=question_list_for_export(course=course), fmt=fmt, course=None, actor=None
    ).text


def test_gift_and_moodle_xml_write_tags_as_moodle_does(course, tagged):
    assert "// [tag:exam] [tag:week-1]\n::" in export(course, "gift")
    xml = export(course, "moodle-xml")
    assert "<tag>\n        <text>exam</text>" in xml and "<text>week-1</text>" in xml


def test_the_json_bank_writes_tags(course, tagged):
    (item,) = json.loads(export(course, "json"))
    assert item["tags"] == ["exam", "week-1"]


@pytest.mark.parametrize(
    ("parse", "text"), [(parse_gift, MOODLE_GIFT), (parse_moodle_xml, MOODLE_XML)]
)
def test_moodles_tags_are_read_normalised_and_odd_ones_left_out_with_a_note(parse, text):
    result = parse(text)
    assert result.errors == []
    (item,) = result.items
    assert item.tags == ["exam", "unit-1"]
    assert any("tag 'C++' left out" in note for note in result.notes)


@pytest.mark.parametrize("fmt", ["gift", "moodle-xml", "json"])
def test_an_export_imported_into_another_course_keeps_its_tags(course, tagged, fmt):
    text = export(course, fmt)
    other = CourseFactory(article=course.article)
    run(other, text, fmt)
    copy = Question.objects.get(course=other)
    assert sorted(copy.tags.values_list("name", flat=True)) == ["exam", "week-1"]


def test_reimporting_with_other_tags_changes_them_without_a_new_version(course, tagged):
    run(course, export(course, "gift"), "gift")  # the same file: nothing changes
    assert Question.objects.get(pk=tagged.pk).current_version.number == 1
    changed = export(course, "gift").replace("[tag:week-1]", "[tag:week-2]")
    summary = run(course, changed, "gift")
    question = Question.objects.get(pk=tagged.pk)
    assert question.current_version.number == 1 and len(summary.revised) == 1
    assert sorted(question.tags.values_list("name", flat=True)) == ["exam", "week-2"]


def test_a_json_question_with_bad_tags_is_an_error_and_nothing_is_imported(course):
    base = {
        "type": "true_false",
        "stem": "Astana became the capital in 1997.",
        "data": {"answer": True},
        "section_slug": "introduction",
    }
    bad_list = json.dumps([{**base, "key": "a", "tags": "exam"}])
    assert any(
        "tags: must be a list of tag names." in e for e in errors_of(course, bad_list, "json")
    )
    bad_name = json.dumps([{**base, "key": "b", "tags": ["no/slash"]}])
    assert any("tag 'no/slash'" in e for e in errors_of(course, bad_name, "json"))
    assert not Question.objects.filter(course=course).exists()
