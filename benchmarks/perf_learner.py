"""A learner of measure.sh's run in process: the test Client with the load generator's headers
and session, and the load generator's own answers (`../shared/perf/flows/kzstudy_hooks.py`).
Shared by the scripts run as `manage.py shell -c "$(cat benchmarks/<script>.py)"` from the
checkout (explain_hot, profile_answer, write_cost)."""

from __future__ import annotations

import importlib.util
import json
import os
from types import ModuleType
from typing import Any

from django.test import Client


def perf_vars() -> dict[str, Any]:
    """The vars.json of a measure.sh run (PERF_VARS): origin, headers, learners' sessions."""
    with open(os.environ["PERF_VARS"], encoding="utf-8") as fh:
        return json.load(fh)


def learner_client(perf: dict[str, Any], learner: int = 0, *, json_api: bool = True) -> Client:
    """The test Client as that learner, with the load generator's proxy, CSRF, origin and host
    headers (and `Accept: application/json` for the API)."""
    host, _, port = perf["origin"].split("://", 1)[1].partition(":")
    headers = {
        "HTTP_" + perf["proxy_header"].upper().replace("-", "_"): perf["proxy_value"],
        "HTTP_" + perf["csrf_header"].upper().replace("-", "_"): perf["csrf"],
        "HTTP_ORIGIN": perf["origin"],
        "HTTP_REFERER": perf["origin"] + "/",
        "HTTP_HOST": f"{host}:{port}",
    }
    if json_api:
        headers["HTTP_ACCEPT"] = "application/json"
    client = Client(**headers)
    client.cookies[perf["session_cookie"]] = perf["learners"][learner]["sid"]
    client.cookies[perf["csrf_cookie"]] = perf["csrf"]
    return client


def load_generator_hooks() -> ModuleType:
    """The load generator's answer builder (`answers_for`), from PERF (or PERF_DIR), default
    ../shared/perf."""
    perf_dir = os.environ.get("PERF") or os.environ.get("PERF_DIR", "../shared/perf")
    spec = importlib.util.spec_from_file_location(
        "kzstudy_hooks", os.path.join(perf_dir, "flows", "kzstudy_hooks.py")
    )
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    return hooks
