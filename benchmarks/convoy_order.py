"""How many starts and submits the server served next to another start or submit.

Reads the captured output of `measure.sh --instead benchmarks/convoy.sh` (the server's request
log lines, `kzstudy.request … METHOD PATH STATUS`, and the CONVOY-PHASE markers) from stdin and
prints, per phase, the share of starts and submits whose neighbour in serving order was also a
start or submit: about 1.0 when the learners move in lock-step (all start, then all answer,
then all submit), about 0.2 when their starts and submits are spread among the answers.
"""

from __future__ import annotations

import re
import sys

REQUEST = re.compile(r"kzstudy\.request \[\w+\] (POST|PUT) \S+ \d+ ")
PHASE = re.compile(r"^CONVOY-PHASE (\S+)")


def clustered(kinds: list[bool]) -> tuple[float, int]:
    """The share of heavy requests (True) with a heavy neighbour, and how many there were."""
    heavy = [i for i, is_heavy in enumerate(kinds) if is_heavy]
    paired = sum(
        1 for i in heavy if (i > 0 and kinds[i - 1]) or (i + 1 < len(kinds) and kinds[i + 1])
    )
    return (paired / len(heavy) if heavy else 0.0), len(heavy)


def main() -> None:
    phases: dict[str, list[bool]] = {}
    current = None
    for line in sys.stdin:
        if found := PHASE.search(line):
            current = phases.setdefault(found.group(1), [])
        elif current is not None and (found := REQUEST.search(line)):
            current.append(found.group(1) == "POST")
    for name, kinds in phases.items():
        share, count = clustered(kinds)
        print(f"{name}: {share:.2f} of {count} starts and submits served next to another")


if __name__ == "__main__":
    main()
