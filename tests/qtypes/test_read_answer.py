"""`read_answer`: the one door every learner's answer goes through (pages and API), no database.

It refuses unknown fields and NUL characters, turns an answer that gives nothing into None
(no answer) and otherwise returns the type's normalised answer, which reads back unchanged.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.qtypes import InvalidResponse, registry
from tests.qtypes.test_grader_properties import (
    FIELD,
    KEYS,
    PROPERTY,
    junk,
    keys_of,
    questions,
    valid_responses,
)

PAYLOADS = {
    "single_choice": {
        "choices": [
            {"key": "a1", "text": "1995", "correct": True, "feedback": ""},
            {"key": "b2", "text": "1991", "correct": False, "feedback": ""},
            {"key": "c3", "text": "2022", "correct": False, "feedback": ""},
        ]
    },
    "matching": {
        "lefts": [
            {"key": "l1", "text": "A", "match": "r1"},
            {"key": "l2", "text": "B", "match": "r2"},
            {"key": "l3", "text": "C", "match": "r3"},
        ],
        "rights": [{"key": f"r{n}", "text": str(n)} for n in (1, 2, 3)],
    },
}
PAYLOADS["multiple_response"] = PAYLOADS["single_choice"]
PAYLOADS["ordering"] = {"items": [{"key": k, "text": k} for k in ("i1", "i2", "i3")]}
PAYLOADS["true_false"] = {"answer": True, "feedback": ""}
PAYLOADS["short_answer"] = {"accepted": ["Bolashak"]}
PAYLOADS["numeric"] = {"answer": "1995", "tolerance": "0", "unit": ""}


def read(qtype: str, raw: Any) -> dict[str, Any] | None:
    return registry.get(qtype).read_answer(PAYLOADS[qtype], raw)


@pytest.mark.parametrize(
    ("qtype", "raw"),
    [
        ("short_answer", {"text": "   "}),
        ("short_answer", {"text": ""}),
        ("multiple_response", {"choices": []}),
        ("matching", {"pairs": {"l1": ""}}),
        ("matching", {"pairs": {"l1": None, "l2": ""}}),
        ("matching", {"pairs": {}}),
        ("single_choice", {"choice": None}),
        ("single_choice", {"choice": ""}),
        ("true_false", {"value": None}),
        ("numeric", {"value": " "}),
        ("ordering", {"order": None}),
        ("ordering", {"order": []}),
        ("single_choice", {}),
        ("numeric", None),
    ],
)
def test_an_answer_that_gives_nothing_is_no_answer(qtype, raw):
    assert read(qtype, raw) is None


@pytest.mark.parametrize(
    ("qtype", "raw"),
    [
        ("single_choice", {"x": None}),
        ("single_choice", {"unknown": None}),
        ("single_choice", {"choice": "a1", "flagged": True}),
        ("true_false", {"choice": "a1"}),
        ("short_answer", {"value": "Bolashak"}),
    ],
)
def test_an_unknown_field_is_refused_not_read_as_a_blank_answer(qtype, raw):
    with pytest.raises(InvalidResponse, match="Unknown field"):
        read(qtype, raw)


@pytest.mark.parametrize(
    ("qtype", "raw"),
    [
        ("short_answer", {"text": "Bola\x00shak"}),
        ("short_answer", {"text": "\x00"}),
        ("matching", {"pairs": {"l1\x00": "r1"}}),
        ("multiple_response", {"choices": ["a1", "\x00"]}),
        ("single_choice", {"choice\x00": "a1"}),
    ],
)
def test_a_nul_character_anywhere_in_an_answer_is_refused(qtype, raw):
    with pytest.raises(InvalidResponse):
        read(qtype, raw)


def test_false_and_zero_are_answers_not_blanks():
    assert read("true_false", {"value": False}) == {"value": False}
    assert read("numeric", {"value": 0}) == {"value": "0"}


def test_a_partial_answer_is_kept_but_is_not_complete():
    answer = read("matching", {"pairs": {"l1": "r2", "l2": ""}})
    assert answer == {"pairs": {"l1": "r2"}}
    assert not registry.get("matching").is_complete(PAYLOADS["matching"], answer)


def check_read(q, raw: Any) -> None:
    try:
        answer = q.qtype.read_answer(q.payload, raw)
    except InvalidResponse:
        return
    if answer is None:
        return
    assert isinstance(answer, dict) and set(answer) == {FIELD[q.key]}
    # What is stored reads back as itself: a client may send back what it was shown.
    assert q.qtype.read_answer(q.payload, answer) == answer


@PROPERTY
@given(key=st.sampled_from(KEYS), data=st.data())
def test_any_input_is_no_answer_a_normalised_answer_or_invalid(key, data):
    q = data.draw(questions(key))
    check_read(q, data.draw(junk(q) | valid_responses(q), label="raw"))


@PROPERTY
@given(key=st.sampled_from(["single_choice", "multiple_response", "matching"]), data=st.data())
def test_a_valid_answer_with_a_nul_hidden_in_it_is_refused(key, data):
    q = data.draw(questions(key))
    field = FIELD[key]
    if key == "matching":
        left = keys_of(q.payload, "lefts")[0]
        raw = {field: {left: keys_of(q.payload, "rights")[0] + "\x00"}}
    else:
        choice = keys_of(q.payload, "choices")[0] + "\x00"
        raw = {field: choice if key == "single_choice" else [choice]}
    with pytest.raises(InvalidResponse):
        q.qtype.read_answer(q.payload, raw)
