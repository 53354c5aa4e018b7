"""Start-up of a small command: `sla deadline` as a fresh process, median of N runs.

Reported beside its yardsticks in the same run: `python -c pass` (the interpreter alone) and
`import click` (the least a click command line costs), and the same deadline with the rule-set
cache turned off (SLA_CACHE_DIR=""), which parses the YAML and checks it against the schemas.
Target (issue 11): the deadline's median wall time at most 0.15 s.

    python bench/bench_startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
DEADLINE = ["deadline", "standaard", "--priority", "1", "--reported", "2026-11-23T16:00"]


def median_seconds(command: list[str], runs: int, env: dict[str, str], cwd: Path) -> float:
    subprocess.run(command, env=env, cwd=cwd, check=True, capture_output=True)  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, cwd=cwd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    python = str(BIN / "python")
    sla = str(BIN / "sla")
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)  # not the project: as an installed sla runs
        cached = {**os.environ, "SLA_CACHE_DIR": str(cwd / "cache")}
        uncached = {**os.environ, "SLA_CACHE_DIR": ""}
        rows = [
            ("python -c pass", median_seconds([python, "-c", "pass"], runs, cached, cwd)),
            ("import click", median_seconds([python, "-c", "import click"], runs, cached, cwd)),
            ("sla deadline, no cache", median_seconds([sla, *DEADLINE], runs, uncached, cwd)),
            ("sla deadline", median_seconds([sla, *DEADLINE], runs, cached, cwd)),
        ]
    print(f"median wall time of {runs} runs each (one warm-up), fresh processes")
    for name, seconds in rows:
        print(f"  {name:<24} {seconds:6.3f} s")
    print(f"  target: sla deadline <= 0.150 s; {'met' if rows[-1][1] <= 0.15 else 'not met'}")


if __name__ == "__main__":
    main()
