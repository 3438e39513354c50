"""kzstudy behind PgBouncer in transaction mode, as docs/operations.md plans it (`PGBOUNCER=1`:
parameters bound client-side, no server-side cursors): a real gunicorn server reaches its own
PostgreSQL only through a real PgBouncer with fewer server connections than the app has
threads, and learners take the final exam at the same time. A submission's writes travel in
psycopg's pipeline mode (services/pipelined.py), so they must pass the pooler intact too."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings

from tests.browser.server import KzstudyServer

from .live import Learner, answer_for, assert_no_server_errors, enrol_learners
from .pg_cluster import PgCluster
from .pgbouncer import PgBouncer

pytestmark = [pytest.mark.postgresql, pytest.mark.pgbouncer]

LEARNERS = 6
# The final exam draws two questions from each of the nine sections (content/…/quizzes.yaml).
FINAL_EXAM_QUESTIONS = 18
# Server connections per database: fewer than the app's 2 workers × 4 threads, so clients
# take turns on them, a transaction at a time.
POOL_SIZE = 2

INSTRUCTOR = """
from django.contrib.auth import get_user_model
from quizzes.models import Enrolment
from quizzes.services.tokens import token_create
user = get_user_model().objects.create(username="teacher")
Enrolment.objects.create(course_id={course}, user=user, role="instructor")
print(token_create(user=user, name="gradebook", scope="read", actor=None)[1])
"""


@pytest.fixture(scope="module")
def bouncer(pgbouncer: str, pg_cluster: PgCluster) -> Iterator[PgBouncer]:
    pooler = PgBouncer(pgbouncer, pg_cluster.port, pool_size=POOL_SIZE)
    yield pooler
    pooler.stop()


@pytest.fixture(scope="module")
def direct(pg_cluster: PgCluster, tmp_path_factory) -> KzstudyServer:
    """manage.py on the cluster itself: the schema and the content (DDL needs no pooler), the
    learners and their tokens (set-up, not the traffic under test)."""
    setup = KzstudyServer(
        base_dir=Path(settings.BASE_DIR),
        workdir=tmp_path_factory.mktemp("direct"),
        article=None,
        database_url=pg_cluster.url,
    )
    setup.manage("migrate", "--noinput", "-v", "0")
    setup.manage("load_content")
    return setup


@pytest.fixture(scope="module")
def server(direct: KzstudyServer, bouncer: PgBouncer, tmp_path_factory) -> Iterator[KzstudyServer]:
    """gunicorn whose only database address is PgBouncer's, with PGBOUNCER=1."""
    app = KzstudyServer(
        base_dir=Path(settings.BASE_DIR),
        workdir=tmp_path_factory.mktemp("behind-pgbouncer"),
        article=None,
        database_url=bouncer.url("kzstudy"),
        workers=2,
        extra_env={"PGBOUNCER": "1"},
    )
    app.manage("collectstatic", "--noinput", "-v", "0")
    app.start()
    yield app
    app.stop()


def transactions(bouncer: PgBouncer) -> int:
    """Transactions PgBouncer has served on the `kzstudy` database so far (none: it has yet
    to appear in its list, as a `*` database does on its first client)."""
    rows = [r for r in bouncer.admin("SHOW STATS") if r["database"] == "kzstudy"]
    return sum(int(row["total_xact_count"]) for row in rows)


def take_exam(
    learner: Learner, exam, variant: int, together: threading.Barrier
) -> tuple[list[requests.Response], dict[str, Any], dict[str, Any]]:
    """Start, answer every question (answers differ by learner), submit when every learner is
    ready to (the submissions share the pool at once), read the attempt back."""
    replies = [learner.start(exam)]
    attempt = replies[0].json()
    for question in attempt["questions"]:
        replies.append(learner.answer(attempt["id"], question["id"], answer_for(question, variant)))
    together.wait(timeout=60)
    replies.append(learner.submit(attempt["id"]))
    replies.append(learner.attempt(attempt["id"]))
    return replies, attempt, replies[-1].json()


def test_an_exam_through_pgbouncer_in_transaction_mode_loses_no_answer_or_score(
    server: KzstudyServer, direct: KzstudyServer, bouncer: PgBouncer
):
    exam = enrol_learners(direct, LEARNERS)
    teacher = direct.shell(INSTRUCTOR.format(course=exam.course)).strip().splitlines()[-1]
    served_before = transactions(bouncer)

    together = threading.Barrier(LEARNERS)
    with ThreadPoolExecutor(LEARNERS) as pool:
        taken = list(
            pool.map(
                lambda n: take_exam(Learner(exam.tokens[n], server.url), exam, n, together),
                range(LEARNERS),
            )
        )

    requests_sent = 0
    for variant, (replies, started, final) in enumerate(taken):
        requests_sent += len(replies)
        statuses = [reply.status_code for reply in replies]
        assert statuses == [201] + [200] * (len(replies) - 1), [
            (r.request.method, r.url, r.status_code, r.text[:300]) for r in replies if not r.ok
        ]
        assert len(started["questions"]) == FINAL_EXAM_QUESTIONS
        submitted = replies[-2].json()
        assert final["state"] == submitted["state"] == "submitted"
        assert final["score"] is not None and final["score"] == submitted["score"]
        assert Decimal(0) <= Decimal(final["score"]) <= Decimal(final["max_score"])
        # Every answer as the learner sent it.
        assert [q["answer"] for q in final["questions"]] == [
            answer_for(q, variant) for q in started["questions"]
        ]

    # Each learner's quiz grade was stored with the submission: the gradebook shows it.
    gradebook = requests.get(
        f"{server.url}/api/v1/courses/{exam.course}/gradebook/",
        headers={"Authorization": f"Bearer {teacher}"},
        timeout=30,
    )
    assert gradebook.status_code == 200, gradebook.text[:300]
    grades = {
        row["learner"]["username"]: (cell["best_percent"], cell["attempt_count"])
        for row in gradebook.json()["results"]
        for cell in row["quizzes"]
        if cell["quiz"] == exam.quiz
    }
    assert grades == {f"learner{n}": (final["percent"], 1) for n, (*_, final) in enumerate(taken)}

    assert_no_server_errors(server)
    # The traffic went through PgBouncer, pooled per transaction: at least a transaction a
    # request on the database the server names, the app's connections (one per thread that
    # served) taking turns on fewer server connections.
    assert transactions(bouncer) - served_before >= requests_sent + 1
    [pool] = [p for p in bouncer.admin("SHOW POOLS") if p["database"] == "kzstudy"]
    assert pool["pool_mode"] == "transaction"
    clients = [c for c in bouncer.admin("SHOW CLIENTS") if c["database"] == "kzstudy"]
    servers = [s for s in bouncer.admin("SHOW SERVERS") if s["database"] == "kzstudy"]
    assert 1 <= len(servers) <= POOL_SIZE < len(clients), (clients, servers)
    log = bouncer.log_text()
    assert " ERROR " not in log and " WARNING " not in log, log[-4000:]
