"""Every response carries a request id, and every log line written while serving it too."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.test import Client

from kzstudy.request_log import JsonFormatter, RequestIdFilter, request_id_from


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=False)


def test_a_response_echoes_a_well_formed_incoming_request_id(client):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a9c01.42"})
    assert response["X-Request-ID"] == "lb-7f3a9c01.42"


@pytest.mark.parametrize(
    "sent",
    ["", "has spaces", "new\nline: forged log", "x" * 200, "<script>", "-starts-with-dash"],
)
def test_a_malformed_request_id_is_replaced_by_a_new_one(client, sent):
    response = client.get("/healthz", headers={"X-Request-ID": sent})
    given = response["X-Request-ID"]
    assert given != sent
    assert len(given) == 32 and given.isalnum()


def test_each_request_without_an_id_gets_its_own(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert first != second


def test_new_ids_are_generated_when_none_is_given():
    assert request_id_from(None) != request_id_from(None)


@pytest.mark.django_db
def test_log_lines_written_while_serving_carry_the_request_id_as_json(client):
    """With LOG_FORMAT=json every line is one JSON object naming the request."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger()
    logger.addHandler(handler)
    try:
        client.get("/no-such-page/", headers={"X-Request-ID": "trace-404-abc"})
    finally:
        logger.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    mine = [line for line in lines if line["request_id"] == "trace-404-abc"]
    access = next(line for line in mine if line["logger"] == "kzstudy.request")
    assert access["method"] == "GET" and access["path"] == "/no-such-page/"
    assert access["status"] == 404 and access["duration_ms"] >= 0
    not_found = next(line for line in mine if line["logger"] == "django.request")
    assert not_found["level"] == "WARNING" and "Not Found" in not_found["message"]
    assert {"time", "level", "logger", "message"} <= set(access)


def test_json_lines_keep_the_traceback_in_one_field():
    formatter = JsonFormatter()
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), None)
        import sys

        record.exc_info = sys.exc_info()
    line = formatter.format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["request_id"] == "-"
    assert "ValueError: boom" in entry["exception"]


@pytest.mark.django_db
def test_the_plain_access_line_says_how_long_the_request_took(client, caplog):
    """Operators reading plain logs see each request's time, not only in JSON."""
    caplog.set_level(logging.INFO, logger="kzstudy.request")
    client.get("/no-such-page/", headers={"X-Request-ID": "trace-plain-ms"})
    line = next(r for r in caplog.records if r.name == "kzstudy.request").getMessage()
    method, path, status, took = line.split(" ")
    assert (method, path, status) == ("GET", "/no-such-page/", "404")
    assert took.endswith("ms") and float(took[:-2]) >= 0
