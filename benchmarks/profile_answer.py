"""Where the CPU of one learner request goes, in process: a cProfile of many answer PUTs.

Run as `manage.py shell -c "$(cat benchmarks/profile_answer.py)"` with the server's environment
and PERF_VARS naming the vars.json that `../shared/perf/kzstudy/setup_learners.py` wrote (as
explain_hot.py). One perf learner starts the quiz through the API, then answers its questions
round and round PROFILE_N times (default 2,000) through the test Client with the load
generator's headers; prints the mean time per request and the top functions by own time and
by cumulative time (PROFILE_SORT=tottime|cumulative, PROFILE_TOP=40).
"""

import cProfile
import io
import json
import os
import pstats
import time

from benchmarks.perf_learner import learner_client, load_generator_hooks, perf_vars

V = perf_vars()
N = int(os.environ.get("PROFILE_N", "2000"))
TOP = int(os.environ.get("PROFILE_TOP", "40"))
client = learner_client(V)
reply = client.post(
    f"/api/v1/quizzes/{V['quiz_id']}/attempts/", "{}", content_type="application/json"
)
assert reply.status_code in (200, 201), (reply.status_code, reply.content[:300])
attempt = reply.json()
hooks = load_generator_hooks()  # the load generator's own answers: every type answered
answers = [(a["question"], a["body"]) for a in hooks.answers_for(attempt["questions"])]
bodies = [
    (f"/api/v1/attempts/{attempt['id']}/answers/{qid}/", json.dumps(body)) for qid, body in answers
]


def put(i: int) -> None:
    path, body = bodies[i % len(bodies)]
    response = client.put(path, body, content_type="application/json")
    assert response.status_code == 200, (response.status_code, response.content[:300])


for i in range(50):
    put(i)
profiler = cProfile.Profile()
began = time.perf_counter()
profiler.enable()
for i in range(N):
    put(i)
profiler.disable()
elapsed = time.perf_counter() - began
print(f"{N} answer PUTs: {elapsed / N * 1000:.3f} ms each (profiled)")
began = time.perf_counter()
for i in range(N):
    put(i)
print(f"{N} answer PUTs: {(time.perf_counter() - began) / N * 1000:.3f} ms each (not profiled)")
out = io.StringIO()
stats = pstats.Stats(profiler, stream=out)
stats.sort_stats(os.environ.get("PROFILE_SORT", "tottime")).print_stats(TOP)
print(out.getvalue())
if os.environ.get("PROFILE_DUMP"):
    stats.dump_stats(os.environ["PROFILE_DUMP"])

# Whole attempts (start, every answer, submit), timed per kind of request.
ROUNDS = int(os.environ.get("PROFILE_ROUNDS", "60"))
spent = {"start": 0.0, "answer": 0.0, "submit": 0.0}
client.post(f"/api/v1/attempts/{attempt['id']}/submit/", "{}", content_type="application/json")
flow_profiler = cProfile.Profile()
if os.environ.get("PROFILE_FLOW", "1") == "0":  # time the flow without the profiler's overhead
    flow_profiler.enable = flow_profiler.disable = lambda: None
for _ in range(ROUNDS):
    began = time.perf_counter()
    flow_profiler.enable()
    reply = client.post(
        f"/api/v1/quizzes/{V['quiz_id']}/attempts/", "{}", content_type="application/json"
    )
    flow_profiler.disable()
    spent["start"] += time.perf_counter() - began
    assert reply.status_code == 201, (reply.status_code, reply.content[:300])
    started = reply.json()
    for a in hooks.answers_for(started["questions"]):
        began = time.perf_counter()
        reply = client.put(
            f"/api/v1/attempts/{started['id']}/answers/{a['question']}/",
            json.dumps(a["body"]),
            content_type="application/json",
        )
        spent["answer"] += (time.perf_counter() - began) / len(started["questions"])
    began = time.perf_counter()
    flow_profiler.enable()
    reply = client.post(
        f"/api/v1/attempts/{started['id']}/submit/", "{}", content_type="application/json"
    )
    flow_profiler.disable()
    spent["submit"] += time.perf_counter() - began
    assert reply.status_code == 200, (reply.status_code, reply.content[:300])
print(", ".join(f"{name} {total / ROUNDS * 1000:.2f} ms " for name, total in spent.items()))
out = io.StringIO()
stats = pstats.Stats(flow_profiler, stream=out)
stats.sort_stats("cumulative").print_stats(TOP)
print(out.getvalue())
