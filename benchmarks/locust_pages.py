"""Locust file: learners take a quiz through the pages, as a browser with the page's script does.

One flow is one attempt: POST the quiz's start button (302 to the attempt), then for every
question GET its page and POST the autosave the page's JavaScript sends for it (the fields of
its fieldset, `Accept: application/json`), then POST submit (302 to the review). The answer is
the first option of each question; numbers and texts are dummies. Learners come pre-made with
their sessions (`FLOW_VARS`, the vars.json of ../shared/perf/measure.sh). Run by
attempts_extra.sh; it writes a JSON summary with exact percentiles to `LOCUST_SUMMARY`.

Environment: FLOW_VARS, PAGE_COURSE (course slug), LOCUST_SUMMARY, LOCUST_WARMUP_S.
"""

from __future__ import annotations

import html
import json
import os
import re
import threading
import time
from urllib.parse import urlencode

from locust import FastHttpUser, constant, events, task

with open(os.environ["FLOW_VARS"], encoding="utf-8") as fh:
    VARS = json.load(fh)
COURSE = os.environ["PAGE_COURSE"]
WARMUP_S = float(os.environ.get("LOCUST_WARMUP_S", "0"))
SUMMARY = os.environ.get("LOCUST_SUMMARY")

FIELDSET = re.compile(r'<fieldset[^>]*data-question="(\d+)" data-type="(\w+)"')
CHOICE = re.compile(
    r'type="(?:radio|checkbox)" name="(q\d+-(?:choice|choices|value))"[^>]*value="([^"]*)"'
)
SELECT = re.compile(r'<select[^>]*name="(q\d+-(?:pair|pos)-[^"]+)"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="([^"]+)"')
TEXT = re.compile(r'type="text"[^>]*name="(q\d+-(?:text|value))"')
PAGES = re.compile(r'id="nav-q\d+"')


def autosave_fields(page: str) -> dict[str, str]:
    """The fields the page's script posts for the question shown: its first option(s)."""
    question, qtype = FIELDSET.search(page).groups()
    fields = {f"q{question}-present": "1"}
    if qtype in ("single_choice", "multiple_response", "true_false"):
        name, value = CHOICE.search(page).groups()
        fields[name] = html.unescape(value)
    elif qtype in ("short_answer", "numeric"):
        fields[TEXT.search(page).group(1)] = "perf" if qtype == "short_answer" else "1"
    else:  # matching: the first option of each; ordering: positions 1, 2, 3 … in page order
        for n, (name, options) in enumerate(SELECT.findall(page), start=1):
            fields[name] = str(n) if qtype == "ordering" else OPTION.findall(options)[0]
    return fields


class Recorder:
    """Raw samples, so p50/p99 are exact; samples of the warm-up seconds are dropped."""

    def __init__(self) -> None:
        self.t0 = time.time()
        self.samples: dict[str, list[float]] = {}
        self.failed = 0
        self.flows = 0
        self.lock = threading.Lock()

    def add(self, name: str, ms: float, ok: bool, started: float) -> None:
        if started < self.t0 + WARMUP_S:
            return
        with self.lock:
            if ok:
                self.samples.setdefault(name, []).append(ms)
            else:
                self.failed += 1


REC = Recorder()


@events.test_start.add_listener
def _start(**_kw) -> None:
    REC.t0 = time.time()


@events.request.add_listener
def _request(name, response_time, exception, start_time=None, **_kw) -> None:
    REC.add(name, response_time, exception is None, start_time or time.time())


def _pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 1)


@events.test_stop.add_listener
def _stop(**_kw) -> None:
    if not SUMMARY:
        return
    window = max(1e-9, time.time() - REC.t0 - WARMUP_S)
    every = [ms for values in REC.samples.values() for ms in values]
    out = {
        "window_s": round(window, 1),
        "requests": len(every),
        "requests_failed": REC.failed,
        "req_per_s": round(len(every) / window, 1),
        "req_p50_ms": _pct(every, 50),
        "req_p99_ms": _pct(every, 99),
        "attempts_completed": REC.flows,
        "per_request": {
            name: {"n": len(v), "p50_ms": _pct(v, 50), "p99_ms": _pct(v, 99)}
            for name, v in sorted(REC.samples.items())
        },
    }
    with open(SUMMARY, "w", encoding="utf-8") as fh:
        json.dump(out, fh, indent=2)


_next_learner = iter(range(10**9))
_learner_lock = threading.Lock()


class PageLearner(FastHttpUser):
    """A learner with a session, taking the quiz again and again through the pages."""

    wait_time = constant(0)
    concurrency = 1

    def on_start(self) -> None:
        with _learner_lock:
            index = next(_next_learner)
        learner = VARS["learners"][index % len(VARS["learners"])]
        cookies = f"{VARS['session_cookie']}={learner['sid']}; {VARS['csrf_cookie']}={VARS['csrf']}"
        self.headers = {
            "Cookie": cookies,
            VARS["proxy_header"]: VARS["proxy_value"],
            "Origin": VARS["origin"],
            "Referer": VARS["origin"] + "/",
        }

    def _post(self, url: str, fields: dict, name: str, **headers) -> object:
        body = urlencode({**fields, "csrfmiddlewaretoken": VARS["csrf"]}, doseq=True)
        return self.client.post(
            url,
            data=body,
            name=name,
            allow_redirects=False,
            headers={
                **self.headers,
                **headers,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )

    @task
    def take_the_quiz(self) -> None:
        start = self._post(
            f"/courses/{COURSE}/quizzes/{VARS['quiz_id']}/start/", {}, "POST start (page)"
        )
        location = start.headers.get("Location") or ""
        if start.status_code != 302 or "/attempts/" not in location:
            return
        attempt = location.rstrip("/").split("/")[-1]
        first = self.client.get(location, name="GET attempt page", headers=self.headers)
        pages = len(PAGES.findall(first.text or "")) or 1
        for page in range(1, pages + 1):
            shown = (
                first
                if page == 1
                else self.client.get(
                    f"{location}?page={page}", name="GET attempt page", headers=self.headers
                )
            )
            saved = self._post(
                f"/attempts/{attempt}/save/",
                autosave_fields(shown.text),
                "POST autosave",
                Accept="application/json",
            )
            if saved.status_code != 200:
                return
        done = self._post(f"/attempts/{attempt}/submit/", {}, "POST submit (page)")
        if done.status_code == 302:
            with REC.lock:
                REC.flows += 1
