"""Side by side: measure.sh runs of two versions, taken as interleaved pairs (compare.sh).

    python benchmarks/measure_pairs.py BEFORE_1.txt AFTER_1.txt [BEFORE_2.txt AFTER_2.txt ...]

Reads what `../shared/perf/measure.sh` printed for each run (its summary lines and the server's
request log) and prints a markdown table: the ceiling's rate and p99, the project's rate, ratio
and p99 as a multiple of the ceiling's, both tails' shapes, the project's start, submit and
answer latencies, and the server's own median time per kind of request; then the medians of
each side.

A tail's shape `k` is the run's p99 over its mean latency, which with learners who never pause
is users ÷ rate (Little's law). The p99 multiple is then exactly (k ÷ the ceiling's k) ÷ ratio
(benchmarks/README.md, session 12), so the medians also say what ratio 3× would need at those
shapes.

On this machine the same code has served anywhere between 489 and 834 requests a second in one
morning (benchmarks/README.md, session 11), so a single pair decides nothing: the medians of
several, taken in alternating order, and the server's own times are what to read.

Exit status: 0; 1 if a run has no result; 3 if a run had failed requests.
"""

from __future__ import annotations

import re
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path

KINDS = ("start", "submit", "answer")
P99_TARGET = 3.0  # issue #12: the project's p99 at most 3x the ceiling's
_CEILING = re.compile(
    r"^\s+ceiling .*-c(\d+): ([\d.]+) req/s, p50 [\d.]+ ms, p99 ([\d.]+) ms, errors (\d+)"
)
_PROJECT = re.compile(r"^perf: project ([\d.]+) req/s \(.*p99 ([\d.]+) ms\) = ([\d.]+) of ceiling")
_FAILED = re.compile(r"^\s+[\d.]+ req/s, request p50 .* failed (\d+) of \d+")
_PER_REQUEST = re.compile(r"^\s+(POST|PUT) (\S+): n \d+, p50 ([\d.]+) ms, p99 ([\d.]+) ms")
_SERVER = re.compile(r"INFO kzstudy\.request \[[^\]]*\] (?:PUT|POST) (\S+) \d{3} ([\d.]+)ms")


def kind_of(path: str) -> str | None:
    """Which request of the attempt flow a path is (None: not one of them)."""
    if "/answers/" in path:
        return "answer"
    if path.rstrip("/").endswith("/submit"):
        return "submit"
    if "/quizzes/" in path and path.rstrip("/").endswith("/attempts"):
        return "start"
    return None


@dataclass
class Run:
    """What one measure.sh run measured."""

    name: str
    ceiling_rps: float
    ceiling_p99: float
    rps: float
    p99: float
    ratio: float
    users: int  # learners, and the ceiling's wrk connections
    failed: int = 0
    latency: dict[str, tuple[float, float]] = field(default_factory=dict)  # kind: (p50, p99)
    server_p50: dict[str, float] = field(default_factory=dict)

    @property
    def p99_multiple(self) -> float:
        return self.p99 / self.ceiling_p99

    @property
    def tail(self) -> float:
        return tail_shape(self.p99, self.rps, self.users)

    @property
    def ceiling_tail(self) -> float:
        return tail_shape(self.ceiling_p99, self.ceiling_rps, self.users)


def tail_shape(p99_ms: float, rps: float, users: int) -> float:
    """A p99 over its run's mean latency, users ÷ rate with learners who never pause."""
    return p99_ms / (users / rps * 1000)


def parse(name: str, text: str) -> Run | None:
    """The run's figures, or None if it printed no result (a setup that failed)."""
    ceiling = project = failed = None
    latency: dict[str, tuple[float, float]] = {}
    server: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for line in text.splitlines():
        if m := _CEILING.match(line):
            ceiling = m
        elif m := _PROJECT.match(line):
            project = m
        elif m := _FAILED.match(line):
            failed = int(m.group(1))
        elif (m := _PER_REQUEST.match(line)) and (kind := kind_of(m.group(2))):
            latency[kind] = (float(m.group(3)), float(m.group(4)))
        elif (m := _SERVER.search(line)) and (kind := kind_of(m.group(1))):
            server[kind].append(float(m.group(2)))
    if ceiling is None or project is None:
        return None
    return Run(
        name=name,
        users=int(ceiling.group(1)),
        ceiling_rps=float(ceiling.group(2)),
        ceiling_p99=float(ceiling.group(3)),
        rps=float(project.group(1)),
        p99=float(project.group(2)),
        ratio=float(project.group(3)),
        failed=(failed or 0) + int(ceiling.group(4)),
        latency=latency,
        server_p50={kind: statistics.median(times) for kind, times in server.items() if times},
    )


def _row(side: str, pair: int, run: Run) -> str:
    latency = ", ".join(
        f"{run.latency[k][0]:.0f} / {run.latency[k][1]:.0f}" for k in KINDS if k in run.latency
    )
    server = " / ".join(f"{run.server_p50[k]:.1f}" for k in KINDS if k in run.server_p50)
    return (
        f"| {pair} | {side} | {run.ceiling_rps:,.0f} ({run.ceiling_p99:.1f} ms) | {run.rps:,.0f} "
        f"| {run.ratio:.2f} | {run.p99:.0f} ms ({run.p99_multiple:.1f}×) "
        f"| {run.tail:.2f} ({run.ceiling_tail:.2f}) | {latency} ms "
        f"| {server} ms | {run.failed} |"
    )


def table(pairs: list[tuple[Run, Run]]) -> str:
    """The pairs as a markdown table, then each side's medians."""
    lines = [
        "| pair | side | ceiling req/s (p99) | kzstudy req/s | ratio | p99 (× ceiling's) "
        "| tail k (ceiling's) | p50 / p99 start, submit, answer "
        "| server p50 start / submit / answer | failed |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n, (before, after) in enumerate(pairs, start=1):
        lines += [_row("before", n, before), _row("after", n, after)]
    lines.append("")
    for side, runs in (("before", [p[0] for p in pairs]), ("after", [p[1] for p in pairs])):
        server = {
            k: statistics.median(r.server_p50[k] for r in runs)
            for k in KINDS
            if all(k in r.server_p50 for r in runs)
        }
        lines.append(
            f"median {side}: {statistics.median(r.rps for r in runs):,.0f} req/s, ratio "
            f"{statistics.median(r.ratio for r in runs):.2f}, p99 "
            f"{statistics.median(r.p99_multiple for r in runs):.1f}× the ceiling's, server p50 "
            + " / ".join(f"{k} {ms:.1f}" for k, ms in server.items())
            + " ms"
        )
        tail = statistics.median(r.tail for r in runs)
        ceiling_tail = statistics.median(r.ceiling_tail for r in runs)
        lines.append(
            f"  tail k {tail:.2f} against the ceiling's {ceiling_tail:.2f}: a p99 of "
            f"{P99_TARGET:g}× at these shapes needs a ratio of "
            f"{ratio_needed(tail, ceiling_tail):.2f}"
        )
    return "\n".join(lines)


def ratio_needed(tail: float, ceiling_tail: float, multiple: float = P99_TARGET) -> float:
    """The ratio at which the p99 is `multiple` times the ceiling's, the tails' shapes given."""
    return tail / ceiling_tail / multiple


def main(argv: list[str]) -> int:
    if not argv or len(argv) % 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 1
    runs = [parse(Path(p).name, Path(p).read_text(errors="replace")) for p in argv]
    missing = [p for p, run in zip(argv, runs, strict=True) if run is None]
    if missing:
        print(f"no result in {', '.join(missing)}", file=sys.stderr)
        return 1
    pairs = list(zip(runs[0::2], runs[1::2], strict=True))
    print(table(pairs))
    return 3 if any(run.failed for run in runs) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
