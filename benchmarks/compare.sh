#!/usr/bin/env bash
# Before and after a change, as interleaved pairs of ../shared/perf/measure.sh runs
# (benchmarks/README.md, "Comparing two versions"). Run from the repository root:
#   bash benchmarks/compare.sh BEFORE [--after REV] [--db sqlite|postgres] [--pairs 3]
#        [--users 64] [--seconds 30] [--warmup 5] [--extra-before CODE] [--extra-after CODE]
#        [--out DIR]
# BEFORE (and --after) are git revisions, each measured in a worktree of its own; without
# --after the "after" side is this checkout as it stands. --extra-before/--extra-after hand
# one side measure.sh's --settings-extra, to compare a setting on the same code (BEFORE=HEAD).
# The pairs alternate their order (before first, then after first, ...), so a machine that
# slows down or speeds up during the runs favours neither side. Each run's output is kept in
# DIR (default: a new folder under $TMPDIR or /tmp); the last lines are measure_pairs.py's table.
# Learners here work far faster than people, so their write limit is lifted for the runs.
# Exit status: 0; 1 if a run failed to start; 3 if a run had failed requests.
set -u
[ $# -ge 1 ] && [ "${1#-}" = "$1" ] || { sed -n '2,14p' "$0"; exit 1; }
BEFORE=$1; shift
AFTER="" DB=sqlite PAIRS=3 USERS=64 SECS=30 WARM=5 EXTRA_BEFORE="" EXTRA_AFTER="" OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --after) AFTER=$2; shift 2 ;;
    --db) DB=$2; shift 2 ;;
    --pairs) PAIRS=$2; shift 2 ;;
    --users) USERS=$2; shift 2 ;;
    --seconds) SECS=$2; shift 2 ;;
    --warmup) WARM=$2; shift 2 ;;
    --extra-before) EXTRA_BEFORE=$2; shift 2 ;;
    --extra-after) EXTRA_AFTER=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown argument $1 (see --help)"; exit 1 ;;
  esac
done
case "$DB" in sqlite|postgres) ;; *) echo "--db sqlite|postgres"; exit 1 ;; esac
case "$PAIRS$USERS$SECS$WARM" in *[!0-9]*) echo "--pairs/--users/--seconds/--warmup take integers"; exit 1 ;; esac
[ -f manage.py ] || { echo "run me from the repository root"; exit 1; }
MEASURE=${PERF_MEASURE:-../shared/perf/measure.sh}
[ -f "$MEASURE" ] || { echo "no $MEASURE (set PERF_MEASURE)"; exit 1; }
MEASURE=$(realpath "$MEASURE")  # the worktrees run it from elsewhere
ROOT=$PWD
TREES=$(mktemp -d "${TMPDIR:-/tmp}/kzstudy-compare-trees-XXXXXX")
cleanup() {
  for tree in "$TREES"/*; do [ -d "$tree" ] && git -C "$ROOT" worktree remove --force "$tree"; done
  rm -rf "$TREES"
}
trap cleanup EXIT INT TERM

checkout() {  # checkout NAME REV: a worktree of REV, printed
  git -C "$ROOT" worktree add --detach -q "$TREES/$1" "$2" >&2 || { echo "no revision $2" >&2; exit 1; }
  echo "$TREES/$1"
}
BEFORE_DIR=$(checkout before "$BEFORE") || exit 1
AFTER_DIR=$ROOT; [ -n "$AFTER" ] && { AFTER_DIR=$(checkout after "$AFTER") || exit 1; }
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/kzstudy-compare-XXXXXX")}; mkdir -p "$OUT"
export API_WRITE_RATE=1000000/minute SECURE_SSL_REDIRECT=0

measure() {  # measure SIDE PAIR
  local dir=$BEFORE_DIR extra=$EXTRA_BEFORE
  [ "$1" = after ] && dir=$AFTER_DIR extra=$EXTRA_AFTER
  local file="$OUT/$DB-$2-$1.txt"
  (cd "$dir" && bash "$MEASURE" --db "$DB" --users "$USERS" --seconds "$SECS" --warmup "$WARM" \
     ${extra:+--settings-extra "$extra"}) > "$file" 2>&1
  echo "compare: pair $2, $1: $(grep '^perf:' "$file" || echo "no result (see $file)")"
}

echo "compare: $(date -u +%FT%TZ), $DB, before $BEFORE$([ -n "$EXTRA_BEFORE" ] && echo " + settings"), after ${AFTER:-this checkout}$([ -n "$EXTRA_AFTER" ] && echo " + settings"), $PAIRS pairs; outputs in $OUT"
files=()
for pair in $(seq "$PAIRS"); do
  if [ $((pair % 2)) = 1 ]; then measure before "$pair"; measure after "$pair"
  else measure after "$pair"; measure before "$pair"; fi
  files+=("$OUT/$DB-$pair-before.txt" "$OUT/$DB-$pair-after.txt")
done
python3 "$ROOT/benchmarks/measure_pairs.py" "${files[@]}"
