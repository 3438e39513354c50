# Sourced by ../shared/perf/measure.sh --instead (see benchmarks/README.md, "Session 8"): how
# much of the gap between the ceiling and the project is the load generator's. In one run, on
# this machine:
#   1. the project, measure.sh's own locust flow (as measure.sh times it);
#   2. the ceiling (POST /db, 1 SELECT + 1 INSERT), driven by wrk, as measure.sh drives it;
#   3. the same ceiling driven by locust (../shared/perf/flows/single_request.example.json,
#      FastHttpUser, as many users, no wait), the generator the project is measured with.
# Prints one line for each, then the project's ratio and p99 multiple against either ceiling.
# Status 3 if a request failed.
. "$CHECKOUT/benchmarks/locust_summary.sh"
status=0
GEN="$RUN/generators"
mkdir -p "$GEN"
locust_run() {  # locust_run LABEL FLOW_FILE PORT [FLOW_VARS]
  FLOW_FILE="$2" FLOW_VARS="${4:-}" LOCUST_SUMMARY="$GEN/$1.json" LOCUST_WARMUP_S="$WARM" \
    timeout $((SECS + WARM + 60)) "$LOCUST" -f "$PERF/locustfile_flow.py" --headless \
    -u "$USERS" -r "$USERS" -t "$((SECS + WARM))s" --host "http://127.0.0.1:$3" \
    --only-summary --loglevel WARNING >"$GEN/locust-$1.log" 2>&1
  summary_line "GENERATORS $1:" "$GEN/$1.json" || status=3
}

say "generators: the project under locust, as measure.sh runs it"
locust_run project "$PERF/flows/kzstudy_attempt.json" "$PORT" "$RUN/vars.json"
stop "$SERVER_PID"

say "generators: the ceiling under wrk, then under locust"
[ "$DB" = sqlite ] && CEIL_ENV+=(BENCH_SQLITE_OPTIONS="$SQLITE_OPTS")
(cd "$PERF/ceiling" && env "${CEIL_ENV[@]}" PYTHONPYCACHEPREFIX="$RUN/pycache" "$PY" manage.py migrate --noinput \
   && env "${CEIL_ENV[@]}" PYTHONPYCACHEPREFIX="$RUN/pycache" "$PY" seed.py) >"$GEN/ceiling-prep.log" 2>&1 \
  || { say "generators: ceiling prep failed (see $GEN/ceiling-prep.log)"; return 1 2>/dev/null || exit 1; }
serve ceiling "$PERF/ceiling" "$CPORT" wsgi:application "${CEIL_ENV[@]}"
wrk_json 3 >/dev/null
wrk_json "$SECS" >"$GEN/ceiling-wrk.json"
locust_run ceiling-locust "$PERF/flows/single_request.example.json" "$CPORT"
stop "$SERVER_PID"

python3 - "$GEN" <<'PY' || status=3
import json, sys
gen = sys.argv[1]
project = json.load(open(f"{gen}/project.json"))
wrk = json.load(open(f"{gen}/ceiling-wrk.json"))
by_locust = json.load(open(f"{gen}/ceiling-locust.json"))
print(f"GENERATORS ceiling-wrk: {wrk['rps']:.0f} req/s, p50 {wrk['p50_ms']:.1f} ms, p99 {wrk['p99_ms']:.1f} ms")
for name, rps, p99 in (("wrk", wrk["rps"], wrk["p99_ms"]),
                       ("locust", by_locust["req_per_s"], by_locust["req_p99_ms"])):
    print(f"GENERATORS project against the ceiling by {name}: ratio {project['req_per_s'] / rps:.2f}, "
          f"p99 {project['req_p99_ms'] / p99:.1f}x")
PY
return $status 2>/dev/null || exit $status
