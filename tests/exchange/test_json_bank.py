"""The JSON bank format: errors located by line, and files written before `data` existed."""

from __future__ import annotations

import json

from quizzes.exchange import parse_json, write_json
from quizzes.exchange.json_bank import data_from_texts


def test_syntax_errors_name_their_line_and_column():
    result = parse_json('[\n  {"type": "true_false",\n  "stem": "x" oops}\n]')
    assert result.errors == ["line 3, column 15: not valid JSON (Expecting ',' delimiter)."]


def test_every_bad_item_is_reported_with_the_line_it_starts_on():
    text = json.dumps(
        [
            {"type": "true_false", "stem": "Fine?", "key": "ok", "data": {"answer": True}},
            {"type": "", "stem": 3, "key": "bad"},
            "not an object",
        ],
        indent=2,
    )
    result = parse_json(text)
    assert [item.name for item in result.items] == ["ok"]
    assert result.errors == [
        "line 10 (item 2): type: give the question type.",
        "line 10 (item 2): stem: must be text.",
        "line 10 (item 2): data: missing (or give choices and correct as lists of texts).",
        "line 15 (item 3): each question must be a JSON object.",
    ]


def test_a_bank_must_be_a_non_empty_list():
    assert parse_json('{"type": "x"}').errors == [
        "line 1: a JSON bank is a list [...] of question objects."
    ]
    assert parse_json("[]").errors == ["line 1: the file holds no questions."]


def test_items_without_data_are_rebuilt_from_the_key_as_texts():
    assert data_from_texts("single_choice", ["a", "b", "c"], ["b"]) == {
        "choices": [
            {"text": "a", "correct": False},
            {"text": "b", "correct": True},
            {"text": "c", "correct": False},
        ]
    }
    assert data_from_texts("true_false", ["True", "False"], ["False"]) == {"answer": False}
    assert data_from_texts("matching", ["x", "y", "z", "w"], ["1 -> x", "2 -> y", "3 -> z"]) == {
        "pairs": [
            {"left": "1", "right": "x"},
            {"left": "2", "right": "y"},
            {"left": "3", "right": "z"},
        ],
        "distractors": ["w"],
    }
    assert data_from_texts("numeric", [], ["2050"]) == {"answer": "2050", "tolerance": 0}


def test_a_question_without_key_is_named_by_its_id():
    text = json.dumps([{"id": 17, "key": None, "type": "true_false", "stem": "s", "data": {}}])
    assert parse_json(text).items[0].name == "Q17"


def test_written_json_reads_back_the_same_objects():
    objects = [{"key": "k", "type": "ordering", "stem": "Ordér", "data": {"items": ["a"]}}]
    assert json.loads(write_json(objects).text) == objects
