"""Every text of a question has one length limit, checked by the rule every door calls
(`version_draft`, the types' `validate`): the editor's fields show the same limits, so no
door stores a question the editor cannot save again. No database."""

from __future__ import annotations

from copy import deepcopy
from typing import Any

import pytest

from quizzes.errors import QuestionInvalid
from quizzes.qtypes import registry
from quizzes.qtypes.text_limits import (
    ANSWER_TEXT_MAX,
    EXPLANATION_MAX,
    SOURCE_QUOTE_MAX,
    STEM_MAX,
    UNIT_MAX,
)
from quizzes.services.authoring import version_draft
from tests.qtypes.test_authoring_refusals import VALID


def sized(length: int, start: str = "") -> str:
    """A text of exactly `length` characters that begins with `start` (to keep texts distinct)."""
    return (start + "x" * length)[:length] if start else "x" * length


def set_path(data: dict[str, Any], path: tuple, value: str) -> dict[str, Any]:
    changed = deepcopy(data)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


# (type, where the text sits in the authoring data, the field as the message names it, limit)
ANSWER_TEXTS = [
    ("single_choice", ("choices", 0, "text"), "choices[1]: text", ANSWER_TEXT_MAX),
    ("single_choice", ("choices", 1, "feedback"), "choices[2]: feedback", ANSWER_TEXT_MAX),
    ("multiple_response", ("choices", 2, "text"), "choices[3]: text", ANSWER_TEXT_MAX),
    ("true_false", ("feedback",), "feedback:", ANSWER_TEXT_MAX),
    ("short_answer", ("accepted", 1), "accepted[2]:", ANSWER_TEXT_MAX),
    ("numeric", ("unit",), "unit:", UNIT_MAX),
    ("matching", ("pairs", 0, "left"), "pairs[1]: left", ANSWER_TEXT_MAX),
    ("matching", ("pairs", 2, "right"), "pairs[3]: right", ANSWER_TEXT_MAX),
    ("matching", ("distractors", 0), "distractors[1]:", ANSWER_TEXT_MAX),
    ("ordering", ("items", 1), "items[2]:", ANSWER_TEXT_MAX),
]
IDS = [f"{qtype}-{where}" for qtype, _, where, _ in ANSWER_TEXTS]


@pytest.mark.parametrize(("qtype", "path", "where", "limit"), ANSWER_TEXTS, ids=IDS)
def test_an_answer_text_at_its_limit_is_accepted(qtype, path, where, limit):
    data = set_path(VALID[qtype], path, sized(limit, "z"))
    assert registry.get(qtype).validate(data) == []


@pytest.mark.parametrize(("qtype", "path", "where", "limit"), ANSWER_TEXTS, ids=IDS)
def test_an_answer_text_one_character_over_its_limit_is_refused_by_name(qtype, path, where, limit):
    data = set_path(VALID[qtype], path, sized(limit + 1, "z"))
    assert registry.get(qtype).validate(data) == [
        f"{where} must be at most {limit:,} characters (it has {limit + 1:,})."
    ]


def test_the_limit_counts_the_text_as_stored_trimmed():
    padded = "  " + sized(ANSWER_TEXT_MAX, "z") + "\n"
    data = set_path(VALID["ordering"], ("items", 0), padded)
    assert registry.get("ordering").validate(data) == []


def draft(**texts: str):
    content = {"stem": "Which year?", "explanation": "", "source_quote": ""} | texts
    return version_draft("true_false", data=VALID["true_false"], **content)


@pytest.mark.parametrize(
    ("field", "limit", "named"),
    [
        ("stem", STEM_MAX, "stem:"),
        ("explanation", EXPLANATION_MAX, "explanation:"),
        ("source_quote", SOURCE_QUOTE_MAX, "source quote:"),
    ],
)
def test_the_texts_every_question_has_are_held_to_the_editors_limits(field, limit, named):
    assert getattr(draft(**{field: sized(limit)}), field) == sized(limit)
    with pytest.raises(QuestionInvalid) as refused:
        draft(**{field: sized(limit + 1)})
    assert refused.value.errors == [
        f"{named} must be at most {limit:,} characters (it has {limit + 1:,})."
    ]


def test_a_draft_reports_every_problem_at_once():
    """A stem left empty and an answer too long are both named, not the first alone."""
    with pytest.raises(QuestionInvalid) as refused:
        version_draft(
            "true_false",
            stem="  ",
            data={"answer": True, "feedback": sized(ANSWER_TEXT_MAX + 1)},
            explanation=sized(EXPLANATION_MAX + 1),
            source_quote="",
        )
    assert refused.value.errors == [
        "feedback: must be at most 1,000 characters (it has 1,001).",
        "stem: write the question.",
        "explanation: must be at most 4,000 characters (it has 4,001).",
    ]
