"""benchmarks/measure_pairs.py reads measure.sh's outputs right: the figures a before/after
comparison of the attempt path states come from it (benchmarks/compare.sh)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "measure_pairs.py"
_spec = importlib.util.spec_from_file_location("measure_pairs", SCRIPT)
measure_pairs = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("measure_pairs", measure_pairs)  # its dataclasses look themselves up
_spec.loader.exec_module(measure_pairs)


def measure_output(
    *, ceiling: float, project: float, p99: float, failed: int = 0, answer_ms: float = 1.0
) -> str:
    """What measure.sh prints, in its own format, with the server's request log mixed in."""
    log = "\n".join(
        [
            "INFO kzstudy.request [a1] POST /api/v1/quizzes/10/attempts/ 201 4.5ms",
            f"INFO kzstudy.request [a2] PUT /api/v1/attempts/7/answers/25/ 200 {answer_ms}ms",
            f"INFO kzstudy.request [a3] PUT /api/v1/attempts/7/answers/26/ 200 {answer_ms}ms",
            f"INFO kzstudy.request [a4] PUT /api/v1/attempts/7/answers/27/ 200 {answer_ms * 3}ms",
            "INFO kzstudy.request [a5] POST /api/v1/attempts/7/submit/ 200 3.5ms",
            "INFO kzstudy.request [a6] GET /healthz 200 0.2ms",
        ]
    )
    return f"""measure: project: locust 64 learners, 5s warm-up + 30s measured
{log}
  ceiling  POST /db (1 SELECT + 1 INSERT), wrk -c64: {ceiling} req/s, p50 34.9 ms, p99 50.0 ms, errors 0
  project  quiz 10 'Final exam': 18 questions -> 20 requests per attempt; 64 learners, 30 s measured
           {project} req/s, request p50 101.5 ms, p99 {p99} ms, failed {failed} of 16067
           POST /api/v1/attempts/{{id}}/submit/: n 768, p50 165.51 ms, p99 284.24 ms
           POST /api/v1/quizzes/{{id}}/attempts/: n 768, p50 210.85 ms, p99 308.44 ms
           PUT /api/v1/attempts/{{id}}/answers/{{question_id}}/: n 14531, p50 96.57 ms, p99 189.91 ms
  queries  start 6, answer 2.0 (2-2), submit 12: 54 per attempt, 2.7 per request (ceiling: 2)
perf: project {project:.0f} req/s (26.89 attempts/s, p99 {p99:.0f} ms) = {project / ceiling:.2f} of ceiling {ceiling:.0f} req/s [sqlite]
"""


def test_a_run_reads_as_its_rates_p99s_latencies_and_server_times():
    run = measure_pairs.parse("run", measure_output(ceiling=2000, project=800, p99=200))

    assert (run.ceiling_rps, run.ceiling_p99, run.rps, run.p99) == (2000, 50.0, 800, 200)
    assert run.ratio == 0.4 and run.p99_multiple == 4.0
    assert run.latency == {
        "start": (210.85, 308.44),
        "submit": (165.51, 284.24),
        "answer": (96.57, 189.91),
    }
    # The server's medians, from its request log: the health check is none of the flow's.
    assert run.server_p50 == {"start": 4.5, "submit": 3.5, "answer": 1.0}


def test_a_runs_p99_multiple_splits_into_its_tail_shapes_and_its_ratio():
    run = measure_pairs.parse("run", measure_output(ceiling=2000, project=800, p99=200))

    # Means by Little's law: 64 learners / 800 req/s = 80 ms; 64 / 2000 req/s = 32 ms.
    assert run.users == 64
    assert run.tail == pytest.approx(200 / 80) and run.ceiling_tail == pytest.approx(50 / 32)
    assert run.p99_multiple == pytest.approx(
        run.tail / run.ceiling_tail / (run.rps / run.ceiling_rps)
    )
    assert measure_pairs.ratio_needed(run.tail, run.ceiling_tail) == pytest.approx(
        run.ratio * run.p99_multiple / 3
    )


def test_pairs_print_side_by_side_with_each_sides_median(tmp_path, capsys):
    files = []
    for n, (before, after) in enumerate([(600, 700), (500, 750), (650, 720)], start=1):
        for side, rate, answer in (("before", before, 1.2), ("after", after, 0.9)):
            path = tmp_path / f"{n}-{side}.txt"
            path.write_text(measure_output(ceiling=2000, project=rate, p99=250, answer_ms=answer))
            files.append(str(path))

    assert measure_pairs.main(files) == 0

    out = capsys.readouterr().out
    assert "| 1 | before | 2,000 (50.0 ms) | 600 | 0.30 | 250 ms (5.0×) | 2.34 (1.56) |" in out
    assert "| 3 | after | 2,000 (50.0 ms) | 720 | 0.36 |" in out
    assert "median before: 600 req/s, ratio 0.30" in out
    assert "median after: 720 req/s, ratio 0.36" in out
    assert "answer 1.2 ms" in out.split("median after")[0]
    assert "answer 0.9 ms" in out.split("median after")[1]
    # Before: tail 250 / (64 / 600 s) = 2.34 against 1.56, so 3x needs a ratio of 0.50.
    before = out.split("median before")[1].split("median after")[0]
    assert (
        "tail k 2.34 against the ceiling's 1.56: a p99 of 3× at these shapes needs a ratio of 0.50"
        in before
    )


def test_a_run_with_failed_requests_fails_the_comparison(tmp_path):
    before, after = tmp_path / "b.txt", tmp_path / "a.txt"
    before.write_text(measure_output(ceiling=2000, project=600, p99=250))
    after.write_text(measure_output(ceiling=2000, project=700, p99=240, failed=3))

    assert measure_pairs.main([str(before), str(after)]) == 3


@pytest.mark.parametrize("broken", ["measure: preflight failed (server log: x)\n", ""])
def test_a_run_without_a_result_is_named_and_fails(tmp_path, capsys, broken):
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text(measure_output(ceiling=2000, project=600, p99=250))
    bad.write_text(broken)

    assert measure_pairs.main([str(good), str(bad)]) == 1
    assert "no result in" in capsys.readouterr().err


def test_an_odd_number_of_runs_is_refused(tmp_path):
    only = tmp_path / "one.txt"
    only.write_text(measure_output(ceiling=2000, project=600, p99=250))

    assert measure_pairs.main([str(only)]) == 1


ROOT = SCRIPT.parents[1]


def compare(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    # A stand-in measure.sh: these runs must stop before measuring anything.
    stand_in = tmp_path / "measure.sh"
    stand_in.write_text("echo measured >> " + str(tmp_path / "measured") + "\n")
    return subprocess.run(
        ["bash", "benchmarks/compare.sh", *args],
        cwd=ROOT,
        # Its worktrees go under tmp_path, so a test sees only its own (tests run in parallel).
        env={**os.environ, "PERF_MEASURE": str(stand_in), "TMPDIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def worktrees_under(folder: Path) -> list[str]:
    listed = subprocess.run(
        ["git", "worktree", "list", "--porcelain"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line for line in listed.splitlines() if line.startswith(f"worktree {folder}")]


def test_compare_without_a_revision_prints_how_to_use_it(tmp_path):
    run = compare(tmp_path=tmp_path)

    assert run.returncode == 1
    assert "bash benchmarks/compare.sh BEFORE" in run.stdout
    assert not (tmp_path / "measured").exists()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["no-such-revision"], "no revision no-such-revision"),
        (["HEAD", "--db", "oracle"], "--db sqlite|postgres"),
        (["HEAD", "--pairs", "three"], "take integers"),
        (["HEAD", "--colour"], "unknown argument --colour"),
    ],
)
def test_compare_refuses_bad_arguments_before_measuring_or_leaving_anything(tmp_path, args, says):
    run = compare(*args, "--out", str(tmp_path / "out"), tmp_path=tmp_path)

    assert run.returncode == 1
    assert says in run.stdout + run.stderr
    assert not (tmp_path / "measured").exists() and not (tmp_path / "out").exists()
    assert worktrees_under(tmp_path) == []  # no worktree left behind


def test_compare_measures_both_sides_in_turn_and_removes_its_worktree(tmp_path):
    run = compare("HEAD", "--pairs", "2", "--out", str(tmp_path / "out"), tmp_path=tmp_path)

    # The stand-in measured four times (two pairs) and printed no result, which is named.
    assert (tmp_path / "measured").read_text().count("measured") == 4
    assert run.returncode == 1 and "no result in" in run.stderr
    assert [line.split(", ")[0] for line in run.stdout.splitlines()[1:]] == [
        "compare: pair 1",
        "compare: pair 1",
        "compare: pair 2",
        "compare: pair 2",
    ]
    assert "pair 1, before" in run.stdout.splitlines()[1]  # first pair: before first
    assert "pair 2, after" in run.stdout.splitlines()[3]  # second: after first
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "sqlite-1-after.txt",
        "sqlite-1-before.txt",
        "sqlite-2-after.txt",
        "sqlite-2-before.txt",
    ]
    assert worktrees_under(tmp_path) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("kzstudy-compare")] == []
