"""The exam burst: every learner starts the final exam at the same instant, answers each
question, changes a third of the answers and submits, retrying each request like the autosave
(on 503, a reset connection or a timeout) until it is acknowledged; meanwhile faults are
injected (an app worker SIGKILLed, PostgreSQL restarted). Then the database is checked:
every acknowledged answer stored, one attempt each, graded once, scores the sum of marks."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import requests

from tests.browser.server import KzstudyServer

from .live import Exam, Learner, answer_for

GIVE_UP_AFTER = 300.0  # seconds one request may keep being retried

AUDIT = """
import json
from django.db.models import Count, Q, Sum
from quizzes.models import Attempt, Response
rows = {}
for attempt in Attempt.objects.filter(course_id=%(course)d).select_related("user"):
    responses = Response.objects.filter(attempt=attempt).annotate(
        submits=Count("steps", filter=Q(steps__kind="submit")))
    rows.setdefault(attempt.user.username, []).append({
        "id": attempt.pk, "state": attempt.state, "score": str(attempt.score),
        "marks": str(responses.aggregate(s=Sum("score"))["s"]),
        "answers": {str(r.question_id): r.answer for r in responses},
        "submits": sorted({r.submits for r in responses}),
        "over_max": [r.pk for r in responses if r.score is not None and r.score > r.max_mark],
    })
print(json.dumps(rows))
"""


@dataclass
class BurstReport:
    statuses: dict[int, int] = field(default_factory=dict)
    connection_errors: int = 0
    acknowledged: dict[str, dict[str, Any]] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)
    faults: list[str] = field(default_factory=list)
    seconds: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, status: int) -> None:
        with self._lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1

    answers_acknowledged: int = 0  # every acknowledged PUT, re-answers included


def _until_acknowledged(
    report: BurstReport, send: Callable[[], requests.Response], ok: tuple[int, ...] = (200,)
) -> requests.Response:
    """Send until the server acknowledges, as the autosave does: a 503 waits Retry-After (cut
    short: the burst wants pressure), a dropped connection a moment."""
    deadline = time.monotonic() + GIVE_UP_AFTER
    while True:
        try:
            reply = send()
        except requests.RequestException:
            with report._lock:
                report.connection_errors += 1
            wait = 0.2
        else:
            report.count(reply.status_code)
            if reply.status_code in ok:
                return reply
            if reply.status_code != 503:
                raise AssertionError(f"{reply.status_code}: {reply.text[:300]}")
            wait = min(float(reply.headers.get("Retry-After", "1")), 1.0)
        if time.monotonic() > deadline:
            raise AssertionError(f"not acknowledged within {GIVE_UP_AFTER} s")
        time.sleep(wait)


def _take_exam(
    report: BurstReport, learner: Learner, username: str, exam: Exam, gate: threading.Barrier
) -> None:
    gate.wait()
    attempt = _until_acknowledged(report, lambda: learner.start(exam), ok=(200, 201)).json()
    report.attempts[username] = attempt["id"]
    mine = report.acknowledged.setdefault(username, {})
    questions = attempt["questions"]
    rounds = [(q, 0) for q in questions] + [(q, 1) for q in questions[::3]]  # a third changed
    for question, variant in rounds:
        answer = answer_for(question, variant)
        _until_acknowledged(report, lambda: learner.answer(attempt["id"], question["id"], answer))  # noqa: B023
        mine[str(question["id"])] = answer
        with report._lock:
            report.answers_acknowledged += 1
    _until_acknowledged(report, lambda: learner.submit(attempt["id"]))


def run_burst(
    server: KzstudyServer,
    exam: Exam,
    *,
    faults: list[tuple[float, str, Callable[[], None]]],
    questions_each: int,
) -> BurstReport:
    """Every learner of `exam` at once; each fault runs once that share of the expected
    answers has been acknowledged (e.g. (0.3, "worker killed", kill_a_worker))."""
    report = BurstReport()
    learners = [Learner(token, server.url) for token in exam.tokens]
    expected = len(learners) * (questions_each + len(range(0, questions_each, 3)))
    gate = threading.Barrier(len(learners))
    done = threading.Event()

    def injector() -> None:
        for share, name, inject in sorted(faults, key=lambda fault: fault[0]):
            while report.answers_acknowledged < share * expected:
                if done.wait(0.05):
                    return
            inject()
            report.faults.append(f"{name} after {report.answers_acknowledged} answers")

    started = time.monotonic()
    chaos = threading.Thread(target=injector, daemon=True)
    chaos.start()
    try:
        with ThreadPoolExecutor(max_workers=len(learners)) as pool:
            jobs = [
                pool.submit(_take_exam, report, learner, f"learner{n}", exam, gate)
                for n, learner in enumerate(learners)
            ]
            for job in jobs:
                job.result()
    finally:
        done.set()
        chaos.join()
    report.seconds = time.monotonic() - started
    return report


def kill_a_worker(server: KzstudyServer) -> Callable[[], None]:
    def kill() -> None:
        os.kill(server.worker_pids()[0], signal.SIGKILL)  # gunicorn starts a new one

    return kill


def audit(server: KzstudyServer, exam: Exam, report: BurstReport) -> list[str]:
    """What the database holds against what the learners were told: the problems found."""
    rows = json.loads(server.shell(AUDIT % {"course": exam.course}).strip().splitlines()[-1])
    problems = []
    for username, acknowledged in report.acknowledged.items():
        attempts = rows.get(username, [])
        if len(attempts) != 1:
            problems.append(f"{username}: {len(attempts)} attempts")
            continue
        (attempt,) = attempts
        if attempt["state"] != "submitted":
            problems.append(f"{username}: attempt {attempt['state']}")
        if attempt["submits"] != [1]:
            problems.append(f"{username}: graded {attempt['submits']} times")
        if attempt["score"] != attempt["marks"]:
            problems.append(f"{username}: score {attempt['score']} != marks {attempt['marks']}")
        if attempt["over_max"]:
            problems.append(f"{username}: marks above the maximum {attempt['over_max']}")
        for question, answer in acknowledged.items():
            if attempt["answers"].get(question) != answer:
                problems.append(f"{username}: question {question} lost its acknowledged answer")
    return problems
