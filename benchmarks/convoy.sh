# Sourced by ../shared/perf/measure.sh --instead (see benchmarks/README.md, "Why the p99"):
# the same API flow as measure.sh, on the same server, twice:
#   1. lock-step, as measure.sh runs it: every learner starts the next attempt the moment the
#      last one is submitted, so all of them start, answer and submit in step;
#   2. staggered: each learner pauses a random 0..PAUSE_S seconds (default 0.2) between
#      attempts, as learners of a real exam do, which breaks the step.
# Each prints one line with the request rate and p50/p99 overall and per request. Status 3 if a
# request failed. (With the server's request log captured, `benchmarks/convoy_order.py` tells
# how many starts and submits were served next to another: all of them in lock-step.)
PAUSE_S=${PAUSE_S:-0.2}
. "$CHECKOUT/benchmarks/locust_summary.sh"
status=0
flow_run() {  # flow_run LABEL FLOW_FILE
  FLOW_FILE="$2" FLOW_VARS="$RUN/vars.json" LOCUST_SUMMARY="$RUN/convoy-$1.json" \
    LOCUST_WARMUP_S="$WARM" timeout $((SECS + WARM + 60)) "$LOCUST" -f "$PERF/locustfile_flow.py" \
    --headless -u "$USERS" -r "$USERS" -t "$((SECS + WARM))s" --host "http://127.0.0.1:$PORT" \
    --only-summary --loglevel WARNING >"$RUN/locust-convoy-$1.log" 2>&1
  summary_line "CONVOY $1:" "$RUN/convoy-$1.json" || status=3
}
python3 - "$PERF/flows/kzstudy_attempt.json" "$RUN/staggered.json" "$PAUSE_S" <<'PY'
import json, os, sys
source, target, pause = sys.argv[1], sys.argv[2], float(sys.argv[3])
flow = json.load(open(source))
flow["hooks"] = os.path.join(os.path.dirname(source), flow["hooks"])  # absolute: read from $RUN
flow["wait_s"] = [0, pause]
json.dump(flow, open(target, "w"))
PY
echo "CONVOY-PHASE lock-step"
flow_run lock-step "$PERF/flows/kzstudy_attempt.json"
echo "CONVOY-PHASE staggered"
flow_run staggered "$RUN/staggered.json"
return $status 2>/dev/null || exit $status
