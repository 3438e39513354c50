"""An exam-start burst: N learners press Start at the same instant (stdlib only).

Each learner has a connection open in advance and waits at a barrier; then every one sends
`POST /api/v1/quizzes/{quiz}/attempts/` with its own session. Prints one JSON line: how many
got 201 or 200, how many failed (and with what), and the latency p50/p99/max. Exit status 0
only if every start was answered with 200 or 201.

Usage: burst.py BASE_URL VARS_JSON [COUNT]   (VARS_JSON: ../shared/perf/measure.sh's vars.json)
"""

from __future__ import annotations

import http.client
import json
import sys
import threading
import time
from collections import Counter
from urllib.parse import urlsplit


def main() -> int:
    base, vars_path = sys.argv[1], sys.argv[2]
    with open(vars_path, encoding="utf-8") as fh:
        variables = json.load(fh)
    learners = variables["learners"][: int(sys.argv[3]) if len(sys.argv) > 3 else None]
    address = urlsplit(base)
    barrier = threading.Barrier(len(learners))
    results: list[tuple[int | str, float]] = []
    lock = threading.Lock()

    def press_start(learner: dict) -> None:
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=120)
        headers = {
            "Cookie": f"{variables['session_cookie']}={learner['sid']}; "
            f"{variables['csrf_cookie']}={variables['csrf']}",
            variables["csrf_header"]: variables["csrf"],
            variables["proxy_header"]: variables["proxy_value"],
            "Origin": variables["origin"],
            "Referer": variables["origin"] + "/",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        connection.connect()
        barrier.wait()
        began = time.perf_counter()
        try:
            path = f"/api/v1/quizzes/{variables['quiz_id']}/attempts/"
            connection.request("POST", path, body="{}", headers=headers)
            reply = connection.getresponse()
            reply.read()
            outcome: int | str = reply.status
        except OSError as exc:
            outcome = type(exc).__name__
        elapsed = (time.perf_counter() - began) * 1000
        with lock:
            results.append((outcome, elapsed))
        connection.close()

    threads = [threading.Thread(target=press_start, args=(learner,)) for learner in learners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times = sorted(ms for _, ms in results)
    statuses = Counter(str(outcome) for outcome, _ in results)
    answered = statuses["201"] + statuses["200"]
    summary = {
        "learners": len(learners),
        "answered": answered,
        "created_201": statuses["201"],
        "resumed_200": statuses["200"],
        "failed": {k: v for k, v in statuses.items() if k not in ("200", "201")},
        "p50_ms": round(times[len(times) // 2], 1),
        "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 1),
        "max_ms": round(times[-1], 1),
    }
    print("BURST " + json.dumps(summary))
    return 0 if answered == len(learners) else 1


if __name__ == "__main__":
    sys.exit(main())
