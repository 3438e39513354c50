"""A live server on a SQLite file meets a writer holding the lock past its timeout, and a
deadline that passes while it is down: 503s a client may retry while it lasts, everything
saved and nothing graded twice once it is over, and no restart needed."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from tests.browser.server import KzstudyServer

from .live import (
    PASSWORD,
    Exam,
    Learner,
    answer_for,
    assert_no_server_errors,
    assert_unavailable,
    enrol_learners,
    exam_server,
)

pytestmark = pytest.mark.sqlite_server


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[KzstudyServer]:
    workdir = tmp_path_factory.mktemp("sqlite-faults")
    app = exam_server(
        workdir,
        database_url=f"sqlite:///{workdir / 'app.sqlite3'}",
        # A request waits one second for the write lock, then answers 503.
        SQLITE_TIMEOUT="1",
    )
    yield app
    app.stop()


@pytest.fixture(scope="module")
def exam(server: KzstudyServer) -> Exam:
    # Three attempts each: every test here starts its own.
    return enrol_learners(
        server, 3, quiz_changes="quiz.max_attempts = 3; quiz.save()", passwords=True
    )


def database_file(server: KzstudyServer) -> Path:
    return Path(server.database_url.removeprefix("sqlite:///"))


@contextmanager
def write_lock_held(server: KzstudyServer) -> Iterator[None]:
    """Another process's writer holds the database's lock (a long import, a stuck backup)."""
    holder = sqlite3.connect(database_file(server), isolation_level=None, timeout=10)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        holder.rollback()
        holder.close()


def signed_in_page_session(server: KzstudyServer, username: str) -> requests.Session:
    """A browser-like session: logged in through the form, with its CSRF cookie."""
    browser = requests.Session()
    login = browser.get(f"{server.url}/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    done = browser.post(
        f"{server.url}/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
        timeout=10,
    )
    assert done.ok and "Log out" in done.text, done.text[:500]
    return browser


def page_csrf_token(browser: requests.Session, url: str) -> str:
    page = browser.get(url, timeout=10)
    assert page.status_code == 200
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def test_sqlite_locked_past_the_timeout_answers_503_then_serves_again_without_restart(
    server: KzstudyServer, exam: Exam
):
    learner = Learner(exam.tokens[0], server.url)
    started = learner.start(exam)
    assert started.status_code == 201
    attempt = started.json()
    question = attempt["questions"][0]
    first, second = answer_for(question, 0), answer_for(question, 1)
    assert learner.answer(attempt["id"], question["id"], first).status_code == 200

    browser = signed_in_page_session(server, "learner0")
    page_url = f"{server.url}/attempts/{attempt['id']}/"
    csrf = page_csrf_token(browser, page_url)
    flag = {"csrfmiddlewaretoken": csrf, f"q{question['id']}-present": "1"}
    flag[f"q{question['id']}-flag"] = "1"

    with write_lock_held(server):
        # The API: its envelope, a 503 a client retries.
        assert_unavailable(learner.answer(attempt["id"], question["id"], second))
        # The page's autosave (asks for JSON): the same envelope.
        autosave = browser.post(
            f"{page_url}save/", data=flag, headers={"Accept": "application/json"}, timeout=10
        )
        assert_unavailable(autosave)
        assert autosave.json()["error"]["code"] == "unavailable"
        # The page's form without JavaScript: the "try again" page.
        posted = browser.post(f"{page_url}save/", data=flag, timeout=10)
        assert_unavailable(posted)
        assert "Try again in a moment" in posted.text
        # Logging in writes the session: refused honestly too.
        other = requests.Session()
        login = other.get(f"{server.url}/accounts/login/", timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        assert_unavailable(
            other.post(
                f"{server.url}/accounts/login/",
                data={"csrfmiddlewaretoken": token, "username": "learner1", "password": PASSWORD},
                timeout=10,
            )
        )
        # Readers are not blocked by a writer (WAL): the attempt still shows, unchanged.
        shown = learner.attempt(attempt["id"])
        assert shown.status_code == 200
        assert shown.json()["questions"][0]["answer"] == first

    # The lock is gone: the very same servers serve again, no restart.
    saved = browser.post(
        f"{page_url}save/", data=flag, headers={"Accept": "application/json"}, timeout=10
    )
    assert saved.status_code == 200
    assert learner.answer(attempt["id"], question["id"], second).status_code == 200
    shown = learner.attempt(attempt["id"]).json()["questions"][0]
    assert shown["answer"] == second and shown["flagged"] is True
    assert learner.submit(attempt["id"]).status_code == 200
    assert_no_server_errors(server)


def test_a_deadline_passing_while_the_server_is_down_closes_the_attempt_once_with_what_was_saved(
    server: KzstudyServer, exam: Exam
):
    learner = Learner(exam.tokens[2], server.url)
    attempt = learner.start(exam).json()
    saved = {}
    for variant, question in enumerate(attempt["questions"][:3]):
        saved[question["id"]] = answer_for(question, variant)
        assert learner.answer(attempt["id"], question["id"], saved[question["id"]]).ok
    server.shell(
        "from datetime import timedelta; from django.utils import timezone; "
        "from quizzes.models import Attempt; "
        f"Attempt.objects.filter(pk={attempt['id']})"
        ".update(deadline=timezone.now() + timedelta(seconds=2))"
    )

    server.stop_server()
    time.sleep(3)  # the deadline passes while nothing serves
    server.start()
    learner.base_url = server.url

    # The learner comes back and the scheduler runs at the same moment: closed once.
    results: list[int] = []
    readers = [
        threading.Thread(target=lambda: results.append(learner.attempt(attempt["id"]).status_code))
        for _ in range(4)
    ]
    for reader in readers:
        reader.start()
    closed = server.manage("close_overdue_attempts")
    for reader in readers:
        reader.join()
    assert results == [200] * 4
    assert re.fullmatch(r"Closed [01] overdue attempts?\.\n", closed), closed

    document = learner.attempt(attempt["id"]).json()
    assert document["state"] == "submitted"
    assert document["submitted_at"] == document["deadline"]  # closed at its deadline
    for question in document["questions"]:
        assert question["answer"] == saved.get(question["id"])
    # One SUBMIT step per response: graded once whoever got there first; the score is theirs.
    audit = server.shell(
        "from django.db.models import Count, Q, Sum; from quizzes.models import Attempt; "
        f"a = Attempt.objects.get(pk={attempt['id']}); "
        "print(sorted(set(a.responses.annotate(n=Count('steps', filter=Q(steps__kind='submit')))"
        ".values_list('n', flat=True))), a.score == a.responses.aggregate(s=Sum('score'))['s'])"
    )
    assert audit.strip().splitlines()[-1] == "[1] True"
    assert learner.answer(attempt["id"], attempt["questions"][0]["id"], None).status_code == 409
    assert_no_server_errors(server)
