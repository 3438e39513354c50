"""Moodle's own sample and fixture files (../shared/interop/moodle/, copied from Moodle): every
question is read faithfully, or named in an error or note that says what cannot be kept; a
file with nothing unkeepable imports whole.

The files are read where they are, beside the repository, never copied into it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from quizzes.exchange import PARSERS, ParseResult, decode_upload, detect_format
from quizzes.models import Question
from quizzes.services.exchange import ImportInvalid, bank_import
from tests.factories import CourseFactory, shipped_article

pytestmark = pytest.mark.django_db

SAMPLES = Path(settings.BASE_DIR).parent / "shared" / "interop" / "moodle"
FILES = sorted(
    str(path.relative_to(SAMPLES))
    for path in SAMPLES.rglob("*")
    if path.is_file() and path.name != "README.md"
)
UNSUPPORTED = re.compile(r"type '(cloze|essay)' cannot be imported")
# What Moodle questions hold that kzstudy's types cannot, each said in so many words.
CANNOT_KEEP = (
    "partial credit",
    "cannot be imported",
    "give at least two wrong choices",
    "mark at least one choice correct",
    "is used twice",  # two questions both named "2-08 TSL"
    "not Moodle's <quiz>",  # a lone <question>, as Moodle's ordering tests keep it
)


@pytest.fixture(scope="module")
def samples() -> Path:
    """Moodle's files; CI requires them (KZSTUDY_REQUIRE_ARTICLE=1 there requires ../shared)."""
    if not FILES:
        reason = f"Moodle's sample files are not at {SAMPLES}"
        if os.environ.get("KZSTUDY_REQUIRE_ARTICLE") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return SAMPLES


@pytest.fixture
def course():
    return CourseFactory(article=shipped_article())


def parse(samples: Path, name: str) -> tuple[str, ParseResult]:
    text = decode_upload((samples / name).read_bytes())
    return text, PARSERS[detect_format(name, text)](text)


def question_places(name: str, text: str) -> set[str]:
    """Where each question of the file starts: "question N" (XML) or "line N" (GIFT)."""
    if name.endswith(".xml"):
        return {f"question {n}" for n in range(1, text.count("<question ") + 1)}
    places, start, blank = set(), None, True
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            blank = True
            continue
        if blank:
            start, blank = None, False
        if start is None and not line.strip().startswith("//"):
            start = number
            places.add(f"line {number}")
    return places


def places_in(result: ParseResult) -> set[str]:
    said = [item.where for item in result.items] + result.errors + result.notes
    return {re.match(r"(question \d+|line \d+)", entry).group(1) for entry in said}


def test_the_samples_are_moodles_gift_xml_and_ordering_fixtures(samples):
    assert len(FILES) == 23
    assert {name.split("/")[0] for name in FILES} == {"gift", "ordering", "xml", "xml-mirror"}


@pytest.mark.parametrize("name", [n for n in FILES if not n.endswith("testimport.moodle.xml")])
def test_every_question_of_a_moodle_sample_is_read_or_named_in_an_error_or_a_note(samples, name):
    text, result = parse(samples, name)
    assert places_in(result) == question_places(name, text)
    cannot = [error for error in result.errors if not any(s in error for s in CANNOT_KEEP)]
    assert cannot == []


@pytest.mark.parametrize(
    ("name", "created"),
    [
        ("gift/questions_in_category.gift.txt", 4),
        ("ordering/testimport.wrapped-in-quiz.xml", 1),
        ("ordering/testoldquestion.moodle.xml", 1),
        ("ordering/testquestion.moodle.xml", 1),
        ("xml/category_with_description.xml", 1),
        ("xml/deprecated_category.xml", 1),
        ("xml/error_invalid_grades.xml", 1),
        ("xml/export_category.xml", 1),
        ("xml/html_chars_in_idnumbers.xml", 1),
        ("xml/multichoice.xml", 1),
        ("xml/nested_categories.xml", 1),
        ("xml/old_format_file.xml", 2),
        ("xml/truefalse.xml", 2),
    ],
)
def test_moodle_samples_with_nothing_unkeepable_import_whole(samples, course, name, created):
    summary = bank_import(
        course=course,
        content=(samples / name).read_bytes(),
        actor=None,
        filename=name,
        default_section="introduction",
    )
    assert len(summary.created) == created
    assert Question.objects.filter(course=course).count() == created


@pytest.mark.parametrize("name", FILES)
def test_every_moodle_sample_imports_or_is_refused_with_an_import_error(samples, course, name):
    with transaction.atomic():
        try:
            bank_import(
                course=course,
                content=(samples / name).read_bytes(),
                actor=None,
                filename=name,
                default_section="introduction",
            )
        except ImportInvalid as exc:
            assert exc.errors
        transaction.set_rollback(True)


def test_cloze_and_essay_questions_are_named_as_types_that_cannot_be_imported(samples):
    _, result = parse(samples, "xml/nested_categories_with_questions.xml")
    assert [error for error in result.errors if UNSUPPORTED.search(error)] == [
        "question 4 ('Kappa Essay Question'): type 'essay' cannot be imported (supported: "
        "matching, multichoice, numerical, ordering, shortanswer, truefalse)."
    ]
    assert [item.name for item in result.items] == [
        "Iota Question",
        "Kappa Question",
        "Lambda Question",
        "Mu Question",
    ]


def test_moodle_multichoice_keeps_texts_key_and_feedback(samples):
    _, result = parse(samples, "xml/multichoice.xml")
    (greeting,) = result.items
    assert (greeting.qtype, greeting.name) == ("single_choice", "Greeting")
    assert greeting.stem.startswith("Listen to this greeting:\n\nWhat language is being spoken?")
    assert greeting.data["choices"][1] == {
        "text": "French",
        "correct": True,
        "feedback": "Yes, well done!",
    }
    assert [c["correct"] for c in greeting.data["choices"]] == [False, True, False, False]


def test_moodle_ordering_keeps_the_items_in_their_right_order(samples):
    _, result = parse(samples, "ordering/testimport.wrapped-in-quiz.xml")
    (moodle,) = result.items
    assert moodle.qtype == "ordering"
    assert moodle.data["items"] == [
        "Modular",
        "Object",
        "Oriented",
        "Dynamic",
        "Learning",
        "Environment",
    ]


def test_moodle_gift_numbers_ranges_and_matching_are_read_as_moodle_reads_them(samples):
    _, result = parse(samples, "gift/examples.txt")
    by_line = {item.where: item for item in result.items}
    assert by_line["line 16"].data == {"answer": "1822", "tolerance": "1"}
    assert by_line["line 74"].data == {"answer": "3.1415", "tolerance": "0.0005"}  # 3.141..3.142
    assert by_line["line 61"].data["pairs"][3] == {"left": "India", "right": "New Delhi"}
    assert [c["correct"] for c in by_line["line 130"].data["choices"]] == [
        False,
        True,
        True,
        False,
    ]


def test_a_numeric_gift_answer_with_partial_credit_is_said_not_dropped(samples):
    _, result = parse(samples, "gift/examples.txt")
    assert "line 76: partial credit (50%) on answer '1822:2' cannot be kept." in result.errors


def test_repeated_unnamed_gift_questions_get_keys_of_their_own(samples, course):
    # Moodle's examples ask "Who's buried in Grant's tomb?" six times without naming a question.
    text = (samples / "gift/examples.txt").read_text(encoding="utf-8")
    with pytest.raises(ImportInvalid) as caught:
        bank_import(
            course=course, content=text.encode(), actor=None, default_section="introduction"
        )
    twice = [error for error in caught.value.errors if "is used twice" in error]
    # Only a name the file gives twice is still an error: names are the author's keys.
    assert twice == ["line 123: the key 'jesus-hometown' is used twice (first at line 117)."]
    # Every other refused question is one whose partial credit kzstudy cannot keep.
    refused = {error.split(":")[0] for error in caught.value.errors}
    partial = {error.split(":")[0] for error in caught.value.errors if "partial credit" in error}
    assert refused == partial


def test_an_ordering_question_in_gift_is_refused_not_read_as_a_short_answer(samples):
    _, result = parse(samples, "ordering/testexport.gift.txt")
    assert result.items == []
    assert result.errors == [
        "line 3: ordering questions written in GIFT ({>...}) cannot be imported; "
        "export them from Moodle as Moodle XML."
    ]
