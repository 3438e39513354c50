"""Properties every question type's grader must have, checked with hypothesis: no database.

Strategies build valid authoring data per type (checked against validate()), a payload from it
with keys drawn by hypothesis (so failures replay and all-digit keys, which token_hex can give,
are tried), and responses: valid ones made of the payload's keys, and junk.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from quizzes.qtypes import Grade, GradeState, InvalidResponse, QuestionType, base, registry

PROPERTY = settings(max_examples=100, deadline=None)
# Regression properties for bugs these tests once found (unhashable answers, huge numbers,
# int keys, the dotless ı, key collisions): the same examples on every run, no shrinking.
REPRODUCIBLE = settings(
    PROPERTY, max_examples=500, derandomize=True, phases=[Phase.explicit, Phase.generate]
)

KEYS = [
    "single_choice",
    "multiple_response",
    "true_false",
    "short_answer",
    "numeric",
    "matching",
    "ordering",
]
KEYED = ["single_choice", "multiple_response", "matching", "ordering"]
FIELD = {
    "single_choice": "choice",
    "multiple_response": "choices",
    "true_false": "value",
    "short_answer": "text",
    "numeric": "value",
    "matching": "pairs",
    "ordering": "order",
}


# --- Authoring data -----------------------------------------------------------------------

LABEL = st.text(min_size=1, max_size=8).map(str.strip).filter(bool)
PADDING = st.sampled_from([("", ""), ("", " "), (" ", ""), ("  ", "\t"), ("\n ", " \n")])


def padded(text: str) -> st.SearchStrategy[str]:
    """The text as an author might type it: validate() and build_payload() strip it."""
    return PADDING.map(lambda pad: pad[0] + text + pad[1])


@st.composite
def choice_data(draw, single: bool) -> dict[str, Any]:
    right = 1 if single else draw(st.integers(1, 4))
    wrong = draw(st.integers(2, 5))
    texts = draw(st.lists(LABEL, min_size=right + wrong, max_size=right + wrong, unique=True))
    flags = draw(st.permutations([True] * right + [False] * wrong))
    choices = []
    for text, flag in zip(texts, flags, strict=True):
        choice: dict[str, Any] = {"text": draw(padded(text))}
        if flag or draw(st.booleans()):  # a wrong choice may leave "correct" out
            choice["correct"] = flag
        if draw(st.booleans()):
            choice["feedback"] = draw(st.text(max_size=10))
        choices.append(choice)
    return {"choices": choices}


@st.composite
def true_false_data(draw) -> dict[str, Any]:
    data: dict[str, Any] = {"answer": draw(st.booleans())}
    if draw(st.booleans()):
        data["feedback"] = draw(st.text(max_size=10))
    return data


KAZAKH_CYRILLIC = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
KAZAKH_LATIN = "aäbdefgğhıijklmnñoöpqrsştuūüvyz"  # the 2021 alphabet


def folds_with_its_case(char: str) -> bool:
    """False for the characters whose case change normalize_answer() does not undo.

    These are the dotless ı (see the test with Kazakh Latin words) and Greek letters
    with a ypogegrammeni, whose upper case spells the iota out.
    """
    return char != "ı" and "\u0345" not in unicodedata.normalize("NFKD", char)


# Accepted answers are text: a number is refused (tests/qtypes/test_authoring_refusals.py).
ACCEPTED = st.text(
    (st.characters() | st.sampled_from(KAZAKH_CYRILLIC + KAZAKH_LATIN)).filter(folds_with_its_case),
    min_size=1,
    max_size=20,
).filter(lambda answer: not registry.get("short_answer").validate({"accepted": [answer]}))


@st.composite
def short_answer_data(draw) -> dict[str, Any]:
    return {"accepted": draw(st.lists(ACCEPTED, min_size=1, max_size=4))}


def as_authored(number: Decimal) -> st.SearchStrategy[Any]:
    """A decimal as an author might give it: a string in either notation, or an int."""
    forms: list[Any] = [str(number), format(number, "f")]
    if number == number.to_integral_value():
        forms.append(int(number))
    return st.sampled_from(forms)


@st.composite
def numeric_data(draw) -> dict[str, Any]:
    places = draw(st.integers(0, 6))
    answer = draw(st.decimals(min_value=-(10**9), max_value=10**9, places=places))
    places = draw(st.integers(0, 6))
    tolerance = draw(st.decimals(min_value=0, max_value=1000, places=places))
    data = {"answer": draw(as_authored(answer)), "tolerance": draw(as_authored(tolerance))}
    if draw(st.booleans()):
        data["unit"] = draw(st.text(max_size=5))
    return data


@st.composite
def matching_data(draw) -> dict[str, Any]:
    pairs = draw(st.integers(3, 5))
    distractors = draw(st.integers(0, 2))
    lefts = draw(st.lists(LABEL, min_size=pairs, max_size=pairs, unique=True))
    size = pairs + distractors
    rights = draw(st.lists(LABEL, min_size=size, max_size=size, unique=True))
    data: dict[str, Any] = {
        "pairs": [
            {"left": draw(padded(left)), "right": draw(padded(right))}
            for left, right in zip(lefts, rights, strict=False)
        ]
    }
    if distractors or draw(st.booleans()):
        data["distractors"] = [draw(padded(text)) for text in rights[pairs:]]
    return data


@st.composite
def ordering_data(draw) -> dict[str, Any]:
    items = draw(st.lists(LABEL, min_size=3, max_size=7, unique=True))
    return {"items": [draw(padded(item)) for item in items]}


AUTHORING: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "single_choice": choice_data(single=True),
    "multiple_response": choice_data(single=False),
    "true_false": true_false_data(),
    "short_answer": short_answer_data(),
    "numeric": numeric_data(),
    "matching": matching_data(),
    "ordering": ordering_data(),
}


# --- Payloads -----------------------------------------------------------------------------

# What secrets.token_hex(4) returns; all-digit keys (about 2% of real ones) get extra weight.
HEX_KEY = st.one_of(
    st.integers(0, 2**32 - 1).map("{:08x}".format),
    st.integers(10_000_000, 99_999_999).map(str),
)


@contextmanager
def keys_from(stream: list[str]):
    """Make new_key() draw from stream (then from real randomness once it runs out)."""
    pending = iter(stream)

    def token_hex(nbytes: int | None = None) -> str:
        return next(pending, None) or secrets.token_hex(nbytes)

    with mock.patch.object(base, "secrets", SimpleNamespace(token_hex=token_hex)):
        yield


@dataclass(frozen=True)
class Question:
    key: str
    qtype: QuestionType
    data: dict[str, Any]
    payload: dict[str, Any]

    def grade(self, response: Any) -> Grade:
        return self.qtype.grade(self.payload, response)

    def normalize(self, raw: Any) -> dict[str, Any]:
        return self.qtype.normalize_response(self.payload, raw)


@st.composite
def questions(draw, key: str) -> Question:
    qtype = registry.get(key)
    data = draw(AUTHORING[key])
    assert qtype.validate(data) == [], data
    needed = len(data.get("choices", [])) + len(data.get("items", []))
    needed += 2 * len(data.get("pairs", [])) + len(data.get("distractors") or [])
    stream = draw(st.lists(HEX_KEY, min_size=needed, max_size=needed, unique=True))
    with keys_from(stream):
        payload = qtype.build_payload(data)
    return Question(key, qtype, data, payload)


def payload_keys(payload: dict[str, Any]) -> list[str]:
    """Every key in a payload, whatever the type (empty for types without keys)."""
    keys = []
    for field in ("choices", "items", "lefts", "rights"):
        keys += [entry["key"] for entry in payload.get(field, [])]
    return keys


def keys_of(payload: dict[str, Any], field: str) -> list[str]:
    return [entry["key"] for entry in payload[field]]


def right_keys(payload: dict[str, Any]) -> list[str]:
    return [c["key"] for c in payload["choices"] if c["correct"]]


def wrong_keys(payload: dict[str, Any]) -> list[str]:
    return [c["key"] for c in payload["choices"] if not c["correct"]]


# --- Responses ----------------------------------------------------------------------------

# Numbers a learner may type: up to ±10^15 with at most 9 decimals (numeric.to_decimal).
NUMBER = st.one_of(
    st.integers(-(10**15), 10**15),
    st.integers(-(10**15), 10**15).map("{:,}".format),
    st.floats(-1e15, 1e15, allow_nan=False).map(lambda f: round(f, 6)),
    st.builds("{}e{}".format, st.integers(-999, 999), st.integers(-6, 9)),
    st.builds(" {} ".format, st.integers(-(10**15), 10**15)),
)
OUT_OF_RANGE_NUMBER = st.one_of(
    st.integers(10**15 + 1, 10**40),
    st.builds("{}e{}".format, st.integers(1, 9), st.integers(16, 10**9)),
    st.builds("{}e-{}".format, st.integers(1, 9), st.integers(10, 10**9)),
)


def valid_responses(q: Question) -> st.SearchStrategy[dict[str, Any]]:
    """Raw answers of the right shape, made of the payload's own keys."""
    payload = q.payload
    if q.key == "single_choice":
        return st.fixed_dictionaries({"choice": st.sampled_from(keys_of(payload, "choices"))})
    if q.key == "multiple_response":
        picks = st.lists(st.sampled_from(keys_of(payload, "choices")), max_size=12)
        return st.fixed_dictionaries({"choices": picks})
    if q.key == "true_false":
        values = st.booleans() | st.sampled_from(["true", "false", "True", "FALSE"])
        return st.fixed_dictionaries({"value": values})
    if q.key == "short_answer":
        texts = st.text(max_size=40) | st.sampled_from(payload["accepted"])
        return st.fixed_dictionaries({"text": texts})
    if q.key == "numeric":
        return st.fixed_dictionaries({"value": NUMBER})
    if q.key == "matching":
        chosen = st.sampled_from(keys_of(payload, "rights")) | st.sampled_from(["", None])
        pairs = st.dictionaries(st.sampled_from(keys_of(payload, "lefts")), chosen)
        return st.fixed_dictionaries({"pairs": pairs})
    if q.key == "ordering":
        return st.fixed_dictionaries({"order": st.permutations(keys_of(payload, "items"))})
    raise AssertionError(q.key)


JSON_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12))
JSON = st.recursive(
    JSON_LEAVES,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
HUGE = st.builds("{}e{}".format, st.integers(-9, 9), st.integers(10**6 - 10, 10**18))
NUMERIC_JUNK = st.one_of(
    st.sampled_from(["NaN", "-sNaN", "Infinity", "-inf", "1e999999999", "1,0,0", "1_000", ""]),
    st.builds("{}e{}".format, st.integers(), st.integers()),
    HUGE,
)


def key_forms(key: str) -> st.SearchStrategy[Any]:
    """A key as sent, or as a sloppy client might send it: as a number if it is all digits."""
    return st.sampled_from([key, int(key)] if key.isdigit() else [key, key.upper(), f" {key}"])


def digits_as_int(key: str) -> st.SearchStrategy[Any]:
    """The key, or the same key as a number when it is all digits."""
    return st.sampled_from([key, int(key)] if key.isdigit() else [key])


def near_valid(q: Question) -> st.SearchStrategy[dict[str, Any]]:
    """Answers of nearly the right shape: keys in other forms, or numbers out of range."""
    payload = q.payload
    if q.key == "single_choice":
        keys = st.sampled_from(keys_of(payload, "choices")).flatmap(key_forms)
        return st.fixed_dictionaries({"choice": keys})
    if q.key == "multiple_response":
        keys = st.sampled_from(keys_of(payload, "choices")).flatmap(key_forms)
        return st.fixed_dictionaries({"choices": st.lists(keys, max_size=8)})
    if q.key == "matching":
        rights = st.one_of(
            st.sampled_from([*keys_of(payload, "rights"), "", None]),
            st.lists(JSON_LEAVES, max_size=2),
            st.dictionaries(st.text(max_size=3), JSON_LEAVES, max_size=2),
        )
        pairs = st.dictionaries(st.sampled_from(keys_of(payload, "lefts")), rights, min_size=1)
        return st.fixed_dictionaries({"pairs": pairs})
    if q.key == "ordering":
        order = st.permutations(keys_of(payload, "items")).flatmap(
            lambda keys: st.tuples(*map(digits_as_int, keys)).map(list)
        )
        return st.fixed_dictionaries({"order": order})
    if q.key == "numeric":
        return st.fixed_dictionaries({"value": NUMERIC_JUNK | HUGE})
    if q.key == "short_answer":
        return st.fixed_dictionaries({"text": st.text(max_size=600)})
    return st.fixed_dictionaries({"value": st.text(max_size=6)})


def junk(q: Question) -> st.SearchStrategy[Any]:
    """Arbitrary JSON-like input, plus junk aimed at the type's field and made of its keys."""
    keys = payload_keys(q.payload)
    leaves = JSON_LEAVES | NUMERIC_JUNK
    names = st.text(max_size=8)
    if keys:
        digit_keys = [int(k) for k in keys if k.isdigit()]
        leaves |= st.sampled_from(keys) | st.sampled_from(digit_keys or [0])
        names |= st.sampled_from(keys)
    values = st.recursive(
        leaves,
        lambda children: (
            st.lists(children, max_size=5) | st.dictionaries(names, children, max_size=4)
        ),
        max_leaves=10,
    )
    field = FIELD[q.key]
    return st.one_of(
        JSON,
        near_valid(q),
        st.fixed_dictionaries({field: values}),
        st.dictionaries(st.just(field) | names, values, max_size=3),
    )


# --- Checks -------------------------------------------------------------------------------


def assert_consistent(grade: Grade) -> None:
    """A fraction in [0, 1] and the state that goes with it."""
    assert isinstance(grade, Grade)
    assert isinstance(grade.fraction, Decimal) and grade.fraction.is_finite()
    assert Decimal(0) <= grade.fraction <= Decimal(1)
    if grade.fraction == 1:
        assert grade.state == GradeState.CORRECT
    elif grade.fraction == 0:
        assert grade.state in {GradeState.WRONG, GradeState.GAVE_UP}
    else:
        assert grade.state == GradeState.PARTIAL


def assert_full_marks(grade: Grade) -> None:
    assert (grade.fraction, grade.state) == (Decimal(1), GradeState.CORRECT)


def five_places(fraction: Decimal) -> Decimal:
    return fraction.quantize(Decimal("0.00001"))


# --- Properties for every type ------------------------------------------------------------


@PROPERTY
@given(key=st.sampled_from(KEYS), data=st.data())
def test_every_grade_is_a_fraction_in_0_to_1_with_the_state_that_goes_with_it(key, data):
    q = data.draw(questions(key))
    response = q.normalize(data.draw(valid_responses(q)))
    assert_consistent(q.grade(response))


@settings(PROPERTY, max_examples=20)
@given(key=st.sampled_from(KEYS), data=st.data())
def test_no_answer_at_all_is_graded_as_gave_up(key, data):
    q = data.draw(questions(key))
    for nothing in (None, {}):
        assert q.grade(nothing) == Grade.gave_up()


@PROPERTY
@given(key=st.sampled_from(KEYS), data=st.data())
def test_normalizing_a_normalized_response_changes_nothing(key, data):
    q = data.draw(questions(key))
    response = q.normalize(data.draw(valid_responses(q)))
    assert q.normalize(response) == response


# --- The key gets full marks --------------------------------------------------------------


@PROPERTY
@given(data=st.data())
def test_single_choice_the_right_choice_gets_full_marks(data):
    q = data.draw(questions("single_choice"))
    (right,) = right_keys(q.payload)
    assert_full_marks(q.grade(q.normalize({"choice": right})))
    for wrong in wrong_keys(q.payload):
        assert q.grade(q.normalize({"choice": wrong})).state == GradeState.WRONG


@PROPERTY
@given(data=st.data())
def test_multiple_response_the_right_choices_in_any_order_get_full_marks(data):
    q = data.draw(questions("multiple_response"))
    picks = data.draw(st.permutations(right_keys(q.payload)))
    assert_full_marks(q.grade(q.normalize({"choices": picks})))
    assert q.qtype.correct_texts(q.payload) == [
        c["text"] for c in q.payload["choices"] if c["key"] in picks
    ]


@PROPERTY
@given(data=st.data())
def test_true_false_the_answer_gets_full_marks_and_its_opposite_none(data):
    q = data.draw(questions("true_false"))
    answer = q.payload["answer"]
    for value in (answer, str(answer).lower(), str(answer).upper()):
        assert_full_marks(q.grade(q.normalize({"value": value})))
    assert q.grade(q.normalize({"value": not answer})).state == GradeState.WRONG


CASE_CHANGES: list[Callable[[str], str]] = [str.upper, str.lower, str.swapcase, str.title]
TRAILING = st.sampled_from(["", ".", "!", "?", "...", "?!", ",", ";", ":", "…"])
SPACES = st.sampled_from(["", " ", "  ", "\t", " \n"])


@st.composite
def typed_like(draw, answer: str) -> str:
    """The answer as a learner might type it: another case, extra spaces, end punctuation."""
    case = draw(st.sampled_from([*CASE_CHANGES, str]))
    text = re.sub(r"\s+", lambda space: space.group() + draw(SPACES), case(answer))
    return draw(SPACES) + text + draw(TRAILING) + draw(SPACES)


@PROPERTY
@given(data=st.data())
def test_short_answer_every_accepted_answer_gets_full_marks_however_it_is_typed(data):
    q = data.draw(questions("short_answer"))
    assert q.qtype.correct_texts(q.payload) == q.payload["accepted"]
    for accepted in q.payload["accepted"]:
        assert_full_marks(q.grade(q.normalize({"text": accepted})))
        typed = data.draw(typed_like(accepted), label=f"typed like {accepted!r}")
        assert_full_marks(q.grade(q.normalize({"text": typed})))


@REPRODUCIBLE
@given(
    words=st.lists(st.text(KAZAKH_LATIN, min_size=1, max_size=12), min_size=1, max_size=3),
    case=st.sampled_from(CASE_CHANGES),
)
def test_short_answer_kazakh_latin_answers_get_full_marks_in_any_case(words, case):
    answer = " ".join(words)
    qtype = registry.get("short_answer")
    payload = qtype.build_payload({"accepted": [answer]})
    typed = qtype.normalize_response(payload, {"text": case(answer)})
    assert_full_marks(qtype.grade(payload, typed))


def number_forms(value: Decimal) -> st.SearchStrategy[Any]:
    """A number as a learner or form might send it."""
    forms: list[Any] = [str(value), format(value, "f"), format(value, ",f")]
    if value == value.to_integral_value():
        forms.append(int(value))
    return st.sampled_from(forms)


@PROPERTY
@given(data=st.data(), step=st.integers(-1000, 1000))
def test_numeric_any_value_within_the_tolerance_gets_full_marks(data, step):
    q = data.draw(questions("numeric"))
    answer, tolerance = Decimal(q.payload["answer"]), Decimal(q.payload["tolerance"])
    value = answer + tolerance * step / 1000
    raw = data.draw(number_forms(value))
    assert_full_marks(q.grade(q.normalize({"value": raw})))


@PROPERTY
@given(data=st.data(), sign=st.sampled_from([-1, 1]), places=st.integers(0, 9))
def test_numeric_a_value_just_outside_the_tolerance_scores_nothing(data, sign, places):
    q = data.draw(questions("numeric"))
    answer, tolerance = Decimal(q.payload["answer"]), Decimal(q.payload["tolerance"])
    value = answer + sign * (tolerance + Decimal(1).scaleb(-places))
    grade = q.grade(q.normalize({"value": str(value)}))
    assert (grade.fraction, grade.state) == (Decimal(0), GradeState.WRONG)


@REPRODUCIBLE
@given(
    answer=st.builds("{}e{}".format, st.integers(-9, 9), st.integers(-(10**9), 10**9)),
    tolerance=st.builds("{}e{}".format, st.integers(0, 9), st.integers(-(10**9), 10**9)),
)
def test_numeric_authoring_data_either_fails_validation_or_builds_a_payload(answer, tolerance):
    qtype = registry.get("numeric")
    data = {"answer": answer, "tolerance": tolerance}
    errors = qtype.validate(data)
    if errors:
        assert all(e.startswith(("answer:", "tolerance:")) for e in errors)
        return
    payload = qtype.build_payload(data)
    assert Decimal(payload["answer"]).is_finite() and Decimal(payload["tolerance"]) >= 0


@PROPERTY
@given(data=st.data(), value=OUT_OF_RANGE_NUMBER)
def test_numeric_values_beyond_the_supported_range_are_refused_not_rounded(data, value):
    q = data.draw(questions("numeric"))
    with pytest.raises(InvalidResponse):
        q.normalize({"value": value})


@PROPERTY
@given(data=st.data())
def test_matching_the_authored_pairs_get_full_marks(data):
    q = data.draw(questions("matching"))
    pairs = {left["key"]: left["match"] for left in q.payload["lefts"]}
    assert_full_marks(q.grade(q.normalize({"pairs": pairs})))


@PROPERTY
@given(data=st.data())
def test_ordering_the_authored_order_gets_full_marks(data):
    q = data.draw(questions("ordering"))
    assert_full_marks(q.grade(q.normalize({"order": keys_of(q.payload, "items")})))
    assert q.qtype.correct_texts(q.payload) == [item.strip() for item in q.data["items"]]


# --- Multiple response --------------------------------------------------------------------


@PROPERTY
@given(data=st.data())
def test_multiple_response_the_order_and_repeats_of_picks_do_not_change_the_score(data):
    q = data.draw(questions("multiple_response"))
    choices = keys_of(q.payload, "choices")
    picks = data.draw(st.lists(st.sampled_from(choices), max_size=len(choices), unique=True))
    shuffled = data.draw(st.permutations(picks))
    repeated = shuffled + data.draw(st.lists(st.sampled_from(picks))) if picks else []
    grades = [q.grade(q.normalize({"choices": p})) for p in (picks, shuffled, repeated)]
    grades.append(q.grade({"choices": repeated}))  # straight to grade(), not normalized
    first = grades[0]
    for grade in grades:
        assert (grade.fraction, grade.state) == (first.fraction, first.state)
        assert Counter(grade.feedback) == Counter(first.feedback)


@REPRODUCIBLE
@given(data=st.data())
def test_multiple_response_feedback_follows_the_authoring_order_whatever_the_pick_order(data):
    q = data.draw(questions("multiple_response"))
    choices = q.payload["choices"]
    picks = data.draw(st.permutations([c["key"] for c in choices]))
    in_order = [c["feedback"] for c in choices if c["feedback"]]
    assert q.grade({"choices": picks}).feedback == tuple(in_order)


@PROPERTY
@given(data=st.data())
def test_multiple_response_picking_everything_never_beats_picking_only_the_right_ones(data):
    q = data.draw(questions("multiple_response"))
    everything = q.grade(q.normalize({"choices": keys_of(q.payload, "choices")}))
    right_only = q.grade(q.normalize({"choices": right_keys(q.payload)}))
    assert everything.fraction <= right_only.fraction
    assert (everything.fraction, everything.state) == (Decimal(0), GradeState.WRONG)


@PROPERTY
@given(data=st.data())
def test_multiple_response_never_scores_below_zero_and_wrong_picks_never_help(data):
    q = data.draw(questions("multiple_response"))
    choices = keys_of(q.payload, "choices")
    picks = data.draw(st.lists(st.sampled_from(choices), min_size=1, unique=True))
    grade = q.grade(q.normalize({"choices": picks}))
    assert grade.fraction >= 0
    for extra in set(choices) - set(picks):
        more = q.grade(q.normalize({"choices": [*picks, extra]}))
        if extra in right_keys(q.payload):
            assert more.fraction >= grade.fraction
        else:
            assert more.fraction <= grade.fraction


# --- Matching and ordering ----------------------------------------------------------------


@PROPERTY
@given(data=st.data())
def test_matching_scores_the_share_of_lefts_given_their_authored_right(data):
    q = data.draw(questions("matching"))
    response = q.normalize(data.draw(valid_responses(q)))
    # The oracle works on texts, so it also checks that the payload keeps the authored pairs.
    authored = {p["left"].strip(): p["right"].strip() for p in q.data["pairs"]}
    lefts = {left["key"]: left["text"] for left in q.payload["lefts"]}
    rights = {right["key"]: right["text"] for right in q.payload["rights"]}
    matched = sum(
        1 for left, right in response["pairs"].items() if authored[lefts[left]] == rights[right]
    )
    grade = q.grade(response)
    assert grade.fraction == five_places(Decimal(matched) / len(authored))
    if not response["pairs"]:
        assert grade.state == GradeState.GAVE_UP


@PROPERTY
@given(data=st.data())
def test_ordering_only_the_authored_order_gets_full_marks(data):
    q = data.draw(questions("ordering"))
    order = data.draw(st.permutations(keys_of(q.payload, "items")))
    texts = {item["key"]: item["text"] for item in q.payload["items"]}
    grade = q.grade(q.normalize({"order": order}))
    if [texts[key] for key in order] == [item.strip() for item in q.data["items"]]:
        assert_full_marks(grade)
    else:
        assert grade.fraction < 1 and grade.state != GradeState.CORRECT


# --- Junk input ---------------------------------------------------------------------------


def check_junk(q: Question, raw: Any) -> None:
    try:
        response = q.normalize(raw)
    except InvalidResponse:
        return
    assert isinstance(response, dict)
    assert_consistent(q.grade(response))


@PROPERTY
@given(key=st.sampled_from(KEYS), data=st.data())
def test_normalize_response_turns_junk_into_a_gradable_dict_or_raises_invalid_response(key, data):
    q = data.draw(questions(key))
    check_junk(q, data.draw(junk(q), label="raw"))


def check_names_only_keys(q: Question, raw: Any) -> None:
    try:
        response = q.normalize(raw)
    except InvalidResponse:
        return
    named = response[FIELD[q.key]]
    if q.key == "single_choice":
        named = [named]
    elif q.key == "matching":
        assert set(named) <= set(keys_of(q.payload, "lefts"))
        named = list(named.values())
    assert all(isinstance(k, str) and k in payload_keys(q.payload) for k in named), named


@PROPERTY
@given(key=st.sampled_from(KEYED), data=st.data())
def test_a_normalized_response_names_only_keys_of_the_payload(key, data):
    q = data.draw(questions(key))
    check_names_only_keys(q, data.draw(junk(q), label="raw"))


# --- Opaque keys --------------------------------------------------------------------------


@PROPERTY
@given(key=st.sampled_from(KEYED), data=st.data())
def test_build_payload_gives_every_entry_its_own_opaque_key(key, data):
    qtype = registry.get(key)
    authored = data.draw(AUTHORING[key])
    first = qtype.build_payload(authored)  # real randomness here: no patched keys
    again = qtype.build_payload(authored)
    for payload in (first, again):
        keys = payload_keys(payload)
        assert len(keys) == len(set(keys))
        assert all(re.fullmatch(r"[0-9a-f]{8}", k) for k in keys)
        if key == "matching":
            assert not set(keys_of(payload, "lefts")) & set(keys_of(payload, "rights"))
    # Keys come from randomness, not from the texts, their order or their correctness.
    assert payload_keys(first) != payload_keys(again)


@PROPERTY
@given(key=st.sampled_from(KEYED), data=st.data())
def test_a_revision_keeps_the_keys_of_unchanged_texts_and_only_those(key, data):
    qtype = registry.get(key)
    first = qtype.build_payload(data.draw(AUTHORING[key]))
    if data.draw(st.booleans(), label="revise the same data"):
        revised = qtype.authoring_data(first)
        if key == "ordering":
            revised["items"] = data.draw(st.permutations(revised["items"]))
    else:
        revised = data.draw(AUTHORING[key])
    second = qtype.build_payload(revised, first)
    keys = payload_keys(second)
    assert len(keys) == len(set(keys))
    for field in ("choices", "items", "lefts", "rights"):
        old = {entry["text"]: entry["key"] for entry in first.get(field, [])}
        for entry in second.get(field, []):
            if entry["text"] in old:
                assert entry["key"] == old[entry["text"]]
            else:
                assert entry["key"] not in old.values()
    if key == "matching":
        assert not set(keys_of(second, "lefts")) & set(keys_of(second, "rights"))


@REPRODUCIBLE
@given(data=st.data())
def test_matching_left_and_right_keys_never_collide_even_when_token_hex_repeats(data):
    qtype = registry.get("matching")
    authored = data.draw(matching_data())
    few = [f"{n:08x}" for n in range(8)]
    stream = data.draw(st.lists(st.sampled_from(few), min_size=40, max_size=40))
    with keys_from(stream):
        payload = qtype.build_payload(authored)
    assert not set(keys_of(payload, "lefts")) & set(keys_of(payload, "rights"))
