"""Benchmark: LTI launches and grade delivery against the in-repo test platform.

Not a test. It builds a throwaway SQLite database (migrate, load_content), serves the test
platform (tests/lti/platform.py) over HTTP on 127.0.0.1, then measures:

- a whole launch (login initiation + the signed launch) through the Django test Client, for a
  user the tool has not seen and for a returning one: median time and queries;
- the grade worker: scores queued in the outbox, sent with `deliver_due` until none is left.

    DJANGO_SETTINGS_MODULE=kzstudy.settings_test DATABASE_URL=sqlite:////tmp/bench-lti.sqlite3 \
        .venv/bin/python benchmarks/bench_lti.py

The database file named by DATABASE_URL is deleted and rebuilt; anything but a SQLite file is
refused.
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzstudy.settings_test")

LAUNCHES = 100
SCORES = 1_000


def _database_file() -> Path:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        sys.exit("Set DATABASE_URL=sqlite:////tmp/bench-lti.sqlite3 (a throwaway SQLite file).")
    return Path(url.removeprefix("sqlite:///"))


def _launch(client, platform, sub: str) -> None:
    login = client.get(
        "/lti/login/",
        {
            "iss": platform.issuer,
            "login_hint": sub,
            "target_link_uri": "http://testserver/lti/launch/",
            "client_id": platform.client_id,
            "lti1p3_new_window": "1",
        },
    )
    auth = {k: v[0] for k, v in parse_qs(urlsplit(login["Location"]).query).items()}
    token = platform.id_token(platform.claims(nonce=auth["nonce"], sub=sub))
    response = client.post("/lti/launch/", {"id_token": token, "state": auth["state"]})
    assert response.status_code == 302, response.content[:300]


def _time_launches(platform, subs: list[str]) -> tuple[float, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    times, queries = [], 0
    for sub in subs:
        client = Client()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            _launch(client, platform, sub)
            times.append(time.perf_counter() - start)
        queries = len(captured)
    return statistics.median(times), queries


def main() -> None:
    path = _database_file()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from pytest_httpserver import HTTPServer

    from quizzes import clock
    from quizzes.lti import keys
    from quizzes.lti.outbox import deliver_due
    from quizzes.models import LtiIdentity, LtiResourceLink, LtiScore
    from tests.lti.platform import TestPlatform

    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0, stdout=io.StringIO())
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        published = keys.public_jwks()
        platform = TestPlatform(server, tool_jwks=lambda: published)
        platform.register_in_tool()
        _launch(Client(), platform, "warm-up")

        new_median, new_queries = _time_launches(platform, [f"new-{n}" for n in range(LAUNCHES)])
        back_median, back_queries = _time_launches(platform, [f"new-{n}" for n in range(LAUNCHES)])
        print(f"launch, new user:       median {new_median * 1000:6.1f} ms, {new_queries} queries")
        print(
            f"launch, returning user: median {back_median * 1000:6.1f} ms, {back_queries} queries"
        )

        link = LtiResourceLink.objects.get()
        link.lineitem_url = platform.add_line_item("quiz:1")
        link.save()
        identities = list(LtiIdentity.objects.all())
        now = clock.now()
        LtiScore.objects.bulk_create(
            LtiScore(
                link=link,
                identity=identities[n % len(identities)],
                reason="submit",
                score_given=n % 100,
                next_try_at=now,
                created_at=now,
            )
            for n in range(SCORES)
        )
        start = time.perf_counter()
        sent = 0
        while report := deliver_due(limit=50):
            if not report.handled:
                break
            sent += report.sent
        elapsed = time.perf_counter() - start
        print(f"grade worker: {sent} scores in {elapsed:.2f} s = {sent / elapsed:.0f} scores/s")
        print(f"token requests: {len(platform.tokens_issued)}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
