"""What one attempt writes and how often it waits for the database: counts, not times, so they
hold on a noisy machine.

Run as `manage.py shell -c "$(cat benchmarks/write_cost.py)"` with the server's environment and
PERF_VARS (attempts_extra.sh does, after seed_volume.py). One perf learner takes the exam
through the test Client (API start, an answer per question, submit), as measure.sh's learners
do. Prints, on SQLite, the pages written to the WAL per attempt and per request (auto-checkpoints
off while it runs, so the WAL only grows); on PostgreSQL, the WAL bytes per attempt and the
round trips per request (client-to-server turns in libpq's trace). Then WRITE_COST {json}.
"""

import collections
import json
import os
import tempfile

from django.db import connection

from benchmarks.perf_learner import learner_client, load_generator_hooks, perf_vars

ATTEMPTS = int(os.environ.get("WRITE_COST_ATTEMPTS", "20"))

V = perf_vars()
client = learner_client(V)
hooks = load_generator_hooks()


def attempt(measure=lambda kind, send: send()) -> None:
    """One attempt, each request sent through `measure(kind, send)`."""
    started = measure(
        "start",
        lambda: client.post(
            f"/api/v1/quizzes/{V['quiz_id']}/attempts/", "{}", content_type="application/json"
        ),
    )
    assert started.status_code in (200, 201), started.content[:300]
    document = started.json()
    for answer in hooks.answers_for(document["questions"]):
        saved = measure(
            "answer",
            lambda answer=answer: client.put(
                f"/api/v1/attempts/{document['id']}/answers/{answer['question']}/",
                json.dumps(answer["body"]),
                content_type="application/json",
            ),
        )
        assert saved.status_code == 200, saved.content[:300]
    submitted = measure(
        "submit",
        lambda: client.post(
            f"/api/v1/attempts/{document['id']}/submit/", "{}", content_type="application/json"
        ),
    )
    assert submitted.status_code == 200, submitted.content[:300]


def per_request(count_during) -> dict:
    """The mean of `count_during(send)` for each kind of request of one attempt."""
    totals, seen = collections.Counter(), collections.Counter()

    def measure(kind, send):
        reply, counted = count_during(send)
        totals[kind] += counted
        seen[kind] += 1
        return reply

    attempt(measure)
    return {kind: round(totals[kind] / seen[kind], 2) for kind in totals}


for _ in range(3):  # warm: compiled queries, kept versions, prepared statements
    attempt()
result = {"vendor": connection.vendor, "attempts": ATTEMPTS}

if connection.vendor == "sqlite":
    wal = str(connection.settings_dict["NAME"]) + "-wal"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.execute("PRAGMA page_size")
        frame = cursor.fetchone()[0] + 24  # a WAL frame: a page and its header

    def frames() -> int:
        size = os.path.getsize(wal) if os.path.exists(wal) else 0
        return max(0, size - 32) // frame

    try:
        before = frames()
        for _ in range(ATTEMPTS):
            attempt()
        result["wal_pages_per_attempt"] = round((frames() - before) / ATTEMPTS, 1)

        def pages_during(send):
            before = frames()
            reply = send()
            return reply, frames() - before

        result["wal_pages_per_request"] = per_request(pages_during)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint=1000")
    print(f"  WAL pages per attempt: {result['wal_pages_per_attempt']}")
    print(f"  WAL pages per request: {result['wal_pages_per_request']}")
else:
    from psycopg import pq

    def wal_position() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            high, low = cursor.fetchone()[0].split("/")
        return (int(high, 16) << 32) + int(low, 16)

    before = wal_position()
    for _ in range(ATTEMPTS):
        attempt()
    result["wal_bytes_per_attempt"] = (wal_position() - before) // ATTEMPTS
    connection.ensure_connection()
    pgconn = connection.connection.pgconn

    def round_trips_during(send):
        with tempfile.TemporaryFile("w+") as trace:
            pgconn.trace(trace.fileno())
            pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
            try:
                reply = send()
            finally:
                pgconn.untrace()
            trace.seek(0)
            turns, last = 0, None
            for line in trace:
                side = line[:1]
                if side == "B" and last == "F":
                    turns += 1
                if side in ("F", "B"):
                    last = side
        return reply, turns

    result["round_trips_per_request"] = per_request(round_trips_during)
    print(f"  WAL bytes per attempt: {result['wal_bytes_per_attempt']}")
    print(f"  round trips per request: {result['round_trips_per_request']}")
print("WRITE_COST " + json.dumps(result))
