"""Fuzz of the importers (GIFT, Moodle XML, JSON, Canvas QTI): whatever the file, an import ends in a summary
or in ImportInvalid (which the page shows as a form error and the command as its exit status),
never in another exception; and valid questions written by a writer read back the same.

Three kinds of input: any text or bytes; valid files of every question type with structure-aware
mutations (cut, repeated, or with format syntax and hostile numbers spliced in); and JSON files
with any JSON value put anywhere in a question object.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from quizzes.exchange import (
    PARSERS,
    ExchangeItem,
    ParseResult,
    parse_canvas_qti,
    parse_gift,
    parse_json,
    parse_moodle_xml,
    write_canvas_qti,
    write_gift,
    write_json,
    write_moodle_xml,
)
from quizzes.exchange.canvas_qti import canvas_refusal
from quizzes.exchange.gift import unsupported_reason
from quizzes.qtypes import registry
from quizzes.services.exchange import ImportInvalid, bank_import
from tests.exchange.samples import SAMPLE_ITEMS
from tests.factories import CourseFactory, shipped_article

pytestmark = pytest.mark.django_db

# Each example imports inside a rolled-back savepoint, so the course fixture is safe to share.
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
FAST = settings(max_examples=60, deadline=None)

# Format syntax and hostile values to splice into valid files.
TOKENS = [
    *"{}~=#:\\<>&\"'[]\n",
    "->",
    "####",
    "::",
    "%50%",
    "%-100%",
    "[html]",
    "//",
    "$CATEGORY:",
    "sNaN",
    "NaN",
    "-Infinity",
    "9e999999",
    "1e-999999",
    "9" * 5000,
    "..",
    "<!--",
    "<a ",
    "<![CDATA[",
    "<!DOCTYPE quiz>",
    "&#0;",
    "&undefined;",
    "\x00",
    "\ud7ff",
    '<question type="numerical">',
    '<answer fraction="nan">',
    "</question>",
    "[[[[[[[[[[[[[[[[[[[[[[[[",
    "null",
    "true",
    "{}",
    "[]",
    '"data": 1,',
]


@pytest.fixture
def course():
    return CourseFactory(article=shipped_article())


def import_or_refuse(course, content: bytes, fmt: str | None, filename: str = "") -> None:
    """Import inside a savepoint that is rolled back; only ImportInvalid may escape as an error."""
    with transaction.atomic():
        try:
            bank_import(
                course=course,
                content=content,
                actor=None,
                fmt=fmt,
                filename=filename,
                default_section="introduction",
            )
        except ImportInvalid as exc:
            assert exc.errors and all(isinstance(e, str) and e for e in exc.errors)
            assert exc.count >= 1
        transaction.set_rollback(True)


def sample_file(fmt: str) -> str:
    """A valid file of every question type the format holds."""
    items = list(SAMPLE_ITEMS.values())
    if fmt == "gift":
        return write_gift(items).text
    if fmt == "moodle-xml":
        return write_moodle_xml(items).text
    return write_json([json_object(item) for item in items]).text


def json_object(item: ExchangeItem) -> dict[str, Any]:
    """An item as the JSON bank format writes it (the fields an import reads)."""
    return {
        "key": item.name,
        "type": item.qtype,
        "stem": item.stem,
        "section_slug": item.section,
        "concepts": item.concepts,
        "difficulty": item.difficulty,
        "bloom": item.bloom,
        "explanation": item.explanation,
        "source_quote": item.source_quote,
        "data": item.data,
    }


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """The text with a few structure-aware edits: a slice cut, repeated, or a token spliced in."""
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 40)))
        edit = draw(st.sampled_from(["cut", "repeat", "insert", "replace"]))
        token = draw(st.sampled_from(TOKENS) | st.text(max_size=5))
        if edit == "cut":
            text = text[:start] + text[end:]
        elif edit == "repeat":
            text = text[:end] + text[start:end] * draw(st.integers(2, 5)) + text[end:]
        elif edit == "insert":
            text = text[:start] + token + text[start:]
        else:
            text = text[:start] + token + text[end:]
    return text


# Any input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("parse", [parse_gift, parse_moodle_xml, parse_json])
@FAST
@given(text=st.text(max_size=300))
def test_any_text_gives_every_parser_a_result_with_errors_not_an_exception(
    parse: Callable[[str], ParseResult], text: str
):
    result = parse(text)
    assert all(isinstance(error, str) for error in result.errors)
    assert all(isinstance(item, ExchangeItem) for item in result.items)
    assert result.items or result.errors  # an empty file is an error, never silence


@FUZZ
@given(content=st.binary(max_size=300), fmt=st.sampled_from([None, *PARSERS]))
def test_any_bytes_import_or_are_refused_with_an_import_error(course, content, fmt):
    import_or_refuse(course, content, fmt)


@FUZZ
@given(content=st.binary(max_size=300), start=st.sampled_from([b"", b"PK\x03\x04", b"PK\x05\x06"]))
def test_any_bytes_named_zip_are_refused_with_an_import_error(course, content, start):
    import_or_refuse(course, start + content, None, filename="bank.zip")


@FUZZ
@given(data=st.data())
def test_mutated_canvas_packages_import_or_are_refused_with_an_import_error(course, data):
    package = bytearray(write_canvas_qti(list(SAMPLE_ITEMS.values())).text)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(package) - 1))
        package[at] = data.draw(st.integers(0, 255))
    import_or_refuse(course, bytes(package), "canvas-qti")


# Structure-aware mutations of valid files -------------------------------------------------


@pytest.mark.parametrize("fmt", list(PARSERS))
@FUZZ
@given(data=st.data())
def test_mutated_valid_files_import_or_are_refused_with_an_import_error(course, fmt, data):
    text = data.draw(mutated(sample_file(fmt)))
    import_or_refuse(course, text.encode("utf-8", "surrogatepass"), fmt)


JSON_TEXT = st.text(max_size=8)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**64), 2**64)
    | st.floats(allow_nan=False, allow_infinity=False)
    | JSON_TEXT,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(JSON_TEXT, children, max_size=3)
    ),
    max_leaves=8,
)


def _paths(value: Any, path: tuple = ()) -> list[tuple]:
    """Every place in a JSON value where another value could go."""
    places = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            places += _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            places += _paths(child, (*path, index))
    return places


def _replaced(value: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replaced(value[head], rest, new)}
    return [_replaced(child, rest, new) if i == head else child for i, child in enumerate(value)]


@FUZZ
@given(data=st.data())
def test_json_with_any_value_anywhere_imports_or_is_refused_with_an_import_error(course, data):
    objects = [json_object(item) for item in SAMPLE_ITEMS.values()]
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(objects)))
        objects = _replaced(objects, path, data.draw(JSON_VALUES))
    import_or_refuse(course, json.dumps(objects).encode(), "json")


# Round trips ---------------------------------------------------------------------------------

# Texts as the editor stores them: stripped words of letters, digits, punctuation and symbols
# (the exchange formats' own syntax included), single spaces, lines without blank ones.
SYNTAX = ["->", "%50%", "[html]", "~", "=", "#", "{", "}", ":", "\\", "::", "####", "//", "<p>"]
SYNTAX += ["&amp;", "&", "<", "T", "TRUE", "$CATEGORY:", "kz:", "'", '"', "*", "\\n", "]]>"]
WORD = st.text(st.characters(categories=["L", "N", "P", "S"]), min_size=1, max_size=8) | (
    st.lists(st.sampled_from(SYNTAX), min_size=1, max_size=3).map("".join)
)
LINE = st.lists(WORD, min_size=1, max_size=4).map(" ".join)
TEXT = st.lists(LINE, min_size=1, max_size=2).map("\n".join)
KEY = st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True)


def unique_lines(min_size: int, max_size: int) -> st.SearchStrategy[list[str]]:
    return st.lists(LINE, min_size=min_size, max_size=max_size, unique=True)


@st.composite
def authoring_data(draw: st.DrawFn, qtype: str) -> dict[str, Any]:
    """Valid authoring data of a question type, with texts from LINE."""
    if qtype in ("single_choice", "multiple_response"):
        texts = draw(unique_lines(3, 5))
        right = draw(st.integers(1, 1 if qtype == "single_choice" else len(texts) - 2))
        feedback = draw(st.lists(LINE | st.just(""), min_size=len(texts), max_size=len(texts)))
        return {
            "choices": [
                {"text": t, "correct": n < right, "feedback": f}
                for n, (t, f) in enumerate(zip(texts, feedback, strict=True))
            ]
        }
    if qtype == "true_false":
        return {"answer": draw(st.booleans()), "feedback": draw(LINE | st.just(""))}
    if qtype == "short_answer":
        return {"accepted": draw(unique_lines(1, 3))}
    if qtype == "numeric":
        answer = draw(st.decimals(-(10**6), 10**6, places=2))
        tolerance = draw(st.decimals(0, 100, places=2))
        return {
            "answer": str(answer),
            "tolerance": str(tolerance),
            "unit": draw(WORD | st.just("")),
        }
    if qtype == "matching":
        texts = draw(unique_lines(7, 9))
        return {
            "pairs": [
                {"left": left, "right": right}
                for left, right in zip(texts[:3], texts[3:6], strict=True)
            ],
            "distractors": texts[6:],
        }
    return {"items": draw(unique_lines(3, 5))}


@st.composite
def exchange_items(draw: st.DrawFn) -> ExchangeItem:
    qtype = draw(st.sampled_from(registry.all_keys()))
    data = draw(authoring_data(qtype))
    assume(not registry.get(qtype).validate(data))
    return ExchangeItem(
        qtype=qtype,
        stem=draw(TEXT),
        data=data,
        name=draw(KEY),
        explanation=draw(TEXT | st.just("")),
        source_quote=draw(LINE | st.just("")),
        section=draw(KEY),
        difficulty=draw(st.sampled_from([1, 2, 3])),
        bloom=draw(st.sampled_from(["remember", "apply"])),
        concepts=draw(st.lists(KEY, max_size=2, unique=True)),
    )


def canonical(item: ExchangeItem) -> tuple:
    """What a question is made of once stored: its type's authoring data, as stored, and more."""
    qtype = registry.get(item.qtype)
    data = qtype.authoring_data(qtype.build_payload(item.data))
    return (
        item.qtype,
        item.name,
        item.stem,
        data,
        item.explanation,
        item.source_quote,
        item.section,
        item.difficulty,
        item.bloom,
        item.concepts,
    )


WRITERS = {
    "canvas-qti": (write_canvas_qti, parse_canvas_qti),
    "gift": (write_gift, parse_gift),
    "moodle-xml": (write_moodle_xml, parse_moodle_xml),
    "json": (lambda items: write_json([json_object(i) for i in items]), parse_json),
}


@pytest.mark.parametrize("fmt", list(WRITERS))
@FAST
@given(items=st.lists(exchange_items(), min_size=1, max_size=3, unique_by=lambda i: i.name))
def test_valid_questions_read_back_the_same_after_a_writer_wrote_them(fmt, items):
    write, parse = WRITERS[fmt]
    if fmt == "gift":
        items = [item for item in items if unsupported_reason(item) is None]
        assume(items)
    if fmt == "canvas-qti":
        items = [item for item in items if canvas_refusal(item) is None]
        assume(items)
    result = parse(write(items).text)
    assert result.errors == []
    assert [canonical(item) for item in result.items] == [canonical(item) for item in items]
