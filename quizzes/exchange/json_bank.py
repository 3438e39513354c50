"""The project's JSON bank format: a list of question objects (see docs/content-pack.md).

Each object carries the contract fields (`id`, `key`, `type`, `stem`, `choices`, `correct`,
`section`, `section_slug`, `concepts`, `tags`, `difficulty`, `bloom`, `explanation`,
`source_quote`) and `data`, the type's authoring fields, so a round trip is exact. Files without
`data` (older exports) are read from `choices` and `correct`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..qtypes import registry
from .common import ExchangeItem, ParseResult, WriteResult, too_many_items

_TEXT_FIELDS = ("stem", "explanation", "source_quote", "section_slug", "bloom")
MAX_INT_DIGITS = 30
MAX_DEPTH = 20  # a question object nests four deep (list, object, data, choice)
_TOO_DEEP = f"line 1: cannot be read: lists and objects nest deeper than {MAX_DEPTH}."


def write_json(objects: list[dict[str, Any]]) -> WriteResult:
    """The JSON bank file of already-built question objects."""
    return WriteResult(json.dumps(objects, ensure_ascii=False, indent=2) + "\n", len(objects))


def _item_lines(text: str) -> list[int]:
    """The line on which each element of a top-level JSON array starts.

    Lines are counted once, from one element to the next: counting from the file's start for
    every element made a file of many small elements cost quadratic time.
    """
    decoder, lines = json.JSONDecoder(), []
    index = text.index("[") + 1
    line, counted = 1, 0
    while True:
        while index < len(text) and text[index] in " \t\r\n,":
            index += 1
        if index >= len(text) or text[index] == "]":
            return lines
        line += text.count("\n", counted, index)
        counted = index
        lines.append(line)
        _, index = decoder.raw_decode(text, index)


class _Unreadable(ValueError):
    """A value JSON parsers allow but a question file never needs (huge integers, NaN)."""


def _bounded_int(digits: str) -> int:
    # Python refuses to convert integers over 4,300 digits with a ValueError of its own; refuse
    # far earlier, with a message, since no field of a question needs more than a few digits.
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise _Unreadable(
            f"a number has {len(digits.lstrip('-')):,} digits (at most {MAX_INT_DIGITS})."
        )
    return int(digits)


def _no_constant(name: str) -> float:
    raise _Unreadable(f"{name} is not a JSON number.")


def _too_deep(value: Any) -> bool:
    """Whether containers nest deeper than MAX_DEPTH (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        current, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        children = current.values() if isinstance(current, dict) else current
        stack += [(child, depth + 1) for child in children if isinstance(child, dict | list)]
    return False


def _load(text: str) -> tuple[Any, str | None]:
    """The decoded file, or the error that says why it cannot be read."""
    try:
        objects = json.loads(text, parse_int=_bounded_int, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        return None, f"line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})."
    except _Unreadable as exc:
        return None, f"line 1: cannot be read: {exc}"
    except RecursionError:  # nested deeper than the interpreter's own stack allows
        return None, _TOO_DEEP
    if isinstance(objects, dict | list) and _too_deep(objects):
        return None, _TOO_DEEP
    return objects, None


def data_from_texts(qtype: str, choices: list[str], correct: list[str]) -> dict[str, Any]:
    """Authoring data rebuilt from the key as texts (for files written before `data` existed),
    as the type's exchange mapping reads them; none for a type that does not exist."""
    if qtype not in registry.all_keys():
        return {}
    return registry.get(qtype).exchange.from_texts(choices, correct)


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
    tags = obj.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        errors.append("tags: must be a list of tag names.")
    difficulty = obj.get("difficulty")
    if difficulty is not None and (isinstance(difficulty, bool) or not isinstance(difficulty, int)):
        errors.append("difficulty: must be 1, 2 or 3.")
    if "data" in obj and not isinstance(obj["data"], Mapping):
        errors.append("data: must be an object of the type's fields.")
    texts = (obj.get("choices"), obj.get("correct"))
    if "data" not in obj and not all(
        isinstance(field, list) and all(isinstance(text, str) for text in field) for field in texts
    ):
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
        tags=list(obj.get("tags") or []),
    )
    return item, []


def parse_json(text: str) -> ParseResult:
    """Every question of a JSON bank file, and every error with its line."""
    result = ParseResult()
    objects, error = _load(text)
    if error is None and not isinstance(objects, list):
        error = "line 1: a JSON bank is a list [...] of question objects."
    if error is None and too_many_items(len(objects)):
        error = f"line 1: {too_many_items(len(objects))}"
    if error:
        result.errors.append(error)
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
