"""Grades on their way to an LMS that fails: down for a while (500, 429, 503 on scores and
tokens), or a grade worker SIGKILLed in the middle of a send. Learners submit through the API
of a live server; grade workers are real processes; the LMS is the in-repo test platform."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.browser.lti import live_platform
from tests.browser.server import KzstudyServer
from tests.lti.platform import TestPlatform

from .live import Exam, Learner, exam_server, wait_until
from .lti_live import launch

# On PostgreSQL, as in production: two workers claim grades with SKIP LOCKED.
pytestmark = [pytest.mark.postgresql, pytest.mark.chaos]

LEARNERS = 6
# Tries come fast (a fifth of a second, doubling), so an LMS outage of a few seconds here
# stands for one of hours in production (base 30 s, retried for LTI_RETRY_HOURS, 7 days); the
# worker's schedule sweeps the outbox for due retries as often.
WORKER_ENV = {
    "LTI_RETRY_BASE_SECONDS": "0.2",
    "TASK_GRADE_SWEEP_SECONDS": "0.2",
}

KEY_ANSWERS = """
import json
from quizzes.models import Attempt
from tests.factories import key_answer
attempt = Attempt.objects.get(pk={attempt})
print(json.dumps({{str(r.question_id): key_answer(r.question_version)
                  for r in attempt.responses.select_related("question_version")}}))
"""

OUTBOX = """
import json
from quizzes.models import LtiScore
print(json.dumps(list(LtiScore.objects.order_by("id").values_list(
    "identity__sub", "status", "tries", "last_error"))))
"""

TOKEN = """
from django.contrib.auth import get_user_model
from quizzes.services.tokens import token_create
print(token_create(user=get_user_model().objects.get(username={username!r}), name="lms",
                   scope="write", actor=None)[1])
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[KzstudyServer]:
    app = exam_server(tmp_path_factory.mktemp("lms-faults"), **WORKER_ENV)
    yield app
    app.stop()


@dataclass
class Course:
    platform: TestPlatform
    lineitem: str
    exam: Exam
    subs: list[str]  # the learners' ids on the platform


def launched_learner(server: KzstudyServer, course: Course, sub: str) -> Learner:
    """A learner who comes from the LMS: an LTI launch through the login, the platform's
    authorisation and the launch; then the API with a token of that account."""
    browser, landed = launch(server.url, course.platform, sub)
    assert landed.status_code == 200 and "Final exam" in landed.text, landed.text[:500]
    username = browser.get(server.url + "/api/v1/me/", timeout=30).json()["username"]
    token = server.shell(TOKEN.format(username=username)).strip().splitlines()[-1]
    return Learner(token, server.url)


@pytest.fixture
def lms(server: KzstudyServer, httpserver: HTTPServer, request: pytest.FixtureRequest) -> Course:
    """An LMS course of this test's own placing the final exam with a grade column."""
    platform = live_platform(server, httpserver)
    quiz = int(
        server.shell(
            "from quizzes.models import Quiz; print(Quiz.objects.get(key='final-exam').pk)"
        ).splitlines()[-1]
    )
    lineitem = platform.add_line_item(f"quiz:{quiz}", label="Final exam")
    # Learners and a course of this test's own: a grade is the best of all one's attempts.
    name = request.node.name.removeprefix("test_")[:24]
    subs = [f"{name}-{n}" for n in range(LEARNERS)]
    context = {"id": name, "label": "KZ", "title": "Kazakhstan 101"}
    for sub in subs:
        platform.login_hints[sub] = {
            "sub": sub,
            "target": f"quiz:{quiz}",
            "lineitem": lineitem,
            "context": context,
        }
    return Course(platform, lineitem, Exam(quiz=quiz, course=0, tokens=[]), subs)


def submit_blank(learner: Learner, exam: Exam) -> None:
    """An attempt submitted with nothing answered: 0%."""
    attempt = learner.start(exam).json()
    assert learner.submit(attempt["id"]).status_code == 200


def submit_right(server: KzstudyServer, learner: Learner, exam: Exam) -> None:
    """An attempt with every answer right: 100%."""
    attempt = learner.start(exam).json()
    key = json.loads(server.shell(KEY_ANSWERS.format(attempt=attempt["id"])).splitlines()[-1])
    for question_id, answer in key.items():
        assert learner.answer(attempt["id"], int(question_id), answer).status_code == 200
    result = learner.submit(attempt["id"]).json()
    assert float(result["percent"]) == 100.0, result


def worker(server: KzstudyServer, *args: str) -> subprocess.Popen:
    """A task worker (`run_worker`: django-tasks-db's worker and the periodic schedule)."""
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--interval", "0.1", *args],
        cwd=server.base_dir,
        env={**server.env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def received(platform: TestPlatform, lineitem: str) -> dict[str, list[float]]:
    """The scores the platform stored, per learner, in the order they arrived."""
    scores: dict[str, list[float]] = {}
    for score in platform.scores[lineitem]:
        scores.setdefault(score["userId"], []).append(score["scoreGiven"])
    return scores


def arrived_in_order(platform: TestPlatform, lineitem: str) -> dict[str, list[float]]:
    """Per learner, the scores received; each grade once, and in the order they were earned
    (the timestamps a platform orders them by strictly increase)."""
    by_learner: dict[str, list[dict]] = {}
    for score in platform.scores[lineitem]:
        by_learner.setdefault(score["userId"], []).append(score)
    for sub, scores in by_learner.items():
        stamps = [score["timestamp"] for score in scores]
        assert stamps == sorted(set(stamps)), f"{sub}: sent twice or out of order: {scores}"
    return {sub: [s["scoreGiven"] for s in scores] for sub, scores in by_learner.items()}


def test_grades_queued_while_the_lms_is_down_arrive_once_each_in_order(server, lms):
    platform, lineitem, exam = lms.platform, lms.lineitem, lms.exam
    learners = [launched_learner(server, lms, sub) for sub in lms.subs]
    # The LMS answers errors for a good while: tokens and scores alike.
    platform.fail_next("token", 500, 503, 429)
    platform.fail_next("scores", *([500, 429, 503] * 8))
    workers = [worker(server), worker(server)]
    try:
        for learner in learners:
            submit_blank(learner, exam)  # 0% first…
        for learner in learners[::2]:
            submit_right(server, learner, exam)  # …then 100% for half of them
        newest = {sub: 100.0 if n % 2 == 0 else 0.0 for n, sub in enumerate(lms.subs)}

        def all_arrived() -> bool:
            got = received(platform, lineitem)
            return all(got.get(sub, [None])[-1] == grade for sub, grade in newest.items())

        try:
            wait_until(all_arrived, timeout=90, every=0.5)
        except AssertionError as error:
            outbox = server.shell(OUTBOX).splitlines()[-1]
            raise AssertionError(f"{error}: {received(platform, lineitem)}; {outbox}") from None
    finally:
        for process in workers:
            process.send_signal(signal.SIGTERM)
        outputs = [process.communicate(timeout=30)[0] for process in workers]
    assert not platform.failures["scores"] and not platform.failures["token"]  # all were met
    got = arrived_in_order(platform, lineitem)
    assert {sub: scores[-1] for sub, scores in got.items()} == newest, outputs
    outbox = json.loads(server.shell(OUTBOX).splitlines()[-1])
    assert {row[1] for row in outbox} <= {"sent", "superseded"}, outbox


def test_a_worker_killed_mid_send_leaves_the_grade_to_another_worker_once(server, lms):
    platform, lineitem, exam = lms.platform, lms.lineitem, lms.exam
    learner = launched_learner(server, lms, lms.subs[0])
    sending, release = threading.Event(), threading.Event()

    def hang(request: Request) -> Response:
        sending.set()
        release.wait(30)
        return Response("", status=503)

    # The next score request hangs: the worker that sends it is killed while it waits.
    platform.server.expect_oneshot_request(f"{lineitem.removeprefix(platform.issuer)}/scores",
                                           method="POST").respond_with_handler(hang)  # fmt: skip
    submit_blank(learner, exam)
    first = worker(server)
    try:
        assert sending.wait(60), "no worker sent the grade"
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        release.set()
    # Its task is lost with it (left running in the queue); the outbox is what counts. Its
    # claim holds for the lease: a second worker's scheduled sweep leaves the grade alone…
    second = subprocess.run(
        [sys.executable, "manage.py", "run_worker", "--batch"],
        cwd=server.base_dir, env=server.env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert second.returncode == 0, second.stderr
    assert received(platform, lineitem) == {}
    # …until the lease runs out (moved, as if its two minutes had passed): then it sends it.
    server.shell(
        "from datetime import timedelta; from quizzes import clock; "
        "from quizzes.models import LtiScore; LtiScore.objects.filter(status='sending')"
        ".update(next_try_at=clock.now() - timedelta(seconds=1))"
    )
    third = subprocess.run(
        [sys.executable, "manage.py", "run_worker", "--batch"],
        cwd=server.base_dir, env=server.env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert third.returncode == 0, third.stderr
    assert received(platform, lineitem) == {lms.subs[0]: [0.0]}
    outbox = json.loads(server.shell(OUTBOX).splitlines()[-1])
    assert [row[1] for row in outbox if row[0] == lms.subs[0]] == ["sent"]


def test_an_older_grade_whose_send_failed_never_lands_after_a_newer_one(server, lms):
    """The learner's 0% is on its way when they earn 100%; the LMS then refuses the 0% (503).
    The 0% must not be retried after the 100% went through: the LMS would keep the 0%."""
    platform, lineitem, exam = lms.platform, lms.lineitem, lms.exam
    learner = launched_learner(server, lms, lms.subs[0])
    sending, release = threading.Event(), threading.Event()

    def slow_then_refused(request: Request) -> Response:
        sending.set()
        release.wait(30)
        return Response("", status=503)

    platform.server.expect_oneshot_request(f"{lineitem.removeprefix(platform.issuer)}/scores",
                                           method="POST").respond_with_handler(slow_then_refused)  # fmt: skip
    submit_blank(learner, exam)
    sender = worker(server)
    try:
        assert sending.wait(60), "no worker sent the grade"
        submit_right(server, learner, exam)  # queued while the 0% is in flight
        release.set()

        def settled() -> bool:
            outbox = json.loads(server.shell(OUTBOX).splitlines()[-1])
            return all(row[1] in ("sent", "superseded", "failed") for row in outbox)

        wait_until(settled, timeout=60, every=0.5)
    finally:
        release.set()
        sender.send_signal(signal.SIGTERM)
        sender.communicate(timeout=30)
    got = arrived_in_order(platform, lineitem)
    assert got[lms.subs[0]][-1] == 100.0, got
