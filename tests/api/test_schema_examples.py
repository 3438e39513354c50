"""Every operation of the published schema has examples, and every example fits its schema."""

from __future__ import annotations

import json
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from jsonschema import Draft202012Validator, FormatChecker

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
