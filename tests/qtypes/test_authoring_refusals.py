"""Authoring data of the wrong kind is refused with a message naming the field, never dropped,
converted or left to raise: no database.

Every door (the editor, the API, imports, content packs) takes a question type's `validate` at
its word, so a value it lets through unreported is a value silently lost or changed there.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.qtypes import registry

KEYS = registry.all_keys()
# Values that are not text, as JSON or YAML give them (YAML reads 1995, yes and 2024-01-01
# unquoted as a number, true and a date), each with the kind its message names.
NOT_TEXT = [
    pytest.param(1995, "a number", id="int"),
    pytest.param(2.5, "a number", id="float"),
    pytest.param(True, "true/false", id="bool"),
    pytest.param(["Yes."], "a list", id="list"),
    pytest.param({"en": "Yes."}, "an object", id="object"),
    pytest.param(datetime.date(2024, 1, 1), "a date", id="date"),
]
# Valid data of each type, the starting point every refusal changes one thing in.
VALID: dict[str, dict[str, Any]] = {
    "single_choice": {
        "choices": [
            {"text": "1995", "correct": True, "feedback": "Yes."},
            {"text": "1991", "feedback": "No."},
            {"text": "2022"},
        ]
    },
    "multiple_response": {
        "choices": [
            {"text": "Ombudsman", "correct": True},
            {"text": "Senate", "correct": False},
            {"text": "Mazhilis"},
        ]
    },
    "true_false": {"answer": True, "feedback": "Read the second section again."},
    "short_answer": {"accepted": ["Bolashak", "the Bolashak program"]},
    "numeric": {"answer": 2050, "tolerance": 1, "unit": "years"},
    "matching": {
        "pairs": [
            {"left": "2009", "right": "domestic violence law"},
            {"left": "2017", "right": "administrative offense"},
            {"left": "2020", "right": "assembly law"},
        ],
        "distractors": ["religion law"],
    },
    "ordering": {"items": ["Drafted", "Passed", "Signed"]},
}
CHOICE_TYPES = ["single_choice", "multiple_response"]
# An int whose decimal digits str() refuses to write out (over 4,300 of them).
HUGE = 10**5000


def errors_of(qtype: str, data: Any) -> list[str]:
    return registry.get(qtype).validate(data)


def changed(qtype: str, path: tuple, value: Any) -> dict[str, Any]:
    """A deep copy of the type's valid data with the value at `path` set (or added)."""
    data = _copy(VALID[qtype])
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return data


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


@pytest.mark.parametrize("qtype", KEYS)
def test_the_valid_data_these_tests_start_from_is_valid(qtype):
    assert errors_of(qtype, VALID[qtype]) == []


# --- Values of the wrong kind ----------------------------------------------------------------


@pytest.mark.parametrize("qtype", CHOICE_TYPES)
@pytest.mark.parametrize(("value", "kind"), NOT_TEXT)
def test_a_choice_whose_feedback_is_not_text_is_refused_not_dropped(qtype, value, kind):
    errors = errors_of(qtype, changed(qtype, ("choices", 1, "feedback"), value))
    assert errors == [f"choices[2]: feedback must be text, not {kind}{hint(value)}."]


@pytest.mark.parametrize("qtype", CHOICE_TYPES)
@pytest.mark.parametrize(("value", "kind"), NOT_TEXT)
def test_a_choice_whose_text_is_not_text_is_refused_by_its_kind_not_called_empty(
    qtype, value, kind
):
    errors = errors_of(qtype, changed(qtype, ("choices", 0, "text"), value))
    assert errors == [f"choices[1]: text must be text, not {kind}{hint(value)}."]


@pytest.mark.parametrize(("value", "kind"), NOT_TEXT)
def test_a_true_false_feedback_that_is_not_text_is_refused_not_dropped(value, kind):
    errors = errors_of("true_false", changed("true_false", ("feedback",), value))
    assert errors == [f"feedback: must be text, not {kind}{hint(value)}."]


@pytest.mark.parametrize(("value", "kind"), NOT_TEXT)
def test_a_numeric_unit_that_is_not_text_is_refused_not_dropped(value, kind):
    errors = errors_of("numeric", changed("numeric", ("unit",), value))
    assert errors == [f"unit: must be text, not {kind}{hint(value)}."]


@pytest.mark.parametrize(("value", "kind"), [*NOT_TEXT, pytest.param(None, "null", id="null")])
def test_a_short_answers_accepted_item_that_is_not_text_is_refused_not_turned_into_text(
    value, kind
):
    errors = errors_of("short_answer", changed("short_answer", ("accepted", 1), value))
    assert errors == [f"accepted[2]: must be text, not {kind}{hint(value)}."]


@pytest.mark.parametrize(("value", "kind"), [*NOT_TEXT, pytest.param(None, "null", id="null")])
def test_an_ordering_item_that_is_not_text_is_refused_by_its_kind_not_called_empty(value, kind):
    errors = errors_of("ordering", changed("ordering", ("items", 2), value))
    assert errors == [f"items[3]: must be text, not {kind}{hint(value)}."]


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize(("value", "kind"), NOT_TEXT)
def test_a_matching_side_that_is_not_text_is_refused_by_its_kind_not_called_empty(
    side, value, kind
):
    errors = errors_of("matching", changed("matching", ("pairs", 0, side), value))
    assert errors == [f"pairs[1]: {side} must be text, not {kind}{hint(value)}."]


@pytest.mark.parametrize(("value", "kind"), [*NOT_TEXT, pytest.param(None, "null", id="null")])
def test_a_matching_distractor_that_is_not_text_is_refused_not_dropped(value, kind):
    errors = errors_of("matching", changed("matching", ("distractors", 0), value))
    assert errors == [f"distractors[1]: must be text, not {kind}{hint(value)}."]


@pytest.mark.parametrize("value", ["", "religion law", 0, False, {}, {"a": "b"}])
def test_matching_distractors_that_are_not_a_list_are_refused_not_read_as_none(value):
    errors = errors_of("matching", changed("matching", ("distractors",), value))
    assert errors == ["distractors: must be a list of texts."]


@pytest.mark.parametrize("qtype", CHOICE_TYPES)
@pytest.mark.parametrize(
    ("value", "kind"),
    [("1995", "a string"), (1995, "a number"), (None, "null"), (["1995"], "a list")],
)
def test_a_choice_that_is_not_an_object_is_refused_by_its_kind(qtype, value, kind):
    errors = errors_of(qtype, changed(qtype, ("choices", 2), value))
    assert f"choices[3]: must be an object with a text, not {kind}." in errors


@pytest.mark.parametrize(
    ("value", "kind"), [("2009 -> law", "a string"), (None, "null"), (["2009", "law"], "a list")]
)
def test_a_pair_that_is_not_an_object_is_refused_by_its_kind(value, kind):
    errors = errors_of("matching", changed("matching", ("pairs", 2), value))
    assert errors == [f"pairs[3]: must be an object with a left and a right, not {kind}."]


def hint(value: Any) -> str:
    """What a message adds for a value that quoting would make text."""
    return "" if value is None or isinstance(value, list | dict) else " (quote it)"


# --- Unknown fields --------------------------------------------------------------------------


@pytest.mark.parametrize("qtype", CHOICE_TYPES)
@pytest.mark.parametrize("name", ["colour", "key", "is_correct", "Text"])
def test_an_unknown_field_in_a_choice_is_refused_not_dropped(qtype, name):
    errors = errors_of(qtype, changed(qtype, ("choices", 0, name), "red"))
    assert errors == [
        f"choices[1]: unknown field {name!r} (a choice has 'correct', 'feedback' and 'text')."
    ]


@pytest.mark.parametrize("name", ["colour", "distractor", "points"])
def test_an_unknown_field_in_a_matching_pair_is_refused_not_dropped(name):
    errors = errors_of("matching", changed("matching", ("pairs", 1, name), "red"))
    assert errors == [f"pairs[2]: unknown field {name!r} (a pair has 'left' and 'right')."]


@pytest.mark.parametrize(
    ("qtype", "name", "fields"),
    [
        ("single_choice", "feedback", "'choices'"),
        ("multiple_response", "shuffle", "'choices'"),
        ("true_false", "correct", "'answer' and 'feedback'"),
        ("short_answer", "case_sensitive", "'accepted'"),
        ("numeric", "units", "'answer', 'tolerance' and 'unit'"),
        ("matching", "shuffle", "'distractors' and 'pairs'"),
        ("ordering", "choices", "'items'"),
    ],
)
def test_an_unknown_field_beside_the_types_own_is_refused_not_dropped(qtype, name, fields):
    errors = errors_of(qtype, changed(qtype, (name,), "x"))
    label = registry.get(qtype).label.lower()
    assert errors == [f"unknown field {name!r}: {label} questions take {fields}."]


def test_a_field_named_by_a_number_is_refused_too():
    errors = errors_of("true_false", {"answer": True, 1: "one"})
    assert errors == ["unknown field '1': true/false questions take 'answer' and 'feedback'."]


# --- Data that is not an object, and input that could raise ----------------------------------


@pytest.mark.parametrize("qtype", KEYS)
@pytest.mark.parametrize("data", [None, [], ["choices"], "choices", 3, True])
def test_data_that_is_not_an_object_is_refused_not_raised(qtype, data):
    assert errors_of(qtype, data) == ["data: must be an object of the question type's fields."]


def deep(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("qtype", "path", "message"),
    [
        ("single_choice", ("choices", 0, "feedback"), "choices[1]: feedback must be text"),
        ("short_answer", ("accepted", 0), "accepted[1]: must be text"),
        ("numeric", ("answer",), "answer: must be a number, not a list"),
        ("matching", ("distractors",), None),
        ("ordering", ("items", 0), "items[1]: must be text"),
    ],
)
def test_values_nested_far_too_deep_are_refused_without_recursing(qtype, path, message):
    errors = errors_of(qtype, changed(qtype, path, deep(100_000)))
    assert any(e.startswith(message or "distractors[1]: must be text") for e in errors), errors


@pytest.mark.parametrize(
    ("field", "value", "why"),
    [
        ("answer", float("nan"), " (NaN and infinity are not numbers)"),
        ("answer", float("inf"), " (NaN and infinity are not numbers)"),
        ("answer", "-Infinity", " (NaN and infinity are not numbers)"),
        ("answer", "sNaN", " (NaN and infinity are not numbers)"),
        ("answer", Decimal("NaN"), " (NaN and infinity are not numbers)"),
        pytest.param("answer", HUGE, " (at most 10^15 either side of zero)", id="answer-huge"),
        ("answer", 10**16, " (at most 10^15 either side of zero)"),
        ("answer", 1e300, " (at most 10^15 either side of zero)"),
        ("answer", "9e999999", " (at most 10^15 either side of zero)"),
        ("answer", 1e-10, " (at most 9 decimal places)"),
        ("answer", "0.0000000001", " (at most 9 decimal places)"),
        ("answer", "1" * 41, " (at most 40 characters)"),
        ("answer", True, ", not true/false"),
        ("answer", [2050], ", not a list"),
        ("answer", {"value": 2050}, ", not an object"),
        ("answer", "twenty", ""),
        ("answer", "", ""),
        ("answer", "   ", ""),
        ("answer", None, ""),
        (
            "answer",
            "1,5",
            " (a comma may only group thousands, as in 2,050: write 1.5, not 1,5)",
        ),
        ("tolerance", float("nan"), " (NaN and infinity are not numbers)"),
        ("tolerance", float("-inf"), " (NaN and infinity are not numbers)"),
        ("tolerance", -1, ""),
        ("tolerance", "-0.5", ""),
        pytest.param(
            "tolerance", HUGE, " (at most 10^15 either side of zero)", id="tolerance-huge"
        ),
        ("tolerance", False, ", not true/false"),
        ("tolerance", None, ""),
    ],
)
def test_a_numeric_answer_or_tolerance_that_is_no_usable_number_is_refused_saying_why(
    field, value, why
):
    errors = errors_of("numeric", changed("numeric", (field,), value))
    rule = "must be a number" + (" of zero or more" if field == "tolerance" else "")
    assert errors == [f"{field}: {rule}{why}."]


@pytest.mark.parametrize(
    ("value", "stored"),
    [("2,050", "2050"), ("1,000,000.5", "1000000.5"), (" 2050 ", "2050"), ("-0.25", "-0.25")],
)
def test_a_numeric_answer_written_as_authors_do_is_still_read(value, stored):
    qtype = registry.get("numeric")
    data = changed("numeric", ("answer",), value)
    assert qtype.validate(data) == []
    assert qtype.build_payload(data)["answer"] == stored


@pytest.mark.parametrize(
    "answer", ["12345678.000000001", "123456789012.123456789", "999999999999999.999999999"]
)
def test_a_numeric_answer_no_float_holds_is_saved_again_as_given_not_rounded(answer):
    """The services save the canonical data (`authoring_data` of the payload); a float there
    turned 12345678.000000001 into 12345678.000000002."""
    qtype = registry.get("numeric")
    payload = qtype.build_payload({"answer": answer, "tolerance": "0"})
    canonical = qtype.authoring_data(payload)
    assert qtype.validate(canonical) == []
    assert qtype.build_payload(canonical)["answer"] == answer


def test_numbers_a_float_holds_still_read_back_as_numbers():
    qtype = registry.get("numeric")
    payload = qtype.build_payload({"answer": "0.1", "tolerance": "0.5", "unit": ""})
    assert qtype.authoring_data(payload) == {"answer": 0.1, "tolerance": 0.5, "unit": ""}


@pytest.mark.parametrize(
    ("qtype", "path", "message"),
    [
        ("single_choice", ("choices", 1, "text"), "choices[2]: the text is empty."),
        ("ordering", ("items", 1), "items[2]: the text is empty."),
        ("matching", ("distractors", 0), "distractors[1]: the distractor is empty."),
        ("matching", ("pairs", 0, "right"), "pairs[1]: needs a left and a right text."),
        ("short_answer", ("accepted", 0), "accepted[1]: an answer needs letters or digits."),
    ],
)
@pytest.mark.parametrize("blank", ["", "   ", "\n\t "])
def test_an_empty_or_whitespace_only_text_is_refused_once_not_also_as_a_repeat(
    qtype, path, message, blank
):
    data = changed(qtype, path, blank)
    if qtype == "matching" and path[1] == 0 and path[0] == "pairs":
        data["pairs"][1]["right"] = blank  # two empty rights are not "the same right twice"
        expected = [message, message.replace("[1]", "[2]")]
    else:
        expected = [message]
    assert errors_of(qtype, data) == expected


# --- What stays as it was ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("qtype", "path"),
    [
        ("single_choice", ("choices", 0, "feedback")),
        ("true_false", ("feedback",)),
        ("numeric", ("unit",)),
        ("matching", ("distractors",)),
    ],
)
def test_an_optional_field_given_as_null_still_means_none(qtype, path):
    """YAML's `feedback:` with nothing after it is null: no feedback, as leaving it out."""
    question_type = registry.get(qtype)
    data = changed(qtype, path, None)
    assert question_type.validate(data) == []
    question_type.build_payload(data)


def test_texts_are_still_trimmed_and_feedback_left_out_is_still_empty():
    qtype = registry.get("single_choice")
    data = {"choices": [{"text": "  1995 ", "correct": True}, {"text": "1991"}, {"text": "x"}]}
    assert qtype.validate(data) == []
    choices = qtype.authoring_data(qtype.build_payload(data))["choices"]
    assert choices[0] == {"text": "1995", "correct": True, "feedback": ""}


# --- Any input at all ------------------------------------------------------------------------

LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.builds(pow, st.just(10), st.integers(4400, 5000))  # past str()'s 4,300 digits
    | st.floats()
    | st.decimals()
    | st.text(max_size=12)
    | st.sampled_from(["2,050", "1,5", "NaN", "1e999", "  ", "-0", "1_000"])
    | st.dates()
)
FIELD_NAMES = "choices text correct feedback answer tolerance unit accepted pairs left right"
NAMES = st.sampled_from([*FIELD_NAMES.split(), "distractors", "items"]) | st.text(max_size=6)
VALUES = st.recursive(
    LEAVES,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(NAMES, children, max_size=4),
    max_leaves=12,
)


def near_valid(qtype: str) -> st.SearchStrategy[dict[str, Any]]:
    """The type's valid data with some values swapped for anything, or fields added."""

    @st.composite
    def build(draw):
        data = _copy(VALID[qtype])
        for _ in range(draw(st.integers(1, 3))):
            paths = list(_paths(data))
            path = draw(st.sampled_from(paths))
            target = data
            for step in path[:-1]:
                target = target[step]
            target[path[-1]] = draw(VALUES)
        return data

    return build()


def _paths(value: Any, prefix: tuple = ()):
    if isinstance(value, dict):
        yield (*prefix, "extra")
        for name, child in value.items():
            yield (*prefix, name)
            yield from _paths(child, (*prefix, name))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield (*prefix, index)
            yield from _paths(child, (*prefix, index))


@pytest.mark.parametrize("qtype", KEYS)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_any_authoring_data_gets_messages_or_saves_the_same_again_never_raises(qtype, data):
    """Whatever comes in, `validate` answers with messages; what it passes builds a payload
    whose canonical data (what the services save) passes again and builds the same payload."""
    question_type = registry.get(qtype)
    value = data.draw(near_valid(qtype) | VALUES)
    errors = question_type.validate(value)
    assert isinstance(errors, list) and all(isinstance(e, str) and e for e in errors)
    if errors:
        return
    payload = question_type.build_payload(value)
    canonical = question_type.authoring_data(payload)
    assert question_type.validate(canonical) == []
    assert question_type.build_payload(canonical, payload) == payload
