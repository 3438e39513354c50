#!/usr/bin/env bash
# The attempt path against the Django ceiling, on SQLite and PostgreSQL (benchmarks/README.md).
# Run from the repository root:
#   bash benchmarks/bench_attempts.sh [--db sqlite|postgres|both] [--users 64] [--burst 300]
#                                     [--seconds 30] [--warmup 5]
# For each database, two runs of ../shared/perf/measure.sh on a fresh database each:
#   1. the API flow (start, a PUT per question, submit) with --users learners against the
#      framework ceiling measured in the same run: ratio, p99s, queries per request;
#   2. with --burst learners: the exam-start burst, the page flow, the API flow before and after
#      seeding 10,000 learners and 1,000,000 responses, and EXPLAIN of a learner's queries
#      (benchmarks/attempts_extra.sh).
# Learners here work far faster than people, so their write limit is lifted for the run
# (API_WRITE_RATE); plain HTTP on loopback (SECURE_SSL_REDIRECT=0).
set -u
DBS="sqlite postgres" USERS=64 BURST=300 SECS=30 WARM=5
while [ $# -gt 0 ]; do
  case "$1" in
    --db) DBS=$([ "$2" = both ] && echo "sqlite postgres" || echo "$2"); shift 2 ;;
    --users) USERS=$2; shift 2 ;;
    --burst) BURST=$2; shift 2 ;;
    --seconds) SECS=$2; shift 2 ;;
    --warmup) WARM=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown argument $1 (see --help)"; exit 1 ;;
  esac
done
[ -f manage.py ] || { echo "run me from the repository root"; exit 1; }
MEASURE=${PERF_MEASURE:-../shared/perf/measure.sh}
[ -f "$MEASURE" ] || { echo "no $MEASURE (set PERF_MEASURE)"; exit 1; }
export API_WRITE_RATE=1000000/minute SECURE_SSL_REDIRECT=0
worst=0
echo "bench: $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for db in $DBS; do
  echo "== $db: API flow against the ceiling, $USERS learners"
  bash "$MEASURE" --db "$db" --users "$USERS" --seconds "$SECS" --warmup "$WARM" 2>&1 \
    | grep -E '^  |^perf:|^measure: .*(fail|did not|WARNING)' ; rc=${PIPESTATUS[0]}
  [ "$rc" -gt "$worst" ] && worst=$rc
  echo "== $db: burst of $BURST, page flow, data volume, EXPLAIN"
  bash "$MEASURE" --db "$db" --users "$BURST" --seconds "$SECS" --warmup "$WARM" \
    --instead benchmarks/attempts_extra.sh 2>&1 \
    | grep -vE '^(INFO|WARNING|ERROR) |imported automatically|^\s*$' ; rc=${PIPESTATUS[0]}
  [ "$rc" -gt "$worst" ] && worst=$rc
done
echo "bench: done, load average $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$worst"
