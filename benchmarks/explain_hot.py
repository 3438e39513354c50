"""The plan of every query of a learner's hot path, checked for table scans of the big tables.

Run as `manage.py shell -c "$(cat benchmarks/explain_hot.py)"` with the server's environment
(attempts_extra.sh does, after seed_volume.py). One perf learner walks the attempt through the
test Client (API start, answer PUT, GET attempt, attempt page, autosave, submit); each query
is then explained (`EXPLAIN` on PostgreSQL, `EXPLAIN QUERY PLAN` on SQLite, never executed
again). A sequential scan of a table that grows with users or attempts is reported as a
failure (a table of more than 10,000 rows: the seeded learners, attempts, responses, steps);
the planner may scan small tables (quizzes, slots, the bank). Prints one line per request and
then EXPLAIN {json}.
"""

import functools
import json
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks.perf_learner import learner_client, perf_vars

V = perf_vars()
# A full scan is a failure on a table this big: one that grows with learners or attempts.
BIG_ROWS = 10_000
client = learner_client(V, learner=-1, json_api=False)


def scans(sql: str) -> list[str]:
    """Tables the plan of `sql` reads by a full scan."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            found = []

            def walk(node):
                if node.get("Node Type") == "Seq Scan":
                    found.append(node["Relation Name"])
                for child in node.get("Plans", []):
                    walk(child)

            walk(plan[0]["Plan"])
            return found
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        # SQLite names a table by its alias in the query (U0, T3 …): map aliases back.
        aliases = dict(
            (alias, table) for table, alias in re.findall(r'(?:FROM|JOIN) "(\w+)" "?(\w+)"?', sql)
        )
        return [
            aliases.get(m.group(1), m.group(1))
            for row in cursor.fetchall()
            if (m := re.match(r"SCAN (\w+)", row[-1])) and "CONSTANT ROW" not in row[-1]
        ]


@functools.cache
def rows_in(table: str) -> int:
    """How many rows a table holds (tables only: anything else counts as empty)."""
    if table not in connection.introspection.table_names():
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        return cursor.fetchone()[0]


def explain(name: str, method: str, path: str, body=None, form=False) -> dict:
    if method == "get":
        kwargs = {}
    elif form:
        kwargs = {"data": body, "HTTP_ACCEPT": "application/json"}
    else:
        kwargs = {"data": json.dumps(body or {}), "content_type": "application/json"}
    with CaptureQueriesContext(connection) as captured:
        reply = getattr(client, method)(path, **kwargs)
    if reply.status_code >= 400:
        raise SystemExit(f"explain: {method.upper()} {path} -> {reply.status_code}")
    statements = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].split(" ", 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "WITH")
    ]
    scanned = sorted({t for sql in statements for t in scans(sql)})
    row = {
        "request": name,
        "queries": len(captured.captured_queries),
        "full_scans": scanned,
        "big_table_scans": [t for t in scanned if rows_in(t) > BIG_ROWS],
    }
    print(f"  {name}: {row['queries']} queries; full scans: {', '.join(scanned) or 'none'}")
    return {"reply": reply, **row}


rows = []
start = explain("POST start (API)", "post", f"/api/v1/quizzes/{V['quiz_id']}/attempts/")
rows.append(start)
attempt = start["reply"].json()
question = attempt["questions"][0]
choice = {"single_choice": {"choice": (question.get("choices") or [{}])[0].get("id")}}
answer = choice.get(question["type"], {"flagged": True})
body = {"answer": answer} if "choice" in answer else answer
rows.append(
    explain(
        "PUT answer (API)",
        "put",
        f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}/",
        body,
    )
)
rows.append(explain("GET attempt (API)", "get", f"/api/v1/attempts/{attempt['id']}/"))
rows.append(explain("GET attempt page", "get", f"/attempts/{attempt['id']}/"))
flag = {f"q{question['id']}-present": "1", f"q{question['id']}-flag": "1"}
rows.append(explain("POST autosave", "post", f"/attempts/{attempt['id']}/save/", flag, form=True))
rows.append(explain("POST submit (API)", "post", f"/api/v1/attempts/{attempt['id']}/submit/"))
for row in rows:
    row.pop("reply")
bad = [row for row in rows if row["big_table_scans"]]
print("EXPLAIN " + json.dumps({"vendor": connection.vendor, "requests": rows, "ok": not bad}))
