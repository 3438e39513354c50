"""Matching on the page: a select per left item, listing the right options in shuffled order."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext

from ..base import FaceList, Ordered, QuestionType, scrambled_texts
from ..choices import letter

PAIR = "pair-"


def learner_fields(payload: Mapping[str, Any], ordered: Ordered) -> dict[str, Any]:
    """The left items in authoring order, the right options (distractors among them) in the
    order shown: the pairs are the key."""
    return {
        "left": [{"id": item["key"], "text": item["text"]} for item in payload["lefts"]],
        "right": ordered(payload["rights"]),
    }


def answer_widget(question: Mapping[str, Any], answer: Mapping[str, Any]) -> dict[str, Any]:
    """Each left item with its options, the one matched selected."""
    pairs = answer.get("pairs") or {}
    return {
        "lefts": [
            {
                **left,
                "options": [
                    {**r, "selected": pairs.get(left["id"]) == r["id"]} for r in question["right"]
                ],
            }
            for left in question["left"]
        ]
    }


def read_post(post: QueryDict, prefix: str) -> dict[str, Any]:
    """`{"pairs": {left: right}}` from the `pair-<left>` selects."""
    start = f"{prefix}{PAIR}"
    pairs = {name[len(start) :]: value for name, value in post.items() if name.startswith(start)}
    return {"pairs": pairs} if pairs else {}


def staff_key_rows(
    question: Mapping[str, Any], payload: Mapping[str, Any], answer: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Each left item, the learner's match and the right one."""
    rights = {r["id"]: r["text"] for r in question["right"]}
    matches = {left["key"]: left["match"] for left in payload["lefts"]}
    pairs = answer.get("pairs") or {}
    return [
        {
            "label": letter(n),
            "text": left["text"],
            "picked_text": rights.get(pairs.get(left["id"]), ""),
            "key_text": rights.get(matches.get(left["id"]), ""),
            "is_key": pairs.get(left["id"]) == matches.get(left["id"]),
        }
        for n, left in enumerate(question["left"])
    ]


def study_faces(
    question_type: QuestionType, payload: Mapping[str, Any]
) -> tuple[list[FaceList], FaceList]:
    """The left items and the right options (scrambled) on the front, the pairs behind."""
    lefts = [left["text"] for left in payload["lefts"]]
    prompts = [
        FaceList(gettext("Match each of these"), lefts),
        FaceList(gettext("with one of these"), scrambled_texts(payload["rights"])),
    ]
    return prompts, FaceList(gettext("Right pairs"), question_type.correct_texts(payload))
