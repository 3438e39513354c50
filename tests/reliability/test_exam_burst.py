"""The exam burst with faults (issue #13): learners start, answer, re-answer and submit the
final exam at the same instant on PostgreSQL, while an app worker is SIGKILLed and PostgreSQL
restarted. Nothing acknowledged is lost, no 5xx but 503 is answered.

CI runs 30 learners; `make chaos` runs 300 (KZSTUDY_CHAOS_LEARNERS)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.browser.server import KzstudyServer

from .burst import audit, kill_a_worker, run_burst
from .live import assert_no_server_errors, enrol_learners, exam_server
from .pg_cluster import PgCluster

pytestmark = [pytest.mark.postgresql, pytest.mark.chaos]

LEARNERS = int(os.environ.get("KZSTUDY_CHAOS_LEARNERS", "30"))
# The final exam draws two questions from each of the nine sections (content/…/quizzes.yaml).
FINAL_EXAM_QUESTIONS = 18


@pytest.fixture(scope="module")
def server(pg_cluster: PgCluster, tmp_path_factory) -> Iterator[KzstudyServer]:
    app = exam_server(tmp_path_factory.mktemp("burst"), database_url=pg_cluster.url, workers=3)
    yield app
    app.stop()


def test_an_exam_burst_survives_a_killed_app_worker_and_a_database_restart(
    server: KzstudyServer, pg_cluster: PgCluster
):
    exam = enrol_learners(server, LEARNERS)
    report = run_burst(
        server,
        exam,
        faults=[
            (0.25, "an app worker SIGKILLed", kill_a_worker(server)),
            (0.5, "PostgreSQL restarted", pg_cluster.restart),
        ],
        questions_each=FINAL_EXAM_QUESTIONS,
    )
    print(
        f"\n{LEARNERS} learners in {report.seconds:.0f} s: statuses {report.statuses}, "
        f"{report.connection_errors} dropped connections; faults: {report.faults}"
    )
    assert len(report.faults) == 2, report.faults
    assert report.answers_acknowledged == LEARNERS * (FINAL_EXAM_QUESTIONS + 6)
    assert set(report.statuses) <= {200, 201, 503}, report.statuses
    assert audit(server, exam, report) == []
    assert_no_server_errors(server)
