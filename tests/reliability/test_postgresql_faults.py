"""A live server on PostgreSQL loses its database: the network to it is cut (a proxy between
them), or its connections are killed (`pg_terminate_backend`, as a restart or a failover
does). While it lasts every answer is 200 or an honest 503; after it, no restart is needed;
every acknowledged answer is stored."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import requests

from tests.browser.server import KzstudyServer, _drop_database, _fresh_database

from .live import (
    Exam,
    Learner,
    answer_for,
    assert_no_server_errors,
    assert_unavailable,
    enrol_learners,
    exam_server,
    wait_until,
)
from .tcp_proxy import TcpProxy

pytestmark = pytest.mark.postgresql


def through(url: str, port: int) -> str:
    """The same database URL, reached on 127.0.0.1:`port`."""
    parts = urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    netloc = f"{credentials}@127.0.0.1:{port}" if credentials else f"127.0.0.1:{port}"
    return urlunsplit(parts._replace(netloc=netloc))


@pytest.fixture(scope="module")
def database(postgres_url: str, tmp_path_factory) -> Iterator[str]:
    url = _fresh_database(tmp_path_factory.mktemp("pg-db"))
    yield url
    _drop_database(url)


@pytest.fixture(scope="module")
def proxy(database: str) -> Iterator[TcpProxy]:
    parts = urlsplit(database)
    link = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    yield link
    link.close()


@pytest.fixture(scope="module")
def server(database: str, proxy: TcpProxy, tmp_path_factory) -> Iterator[KzstudyServer]:
    app = exam_server(
        tmp_path_factory.mktemp("pg-faults"), database_url=through(database, proxy.port)
    )
    yield app
    app.stop()


@pytest.fixture(scope="module")
def exam(server: KzstudyServer) -> Exam:
    return enrol_learners(server, 12)


def terminate_app_connections(database: str) -> int:
    """Kill every server process of the app's database, as a restart would."""
    name = urlsplit(database).path.lstrip("/")
    admin = urlunsplit(urlsplit(database)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        ).fetchall()
    return len(rows)


def app_connections(database: str) -> int:
    name = urlsplit(database).path.lstrip("/")
    admin = urlunsplit(urlsplit(database)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        query = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
        return connection.execute(query, [name]).fetchone()[0]


def test_connections_dropped_between_requests_cost_no_request(
    server: KzstudyServer, exam: Exam, database: str, proxy: TcpProxy
):
    """A restart between two requests: each worker's next request finds its connection
    dropped before using it (the health check, kzstudy/postgresql_backend) and answers 200,
    however recently the connection was used."""
    learner = Learner(exam.tokens[1], server.url)
    attempt = learner.start(exam).json()
    question = attempt["questions"][0]
    for round_ in range(3):
        assert learner.answer(attempt["id"], question["id"], answer_for(question, 0)).ok
        assert terminate_app_connections(database) >= 1
        # The servers' goodbyes are through the proxy (at once, without one).
        wait_until(lambda: app_connections(database) == 0, timeout=10, every=0.05)
        wait_until(lambda: proxy.open_links() == 0, timeout=10, every=0.05)
        # Enough requests that both workers serve some, each first on a dropped connection.
        replies = [
            learner.answer(attempt["id"], question["id"], answer_for(question, n % 2)).status_code
            for n in range(8)
        ]
        assert replies == [200] * 8, (round_, replies)
    assert_no_server_errors(server)


def test_postgresql_unreachable_answers_503_and_the_server_recovers_by_itself(
    server: KzstudyServer, exam: Exam, proxy: TcpProxy
):
    learner = Learner(exam.tokens[0], server.url)
    attempt = learner.start(exam).json()
    question = attempt["questions"][0]
    assert learner.answer(attempt["id"], question["id"], answer_for(question, 0)).ok

    proxy.cut()
    try:
        assert_unavailable(learner.answer(attempt["id"], question["id"], answer_for(question, 1)))
        assert_unavailable(learner.attempt(attempt["id"]))
        page = requests.get(server.url + "/", cookies={"sessionid": "x" * 32}, timeout=30)
        assert_unavailable(page)
        assert "Try again in a moment" in page.text
        assert requests.get(server.url + "/healthz", timeout=30).status_code == 200
        ready = requests.get(server.url + "/readyz", timeout=30)
        assert ready.status_code == 503 and ready.json()["checks"]["database"]["ok"] is False
    finally:
        proxy.restore()

    def answered() -> bool:
        status = learner.answer(attempt["id"], question["id"], answer_for(question, 1)).status_code
        assert status in (200, 503)
        return status == 200

    wait_until(answered, timeout=20, every=0.5)
    shown = learner.attempt(attempt["id"]).json()["questions"][0]
    assert shown["answer"] == answer_for(question, 1)
    assert requests.get(server.url + "/readyz", timeout=30).status_code == 200
    assert_no_server_errors(server)


def test_connections_killed_under_load_lose_no_acknowledged_answer(
    server: KzstudyServer, exam: Exam, database: str
):
    """Ten learners answer and re-answer while PostgreSQL kills the app's connections every
    fifth of a second: each reply is 200 or 503, and what was acknowledged is what is stored."""
    learners = [Learner(token, server.url) for token in exam.tokens[2:12]]
    starts = [learner.start(exam) for learner in learners]
    assert [s.status_code for s in starts] == [201] * len(learners), [s.text[:300] for s in starts]
    attempts = [s.json() for s in starts]
    acknowledged: dict[tuple[int, int], object] = {}
    statuses: list[int] = []
    stop = threading.Event()

    def killer() -> None:
        while not stop.is_set():
            terminate_app_connections(database)
            time.sleep(0.2)

    def work(index: int) -> None:
        learner, attempt = learners[index], attempts[index]
        for variant in range(3):
            for question in attempt["questions"][:4]:
                answer = answer_for(question, variant)
                for _ in range(30):  # retried like the autosave, until acknowledged
                    reply = learner.answer(attempt["id"], question["id"], answer)
                    statuses.append(reply.status_code)
                    if reply.status_code == 200:
                        acknowledged[(attempt["id"], question["id"])] = answer
                        break
                    time.sleep(float(reply.headers.get("Retry-After", "1")) / 10)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    try:
        with ThreadPoolExecutor(max_workers=len(learners)) as pool:
            list(pool.map(work, range(len(learners))))
    finally:
        stop.set()
        thread.join()

    assert set(statuses) <= {200, 503}, sorted(set(statuses))
    assert len(acknowledged) == len(learners) * 4
    for learner, attempt in zip(learners, attempts, strict=True):
        stored = {q["id"]: q["answer"] for q in learner.attempt(attempt["id"]).json()["questions"]}
        for question in attempt["questions"][:4]:
            assert stored[question["id"]] == acknowledged[(attempt["id"], question["id"])]
            assert stored[question["id"]] == answer_for(question, 2)
    assert_no_server_errors(server)
