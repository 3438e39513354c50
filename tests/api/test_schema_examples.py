"""Every operation of the published schema has examples, and every example fits its schema."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from difflib import SequenceMatcher
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from jsonschema import Draft202012Validator, FormatChecker

from quizzes.content_pack import PACKS_DIR, read_pack
from quizzes.tagging import EXAM_TAG

JSON = "application/json"
METHODS = {"get", "put", "post", "patch", "delete"}


def published_schema() -> dict[str, Any]:
    """The schema as /api/schema/ serves it (JSON, after the post-processing hooks)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema))


SCHEMA = published_schema()
OPERATIONS = {
    operation["operationId"]: operation
    for path in SCHEMA["paths"].values()
    for method, operation in path.items()
    if method in METHODS
}


def json_schema(node: Any) -> Any:
    """An OpenAPI 3.0 schema as JSON Schema: `nullable` allows null, and objects with listed
    properties take no others (so a misspelt field in an example fails)."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {
        key: (
            {name: json_schema(sub) for name, sub in value.items()}
            if key == "properties"
            else json_schema(value)
        )
        for key, value in node.items()
        if key not in ("nullable", "example")
    }
    if "properties" in converted and "additionalProperties" not in converted:
        converted["additionalProperties"] = False
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


COMPONENTS = json_schema(SCHEMA["components"])


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    """A validator for one body schema; its `#/components/...` refs resolve in the document."""
    return Draft202012Validator(
        {**json_schema(schema), "components": COMPONENTS}, format_checker=FormatChecker()
    )


def bodies(operation: dict[str, Any]):
    """(where, content) for the JSON request body and every JSON response body."""
    request = operation.get("requestBody", {}).get("content", {})
    if JSON in request:
        yield "request", request[JSON]
    for status, response in operation["responses"].items():
        content = response.get("content", {})
        if JSON in content:
            yield status, content[JSON]


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_every_success_response_and_request_body_has_an_example(operation_id):
    operation = OPERATIONS[operation_id]
    missing = [
        where
        for where, content in bodies(operation)
        if (where == "request" or where.startswith("2")) and not content.get("examples")
    ]
    assert not missing, f"{operation_id}: no example for {missing}"


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_every_example_validates_against_its_schema(operation_id):
    problems = []
    for where, content in bodies(OPERATIONS[operation_id]):
        check = validator(content["schema"])
        for name, example in content.get("examples", {}).items():
            problems += [
                f"{where} {name} at {list(error.absolute_path)}: {error.message}"
                for error in check.iter_errors(example["value"])
            ]
    assert not problems, "\n".join(problems)


def test_answers_are_shown_in_every_question_type_shape():
    examples = OPERATIONS["answer_put"]["requestBody"]["content"][JSON]["examples"]
    answers = [example["value"].get("answer") for example in examples.values()]
    shapes = {
        (key, type(value).__name__) for answer in answers if answer for key, value in answer.items()
    }
    assert shapes >= {
        ("choice", "str"),
        ("choices", "list"),
        ("value", "bool"),
        ("text", "str"),
        ("value", "int"),
        ("pairs", "dict"),
        ("order", "list"),
    }


def test_list_examples_are_whole_pages():
    """A list's example is the page a real call returns, not one item in a made-up page."""
    content = OPERATIONS["quizzes_list"]["responses"]["200"]["content"][JSON]
    page = next(iter(content["examples"].values()))["value"]
    assert page["count"] == len(page["results"]) == 10 and page["next"] is None


def test_errors_keep_their_envelope_example():
    for operation_id, status in (("answer_put", "409"), ("attempt_start", "403")):
        content = OPERATIONS[operation_id]["responses"][status]["content"][JSON]
        (example,) = content["examples"].values()
        assert set(example["value"]["error"]) == {"code", "message", "field", "details"}
        assert not any(
            "error" in example["value"]
            for status, response in OPERATIONS[operation_id]["responses"].items()
            if status.startswith("2")
            for example in response["content"][JSON].get("examples", {}).values()
        )


def strings_in(node: Any) -> Iterator[str]:
    """Every string a JSON value holds, keys of mappings included."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from strings_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from strings_in(item)


def example_strings() -> set[str]:
    """The words of every example the published schema shows (to anyone: it is public)."""
    found: set[str] = set()
    for operation in OPERATIONS.values():
        for _, content in bodies(operation):
            for example in content.get("examples", {}).values():
                found.update(" ".join(s.split()) for s in strings_in(example["value"]))
    return found


def answer_words(data: dict[str, Any]) -> Iterator[str]:
    """The words of a question's data that give its answer away: right choices, the order's
    items, accepted answers and feedback (not wrong choices: another question may offer the
    same words; pairs give their answer only together, see `shown_pairs`)."""
    for choice in data.get("choices", []):
        if choice.get("correct"):
            yield choice["text"]
        if choice.get("feedback"):
            yield choice["feedback"]
    yield from data.get("items", [])
    yield from data.get("accepted", [])
    if data.get("feedback"):
        yield data["feedback"]


PACK, PACK_ERRORS = read_pack(PACKS_DIR / "human-rights-reforms-in-kazakhstan")
EXAM_QUESTIONS = [q for q in PACK.questions if EXAM_TAG in q.tags]


def study_material() -> set[str]:
    """What every learner reads to prepare (the glossary and the section summaries): an
    example may show it, and an exam may well ask about it."""
    words = {c.definition for c in PACK.concepts}
    for section in PACK.sections:
        words |= {section.overview, *section.key_points}
    return {normal(w) for w in words}


def normal(text: str) -> str:
    return " ".join(text.split()).lower()


def alike(shown: str, kept: str) -> bool:
    """The same words, or nearly: short strings ("NGO", a year) compared whole, longer ones
    by their likeness."""
    if shown == kept:
        return True
    if min(len(shown), len(kept)) < 20:
        return False
    matcher = SequenceMatcher(None, shown, kept, autojunk=False)
    return (
        matcher.real_quick_ratio() >= 0.7
        and matcher.quick_ratio() >= 0.7
        and (matcher.ratio() >= 0.7)
    )


def close_copies(shown: set[str], secret: Iterable[str]) -> list[tuple[str, str]]:
    """Pairs of a shown string and a secret one that are alike."""
    return [(text, kept) for kept in map(normal, secret) for text in shown if alike(text, kept)]


def shown_pairs(shown: set[str], data: dict[str, Any]) -> list[tuple[str, str]]:
    """A matching question's pairs whose both sides the examples show."""
    return [
        (pair["left"], pair["right"])
        for pair in data.get("pairs", [])
        if all(any(alike(text, normal(side)) for text in shown) for side in pair.values())
    ]


def test_the_public_schema_shows_no_exam_questions_key_or_words():
    """The schema and its examples are public (/api/schema/, /api/docs/): an example built on
    a shipped exam question would hand everyone its answer before the exam."""
    assert PACK_ERRORS == [] and len(EXAM_QUESTIONS) >= 9 * 5
    material = study_material()
    shown = {normal(s) for s in example_strings()} - material
    leaks = {
        q.key: [q.key] if q.key in shown else found
        for q in EXAM_QUESTIONS
        if q.key in shown
        or (
            found := close_copies(shown, [q.explanation, *answer_words(q.data)])
            + shown_pairs(shown, q.data)
        )
    }
    assert not leaks, leaks
