"""Two app servers behind HAProxy (round robin, no sticky sessions) on one PostgreSQL: a
learner's requests alternate between the servers through a whole attempt, by the API and by
the pages with a session, so nothing may live in one server's memory or disk; and when one
server dies mid-attempt the other carries on."""

from __future__ import annotations

import itertools
import json
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
import requests
from django.conf import settings
from jwt.algorithms import RSAAlgorithm

from tests.browser.server import KzstudyServer
from tests.lti.platform import INSTRUCTOR, TestPlatform

from .live import (
    PASSWORD,
    Exam,
    Learner,
    answer_for,
    assert_no_server_errors,
    enrol_learners,
    exam_server,
    wait_until,
)
from .lti_live import launch
from .pg_cluster import PgCluster

pytestmark = [pytest.mark.postgresql, pytest.mark.haproxy, pytest.mark.chaos]

HAPROXY_CONFIG = """
global
    maxconn 2000
defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    # A request that never reached a server (it died) goes to the other one.
    retries 3
    option redispatch 1
frontend exam
    bind 127.0.0.1:{port}
    default_backend app
backend app
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    http-response set-header X-Served-By %s
    server a 127.0.0.1:{a} check inter 500ms fall 2 rise 2
    server b 127.0.0.1:{b} check inter 500ms fall 2 rise 2
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LoadBalancer:
    def __init__(self, binary: str, workdir: Path, backends: tuple[int, int]) -> None:
        self.port = _free_port()
        config = workdir / "haproxy.cfg"
        config.write_text(HAPROXY_CONFIG.format(port=self.port, a=backends[0], b=backends[1]))
        self.log = workdir / "haproxy.log"
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [binary, "-db", "-f", str(config)], stdout=out, stderr=subprocess.STDOUT
            )
        wait_until(self._both_up, timeout=30, every=0.5)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _both_up(self) -> bool:
        try:
            served = {
                requests.get(self.url + "/healthz", timeout=5).headers.get("X-Served-By")
                for _ in range(4)
            }
        except requests.RequestException:
            return False
        return served == {"a", "b"}

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def servers(pg_cluster: PgCluster, tmp_path_factory) -> Iterator[tuple[KzstudyServer, ...]]:
    first = exam_server(tmp_path_factory.mktemp("server-a"), database_url=pg_cluster.url)
    second = KzstudyServer(
        base_dir=Path(settings.BASE_DIR),
        workdir=tmp_path_factory.mktemp("server-b"),
        article=None,
        database_url=pg_cluster.url,
    )
    second.manage("collectstatic", "--noinput", "-v", "0")
    second.start()
    yield first, second
    first.stop()
    second.stop()


@pytest.fixture(scope="module")
def balancer(haproxy: str, servers, tmp_path_factory) -> Iterator[LoadBalancer]:
    lb = LoadBalancer(
        haproxy, tmp_path_factory.mktemp("haproxy"), (servers[0].port, servers[1].port)
    )
    yield lb
    lb.stop()


@pytest.fixture(scope="module")
def exam(servers) -> Exam:
    return enrol_learners(servers[0], 3, passwords=True)


def served_by(replies: list[requests.Response]) -> list[str]:
    return [reply.headers["X-Served-By"] for reply in replies]


def test_an_attempt_through_the_api_alternates_between_two_servers(balancer, exam, servers):
    learner = Learner(exam.tokens[0], balancer.url)
    replies = [learner.start(exam)]
    attempt = replies[0].json()
    for question in attempt["questions"]:
        replies.append(learner.answer(attempt["id"], question["id"], answer_for(question)))
        replies.append(learner.attempt(attempt["id"]))
    replies.append(learner.submit(attempt["id"]))
    replies.append(learner.attempt(attempt["id"]))

    assert [r.status_code for r in replies] == [201] + [200] * (len(replies) - 1)
    hops = served_by(replies)
    assert all(a != b for a, b in itertools.pairwise(hops)), hops  # round robin
    final = replies[-1].json()
    assert final["state"] == "submitted"
    assert [q["answer"] for q in final["questions"]] == [
        answer_for(q) for q in attempt["questions"]
    ]
    for server in servers:
        assert_no_server_errors(server)


def test_a_signed_in_attempt_through_the_pages_alternates_between_two_servers(
    balancer, exam, servers
):
    """The session, the CSRF token and the attempt live in the database: a login answered by
    one server and the next page by the other is the same learner."""
    browser = requests.Session()
    replies = [browser.get(balancer.url + "/accounts/login/", timeout=30)]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', replies[0].text).group(1)
    replies.append(
        browser.post(
            balancer.url + "/accounts/login/",
            data={"csrfmiddlewaretoken": token, "username": "learner1", "password": PASSWORD},
            timeout=30,
        )
    )
    assert "Log out" in replies[-1].text

    def post(path: str, **data: str) -> requests.Response:
        reply = browser.post(
            balancer.url + path,
            data={"csrfmiddlewaretoken": browser.cookies["csrftoken"], **data},
            headers={"Accept": "application/json"} if path.endswith("/save/") else {},
            timeout=30,
        )
        replies.append(reply)
        return reply

    started = post(f"/courses/exam/quizzes/{exam.quiz}/start/")
    attempt = re.search(r"/attempts/(\d+)/", started.url).group(1)
    page = 1
    while True:
        shown = browser.get(f"{balancer.url}/attempts/{attempt}/?page={page}", timeout=30)
        replies.append(shown)
        question = re.search(r'<fieldset[^>]*data-question="(\d+)"', shown.text).group(1)
        saved = post(f"/attempts/{attempt}/save/", **{f"q{question}-flag": "1"})
        assert saved.status_code == 200, saved.text[:300]
        # The page's Next (a submit button that saves, then goes on) names the next page.
        if f'name="goto" value="{page + 1}">Next' not in shown.text:
            break
        page += 1
    review = post(f"/attempts/{attempt}/submit/")
    assert review.url.endswith(f"/attempts/{attempt}/review/")

    assert page == 18
    assert all(reply.status_code == 200 for reply in replies), [r.status_code for r in replies]
    assert set(served_by(replies)) == {"a", "b"}
    # Every redirect was followed on the other server; both saw the learner signed in.
    hops = [h.headers["X-Served-By"] for reply in replies for h in [*reply.history, reply]]
    assert hops.count("a") > 10 and hops.count("b") > 10


def test_when_one_server_dies_mid_attempt_the_other_carries_on(balancer, exam, servers):
    learner = Learner(exam.tokens[2], balancer.url)
    attempt = learner.start(exam).json()
    questions = attempt["questions"]
    for question in questions[:6]:
        assert learner.answer(attempt["id"], question["id"], answer_for(question)).ok

    dead, alive = servers
    dead.stop_server()  # gone at once, whatever it was doing
    replies = [
        learner.answer(attempt["id"], question["id"], answer_for(question))
        for question in questions[6:]
    ]
    replies.append(learner.submit(attempt["id"]))
    assert [r.status_code for r in replies] == [200] * len(replies)
    assert set(served_by(replies)) == {"b"}
    shown = learner.attempt(attempt["id"]).json()
    assert shown["state"] == "submitted"
    assert [q["answer"] for q in shown["questions"]] == [answer_for(q) for q in questions]
    assert_no_server_errors(alive)
    dead.start(port=dead.port)  # back where the balancer looks for it
    wait_until(balancer._both_up, timeout=30, every=0.5)


def test_an_lti_launch_a_deep_link_and_a_grade_cross_both_servers(balancer, servers, httpserver):
    """The LMS knows only the balancer's address. The login state, the deep-linking request and
    the grade outbox live in the database: a login answered by one server is finished by the
    other, and two grade workers on the one database send the grade once."""
    first = servers[0]
    tool = balancer.url
    platform = TestPlatform(
        httpserver,
        tool_jwks=lambda: requests.get(tool + "/lti/jwks/", timeout=10).json(),
        tool_origin=tool,
    )
    first.manage(
        "lti_add_platform",
        "--issuer", platform.issuer, "--client-id", platform.client_id,
        "--deployment-id", platform.deployment_id, "--auth-url", platform.auth_url,
        "--token-url", platform.token_url, "--jwks-url", platform.jwks_url,
    )  # fmt: skip
    quiz = int(
        first.shell(
            "from quizzes.models import Quiz; print(Quiz.objects.get(key='final-exam').pk)"
        ).splitlines()[-1]
    )
    context = {"id": "two-servers", "label": "KZ", "title": "Kazakhstan 101"}

    # The instructor places the final exam by deep linking.
    platform.login_hints["tess"] = {
        "sub": "tess",
        "roles": [INSTRUCTOR],
        "message_type": "LtiDeepLinkingRequest",
        "context": context,
    }
    browser, choice = launch(tool, platform, "tess")
    assert choice.status_code == 200, choice.text[:500]
    fields = dict(re.findall(r'name="(launch|csrfmiddlewaretoken)" value="([^"]+)"', choice.text))
    action = re.search(r'<form method="post" action="([^"]*deep[^"]*)"', choice.text).group(1)
    returned = browser.post(tool + action, data={**fields, "target": f"quiz:{quiz}"}, timeout=30)
    assert returned.status_code == 200, returned.text[:500]
    jwt_sent = re.search(r'name="JWT" value="([^"]+)"', returned.text).group(1)
    header = jwt.get_unverified_header(jwt_sent)
    published = requests.get(tool + "/lti/jwks/", timeout=10).json()["keys"]
    key = RSAAlgorithm.from_jwk(json.dumps(next(k for k in published if k["kid"] == header["kid"])))
    claims = jwt.decode(jwt_sent, key, algorithms=["RS256"], audience=platform.issuer)
    [item] = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["custom"] == {"target": f"quiz:{quiz}"}

    # A learner launches the placed exam, takes it and submits.
    lineitem = platform.add_line_item(f"quiz:{quiz}", label="Final exam")
    platform.login_hints["ann"] = {
        "sub": "ann",
        "target": f"quiz:{quiz}",
        "lineitem": lineitem,
        "context": context,
    }
    learner_browser, landed = launch(tool, platform, "ann")
    assert landed.status_code == 200 and "Final exam" in landed.text, landed.text[:500]
    hops = [
        r.headers["X-Served-By"]
        for r in [*choice.history, choice, returned, *landed.history, landed]
    ]
    assert set(hops) == {"a", "b"}, hops
    username = learner_browser.get(tool + "/api/v1/me/", timeout=30).json()["username"]
    token = first.shell(
        "from django.contrib.auth import get_user_model; "
        "from quizzes.services.tokens import token_create; "
        f"print(token_create(user=get_user_model().objects.get(username={username!r}), "
        "name='lb', scope='write', actor=None)[1])"
    ).splitlines()[-1]
    learner = Learner(token, tool)
    attempt = learner.start(Exam(quiz=quiz, course=0, tokens=[])).json()
    for question in attempt["questions"][:5]:
        assert learner.answer(attempt["id"], question["id"], answer_for(question)).ok
    assert learner.submit(attempt["id"]).status_code == 200

    # Two task workers, one per app server's machine, share the task queue and the outbox.
    workers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--interval", "0.2"],
            cwd=server.base_dir,
            env=server.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for server in servers
    ]
    try:
        wait_until(lambda: len(platform.scores[lineitem]) >= 1, timeout=60)
        time.sleep(2)  # room for a second, wrong delivery to show
    finally:
        for process in workers:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    [score] = platform.scores[lineitem]
    assert score["userId"] == "ann"
