"""The project's JSON bank format: a list of question objects (see docs/content-pack.md).

Each object carries the contract fields (`id`, `key`, `type`, `stem`, `choices`, `correct`,
`section`, `section_slug`, `concepts`, `difficulty`, `bloom`, `explanation`, `source_quote`) and
`data`, the type's authoring fields, so a round trip is exact. Files without `data` (older
exports) are read from `choices` and `correct`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..qtypes.matching import ARROW
from .common import ExchangeItem, ParseResult, WriteResult

_TEXT_FIELDS = ("stem", "explanation", "source_quote", "section_slug", "bloom")


def write_json(objects: list[dict[str, Any]]) -> WriteResult:
    """The JSON bank file of already-built question objects."""
    return WriteResult(json.dumps(objects, ensure_ascii=False, indent=2) + "\n", len(objects))


def _item_lines(text: str) -> list[int]:
    """The line on which each element of a top-level JSON array starts."""
    decoder, lines = json.JSONDecoder(), []
    index = text.index("[") + 1
    while True:
        while index < len(text) and text[index] in " \t\r\n,":
            index += 1
        if index >= len(text) or text[index] == "]":
            return lines
        lines.append(text.count("\n", 0, index) + 1)
        _, index = decoder.raw_decode(text, index)


def data_from_texts(qtype: str, choices: list[str], correct: list[str]) -> dict[str, Any]:
    """Authoring data rebuilt from the key as texts (for files written before `data` existed)."""
    if qtype in ("single_choice", "multiple_response"):
        return {"choices": [{"text": c, "correct": c in correct} for c in choices]}
    if qtype == "true_false":
        return {"answer": correct == ["True"]}
    if qtype == "short_answer":
        return {"accepted": list(correct)}
    if qtype == "numeric":
        return {"answer": correct[0] if correct else None, "tolerance": 0}
    if qtype == "matching":
        pairs = [dict(zip(("left", "right"), c.split(ARROW, 1), strict=False)) for c in correct]
        rights = {p.get("right") for p in pairs}
        return {"pairs": pairs, "distractors": [c for c in choices if c not in rights]}
    return {"items": list(correct)}


def _type_errors(obj: Mapping[str, Any]) -> list[str]:
    errors = []
    if not isinstance(obj.get("type"), str) or not obj.get("type"):
        errors.append("type: give the question type.")
    for name in _TEXT_FIELDS:
        if obj.get(name) is not None and not isinstance(obj.get(name), str):
            errors.append(f"{name}: must be text.")
    if obj.get("key") is not None and not isinstance(obj.get("key"), str):
        errors.append("key: must be text or null.")
    concepts = obj.get("concepts", [])
    if not isinstance(concepts, list) or not all(isinstance(c, str) for c in concepts):
        errors.append("concepts: must be a list of concept slugs.")
    difficulty = obj.get("difficulty")
    if difficulty is not None and (isinstance(difficulty, bool) or not isinstance(difficulty, int)):
        errors.append("difficulty: must be 1, 2 or 3.")
    if "data" in obj and not isinstance(obj["data"], Mapping):
        errors.append("data: must be an object of the type's fields.")
    if "data" not in obj and not all(isinstance(obj.get(f), list) for f in ("choices", "correct")):
        errors.append("data: missing (or give choices and correct as lists of texts).")
    return errors


def item_from_json(obj: Any, where: str) -> tuple[ExchangeItem | None, list[str]]:
    """One JSON question object as an item, or the reasons it cannot be one."""
    if not isinstance(obj, Mapping):
        return None, ["each question must be a JSON object."]
    errors = _type_errors(obj)
    if errors:
        return None, errors
    data = obj.get("data")
    if data is None:
        data = data_from_texts(obj["type"], obj["choices"], obj["correct"])
    name = obj.get("key") or (f"Q{obj['id']}" if isinstance(obj.get("id"), int) else "")
    item = ExchangeItem(
        qtype=obj["type"],
        stem=obj.get("stem") or "",
        data=dict(data),
        name=name,
        explanation=obj.get("explanation") or "",
        source_quote=obj.get("source_quote") or "",
        section=obj.get("section_slug") or "",
        difficulty=obj.get("difficulty"),
        bloom=obj.get("bloom") or "",
        concepts=list(obj.get("concepts") or []),
        where=where,
    )
    return item, []


def parse_json(text: str) -> ParseResult:
    """Every question of a JSON bank file, and every error with its line."""
    result = ParseResult()
    try:
        objects = json.loads(text)
    except json.JSONDecodeError as exc:
        result.errors.append(f"line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg}).")
        return result
    if not isinstance(objects, list):
        result.errors.append("line 1: a JSON bank is a list [...] of question objects.")
        return result
    for number, (line, obj) in enumerate(zip(_item_lines(text), objects, strict=True), start=1):
        where = f"line {line} (item {number})"
        item, errors = item_from_json(obj, where)
        result.errors += [f"{where}: {error}" for error in errors]
        if item is not None:
            result.items.append(item)
    if not objects:
        result.errors.append("line 1: the file holds no questions.")
    return result
