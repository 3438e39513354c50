"""Small builders for behaviour tests: versions and steps as plain values, no database."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from quizzes.models import StepKind
from quizzes.qtypes import registry

# Two of the four are right: picking some of them earns part of the mark.
CHOICES = {
    "choices": [
        {"text": "Tallinn", "correct": True},
        {"text": "Tartu", "correct": True},
        {"text": "Narva"},
        {"text": "Riga"},
    ]
}


def version(qtype: str = "multiple_response", data: dict[str, Any] = CHOICES) -> Any:
    """A question version as a replay reads it: its type key and built payload."""
    question_type = registry.get(qtype)
    assert question_type.validate(data) == []
    return SimpleNamespace(qtype=qtype, payload=question_type.build_payload(data))


def with_key(ver: Any, *right: str) -> Any:
    """The next version of `ver` with only the choices `right` correct: texts and their keys
    stay, as they do when an author fixes a key."""
    choices = [{**c, "correct": c["text"] in right} for c in ver.payload["choices"]]
    return SimpleNamespace(qtype=ver.qtype, payload={**ver.payload, "choices": choices})


def pick(ver: Any, *texts: str) -> dict[str, Any]:
    """A multiple-response answer naming the choices with these texts."""
    keys = {c["text"]: c["key"] for c in ver.payload["choices"]}
    return {"choices": sorted(keys[t] for t in texts)}


def step(kind: str, answer: Any = None, **fields: Any) -> Any:
    """A step as stored: SAVE and CHECK carry the answer in `data`."""
    data = {"answer": answer} if kind in (StepKind.SAVE, StepKind.CHECK) else {}
    return SimpleNamespace(
        kind=kind, data=data, state=fields.get("state", ""), fraction=fields.get("fraction")
    )


def save(answer: Any) -> Any:
    return step(StepKind.SAVE, answer)


def check(answer: Any) -> Any:
    return step(StepKind.CHECK, answer)


def submit() -> Any:
    return step(StepKind.SUBMIT)


def by_hand(fraction: str, state: str) -> Any:
    return step(StepKind.MANUAL_GRADE, state=state, fraction=Decimal(fraction))
