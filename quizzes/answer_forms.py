"""Read answers from an attempt page's POST data into the API's answer shapes.

Field names are `q<question id>-<part>`; the shapes that come out are the same ones the REST
API takes, so one normalisation path (the question type's `read_answer`) serves pages and API
alike. The shape is read from the field names, not from the question's type: whatever fields
arrive are passed on, and a field the type does not take is refused there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from .qtypes import InvalidResponse, registry

# `q<id>`: ASCII digits only, as many as a database id can have. str.isdigit() also takes "²"
# or "١", which int() refuses or reads as another number; a name that does not match is no
# question's field and is ignored, like any other field the page does not know.
_QUESTION_HEAD = re.compile(r"q([0-9]{1,18})")

# Marks a question whose saved answer the page leaves alone: its inputs are disabled (a
# practice question answered right), so their absence must not read as "cleared".
KEEP_ANSWER = "keep-answer"


def field_prefix(question_id: int) -> str:
    """The prefix of a question's form fields."""
    return f"q{question_id}-"


def question_ids_in(post: QueryDict) -> list[int]:
    """Question ids whose fields (or `q<id>-present` markers) appear in the POST data."""
    ids = set()
    for name in post:
        head, _, _ = name.partition("-")
        if match := _QUESTION_HEAD.fullmatch(head):
            ids.add(int(match[1]))
    return sorted(ids)


@dataclass
class PostedAnswers:
    """What a page POST asks for: answers and flags per question id, and parse errors."""

    answers: dict[int, Any] = field(default_factory=dict)
    flags: dict[int, bool] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)


def posted_answers(post: QueryDict) -> PostedAnswers:
    """Answers and flags for every question that appears in the POST data.

    A question whose answer is refused gets no flag either: a refused save changes nothing,
    flag included, as through the API (docs/api.md)."""
    posted = PostedAnswers()
    for question_id in question_ids_in(post):
        p = field_prefix(question_id)
        flagged = post.get(f"{p}flag") == "1"
        if post.get(f"{p}{KEEP_ANSWER}") != "1":
            try:
                posted.answers[question_id] = raw_answer(post, question_id)
            except InvalidResponse as exc:
                posted.errors[question_id] = str(exc)
                continue
        posted.flags[question_id] = flagged
    return posted


def raw_answer(post: QueryDict, question_id: int) -> dict[str, Any] | None:
    """The raw answer for one question (None: no answer field was sent, which clears it);
    InvalidResponse for input that cannot make an answer.

    Each type reads the fields its own inputs post (`read_post`); whichever fields arrive are
    passed on, and the question's type refuses a field it does not take.
    """
    p = field_prefix(question_id)
    raw: dict[str, Any] = {}
    for key in registry.all_keys():
        raw.update(registry.get(key).read_post(post, p))
    return raw or None
