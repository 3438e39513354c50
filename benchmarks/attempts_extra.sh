# Sourced by ../shared/perf/measure.sh --instead (see benchmarks/README.md), with the project
# served on 127.0.0.1:$PORT, its learners and sessions made ($RUN/vars.json) and one attempt
# walked by the preflight. Runs, in order, on the same server and database:
#   1. the exam-start burst: every learner (measure's --users) presses Start at the same instant;
#   2. the page flow: PAGE_USERS learners take the quiz through the pages (attempt page,
#      autosave per question, submit), WARM + SECS seconds, the first WARM dropped;
#   3. the API flow again (the contract measure.sh times), then seeds SEED_LEARNERS learners
#      with 1,000,000 responses (benchmarks/seed_volume.py), then the API flow once more;
#   4. EXPLAIN of every query of a learner's requests on the seeded database;
#   5. what one attempt writes there (WAL pages or bytes) and, on PostgreSQL, its round trips.
# Each part prints one line (BURST, PAGES, API, SEED, EXPLAIN …); the status is 1 if a burst
# start or an explained request failed, 3 if a load run had failed requests.
BENCH=$CHECKOUT/benchmarks
PAGE_USERS=${PAGE_USERS:-64}
status=0
shell_run() {  # shell_run SCRIPT [ENV=VALUE ...]: manage.py shell with the server's settings
  local script=$1; shift
  env "${SERVE_ENV[@]}" "$@" PERF_VARS="$RUN/vars.json" "$PY" manage.py shell -c "$(cat "$script")"
}
. "$BENCH/locust_summary.sh"
api_flow() {  # api_flow LABEL: measure.sh's own locust flow, PAGE_USERS learners
  FLOW_FILE="$PERF/flows/kzstudy_attempt.json" FLOW_VARS="$RUN/vars.json" \
    LOCUST_SUMMARY="$RUN/api-$1.json" LOCUST_WARMUP_S="$WARM" \
    timeout $((SECS + WARM + 60)) "$LOCUST" -f "$PERF/locustfile_flow.py" --headless \
    -u "$PAGE_USERS" -r "$PAGE_USERS" -t "$((SECS + WARM))s" --host "http://127.0.0.1:$PORT" \
    --only-summary --loglevel WARNING >"$RUN/locust-api-$1.log" 2>&1
  summary_line "API ($1)" "$RUN/api-$1.json" || status=3
}

say "extra: exam-start burst of $USERS learners"
python3 "$BENCH/burst.py" "http://127.0.0.1:$PORT" "$RUN/vars.json" "$USERS" || status=1

COURSE_SLUG=$(shell_run /dev/stdin <<<'from quizzes.models import Enrolment
print(Enrolment.objects.filter(user__username="student").values_list("course__slug", flat=True)[0])' | tail -1)
say "extra: page flow, $PAGE_USERS learners in course $COURSE_SLUG, ${WARM}s + ${SECS}s"
FLOW_VARS="$RUN/vars.json" PAGE_COURSE="$COURSE_SLUG" LOCUST_SUMMARY="$RUN/pages.json" \
  LOCUST_WARMUP_S="$WARM" timeout $((SECS + WARM + 60)) "$LOCUST" -f "$BENCH/locust_pages.py" \
  --headless -u "$PAGE_USERS" -r "$PAGE_USERS" -t "$((SECS + WARM))s" \
  --host "http://127.0.0.1:$PORT" --only-summary --loglevel WARNING >"$RUN/locust-pages.log" 2>&1
summary_line "PAGES" "$RUN/pages.json" || status=3

say "extra: API flow on the demo database, then seeding, then again"
api_flow before-seeding
QUIZ_ID=$(python3 -c "import json;print(json.load(open('$RUN/vars.json'))['quiz_id'])")
shell_run "$BENCH/seed_volume.py" PERF_QUIZ_ID="$QUIZ_ID" | grep '^SEED '
api_flow after-seeding

say "extra: EXPLAIN of a learner's queries on the seeded database"
shell_run "$BENCH/explain_hot.py" | grep -v 'imported automatically' | tee "$RUN/explain.log" | grep -v '^EXPLAIN '
grep -q '"ok": true' "$RUN/explain.log" || { say "extra: a big table is scanned (see $RUN/explain.log)"; status=1; }
grep '^EXPLAIN ' "$RUN/explain.log" >"$RUN/explain.json"

say "extra: what one attempt writes on the seeded database"
shell_run "$BENCH/write_cost.py" PERF="$PERF" | grep -v 'imported automatically' | tee "$RUN/write_cost.log" \
  | grep -v '^WRITE_COST '
grep -q '^WRITE_COST ' "$RUN/write_cost.log" || { say "extra: write_cost failed (see $RUN/write_cost.log)"; status=1; }
(exit $status)
