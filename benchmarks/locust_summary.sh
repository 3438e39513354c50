# Sourced by the measure.sh --instead scripts (attempts_extra.sh, convoy.sh): one way to print a
# locust summary.
summary_line() {  # summary_line LABEL SUMMARY_JSON: one line, then one per request; status 3 if any failed
  python3 - "$1" "$2" <<'PY'
import json, sys
label, path = sys.argv[1], sys.argv[2]
s = json.load(open(path))
failed = s.get("requests_failed", 0)
print(f"{label} {s['req_per_s']} req/s, p50 {s['req_p50_ms']} ms, p99 {s['req_p99_ms']} ms, "
      f"failed {failed} of {s['requests'] + failed}")
for name, r in s["per_request"].items():
    print(f"    {name}: n {r['n']}, p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms")
sys.exit(3 if failed else 0)
PY
}
