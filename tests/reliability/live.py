"""Live servers and learners for the fault tests: gunicorn (tests/browser/server.py) with the
content pack, learners with API tokens, answers built from what the API shows a learner, and
what the server's log says about the statuses it answered."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from django.conf import settings

from tests.browser.server import KzstudyServer

EXAM = "final-exam"
TIMEOUT = 30

LEARNERS = """
import json
from django.contrib.auth import get_user_model
from quizzes.models import Article, Course, Enrolment, Quiz
from quizzes.services.tokens import token_create
quiz = Quiz.objects.get(key={quiz!r})
{quiz_changes}
course, _ = Course.objects.get_or_create(
    slug={course!r}, defaults=dict(title="Exam course", article_id=quiz.article_id))
users = get_user_model().objects
tokens = []
for n in range({count}):
    user, created = users.get_or_create(username=f"{prefix}{{n}}")
    if created and {passwords!r}:
        user.set_password({password!r})  # slow by design: only for learners who log in
        user.save()
    Enrolment.objects.get_or_create(course=course, user=user, defaults={{"role": "learner"}})
    tokens.append(token_create(user=user, name="reliability", scope="write", actor=None)[1])
print(json.dumps({{"quiz": quiz.pk, "course": course.pk, "tokens": tokens}}))
"""
PASSWORD = "a-learner-password-9"


def exam_server(
    workdir: Path, *, database_url: str = "", workers: int = 2, **extra_env: str
) -> KzstudyServer:
    """A migrated server with the content pack (no article text, no demo accounts), started."""
    server = KzstudyServer(
        base_dir=Path(settings.BASE_DIR),
        workdir=workdir,
        article=None,
        database_url=database_url,
        workers=workers,
        extra_env=extra_env,
    )
    server.manage("migrate", "--noinput", "-v", "0")
    server.manage("collectstatic", "--noinput", "-v", "0")
    server.manage("load_content")
    server.start()
    return server


@dataclass
class Exam:
    quiz: int
    course: int
    tokens: list[str]


def enrol_learners(
    server: KzstudyServer,
    count: int,
    *,
    prefix: str = "learner",
    course: str = "exam",
    quiz_changes: str = "",
    passwords: bool = False,
) -> Exam:
    """`count` learners (`prefix`0, `prefix`1…) in the course `course` offering the final exam,
    each with a write token, and with `passwords` the password PASSWORD for the login form.
    `quiz_changes`: Python run on `quiz` first (more attempts…)."""
    output = server.shell(
        LEARNERS.format(
            quiz=EXAM,
            count=count,
            prefix=prefix,
            course=course,
            password=PASSWORD,
            passwords=passwords,
            quiz_changes=quiz_changes,
        )
    )
    return Exam(**json.loads(output.strip().splitlines()[-1]))


def answer_for(question: dict[str, Any], variant: int = 0) -> dict[str, Any]:
    """A well-formed answer to a question as the API shows it; `variant` picks another one."""
    kind = question["type"]
    if kind == "single_choice":
        choices = question["choices"]
        return {"choice": choices[variant % len(choices)]["id"]}
    if kind == "multiple_response":
        choices = question["choices"]
        return {"choices": [choices[variant % len(choices)]["id"]]}
    if kind == "true_false":
        return {"value": variant % 2 == 0}
    if kind == "short_answer":
        return {"text": f"answer {variant}"}
    if kind == "numeric":
        return {"value": str(1990 + variant)}  # stored as the text typed
    if kind == "matching":
        rights = question["right"]
        return {
            "pairs": {
                left["id"]: rights[(n + variant) % len(rights)]["id"]
                for n, left in enumerate(question["left"])
            }
        }
    if kind == "ordering":
        ids = [item["id"] for item in question["items"]]
        shift = variant % len(ids)
        return {"order": ids[shift:] + ids[:shift]}
    raise ValueError(f"no answer for a {kind} question")


class Learner:
    """A learner using the API with a bearer token, against one base URL (or several, taken
    in turn: two servers behind nothing, or one load balancer)."""

    def __init__(self, token: str, base_url: str | Callable[[], str]) -> None:
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"
        self.base_url = base_url

    def url(self, path: str) -> str:
        base = self.base_url() if callable(self.base_url) else self.base_url
        return base + path

    def start(self, exam: Exam) -> requests.Response:
        return self.http.post(
            self.url(f"/api/v1/quizzes/{exam.quiz}/attempts/"),
            # No course: the only one of the learner's courses offering it (an LTI course).
            json={"course": exam.course} if exam.course else {},
            timeout=TIMEOUT,
        )

    def answer(self, attempt: int, question: int, answer: Any) -> requests.Response:
        return self.http.put(
            self.url(f"/api/v1/attempts/{attempt}/answers/{question}/"),
            json={"answer": answer},
            timeout=TIMEOUT,
        )

    def attempt(self, attempt: int) -> requests.Response:
        return self.http.get(self.url(f"/api/v1/attempts/{attempt}/"), timeout=TIMEOUT)

    def submit(self, attempt: int) -> requests.Response:
        return self.http.post(self.url(f"/api/v1/attempts/{attempt}/submit/"), timeout=TIMEOUT)


def assert_unavailable(response: requests.Response) -> None:
    """A 503 a client may retry: Retry-After, and the envelope under /api/."""
    assert response.status_code == 503, (response.status_code, response.text[:300])
    assert int(response.headers["Retry-After"]) > 0
    if "/api/" in response.url:
        assert response.json()["error"]["code"] == "unavailable"


ACCESS_STATUS = re.compile(r'"[A-Z]+ [^"]*" (\d{3}) ')


def answered_statuses(server: KzstudyServer) -> list[int]:
    """Every status gunicorn's access log shows the server answered."""
    return [int(code) for code in ACCESS_STATUS.findall(server.log_path.read_text())]


def assert_no_server_errors(server: KzstudyServer) -> None:
    """No 5xx but 503 in the access log, and no traceback in the server's log."""
    log = server.log_path.read_text()
    errors = [code for code in answered_statuses(server) if code >= 500 and code != 503]
    assert not errors, f"the server answered {errors}; its log:\n{log[-4000:]}"
    start = log.find("Traceback")
    assert start < 0, log[max(0, start - 1500) : start + 4000]


def wait_until(check: Callable[[], bool], timeout: float = 30, every: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"still not so after {timeout} s")
        time.sleep(every)
