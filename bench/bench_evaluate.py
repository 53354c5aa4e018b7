"""`sla evaluate` on a large generated export against a plain csv-module copy, in one run.

Run: .venv/bin/python bench/bench_evaluate.py [N] [--runs=K] [--profile]
     (default N = 1,000,000, K = 3)

Issue 11's targets: `sla evaluate advanced` of the CSV at most 1.0x the wall time of a plain
CPython copy of the same file (csv.reader every row, csv.writer it back with three more
columns), peak memory at most 150 MB; the same rows as JSON Lines in and out at most 1.3x the
CSV in and out. The three commands run in turn (copy, CSV, JSON Lines), K times, so a drift
of the shared machine's speed hits all three alike; the ratios are per round.

Generates N incidents (seeded, so every run evaluates the same file) into a temporary folder:
priorities 1–4, reports at whole minutes on any day and hour of 2026, most with a first
response, two in three resolved, minutes worked on most, some on site with travel time, a few
with causes, pauses or a priority change, and one row in a thousand malformed. Then runs
`sla evaluate advanced FILE -o OUT.csv --as-of …` in a subprocess K times on that one file and
reports each run's wall time and peak resident memory (getrusage of the child), then the
fastest, median and slowest: a shared machine's speed drifts by tens of percent from minute to
minute, so one run says little.
With --profile, runs the evaluation in this process under cProfile instead (N default 100,000)
and prints the functions with the most own time.
"""

from __future__ import annotations

import compileall
import cProfile
import csv
import json
import pstats
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = (
    "ticket,priority,reported,first_response,resolved,on_site_arrival,pauses,causes,minutes,"
    "work,on_site,travel_minutes,priority_history\n"
)
AS_OF = "2027-01-04T09:00"
TARGET_MB = 150.0
COPY = """
import csv, sys
with open(sys.argv[1], encoding="utf-8", newline="") as inp, open(
    sys.argv[2], "w", encoding="utf-8", newline=""
) as out:
    reader, writer = csv.reader(inp), csv.writer(out, lineterminator="\\n")
    writer.writerow([*next(reader), "row", "status", "cost"])
    for row in reader:
        row += [str(reader.line_num), "met", "0.00"]
        writer.writerow(row)
"""


def _t(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def generate(path: Path, n: int) -> None:
    rng = random.Random(20261123)
    first = datetime(2026, 1, 1)
    span = 364 * 24 * 60
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for i in range(n):
            if i % 1000 == 999:
                out.write(f"T-{i},5,gisteren,,,,,,abc,,,,\n")
                continue
            prio = rng.choice((1, 2, 2, 3, 3, 3, 4, 4))
            # reports mostly in office hours on weekdays, some in the evening and weekend
            day = first + timedelta(minutes=rng.randrange(span))
            if rng.random() < 0.8:
                day = day.replace(hour=rng.randint(9, 16))
                if day.weekday() >= 5:
                    day -= timedelta(days=day.weekday() - 4)
            reported = day
            responded = reported + timedelta(minutes=rng.randint(5, 600))
            if not 9 <= responded.hour < 17 or responded.weekday() >= 5:  # next office hours
                ahead = 1 if responded.weekday() < 4 else 7 - responded.weekday()
                responded = (responded + timedelta(days=ahead)).replace(hour=9)
            resolved = responded + timedelta(minutes=rng.randint(10, 3000))
            cells = [f"T-{i}", str(prio), _t(reported), "", "", "", "", "", "", "", "", "", ""]
            if rng.random() < 0.9:
                cells[3] = _t(responded)
                if rng.random() < 0.7:
                    cells[4] = _t(resolved)
            if rng.random() < 0.85:
                cells[8] = str(rng.choice((10, 15, 20, 30, 45, 60, 90, 120)))
                cells[9] = rng.choice(("incident",) * 8 + ("config-change", "outside-sla"))
                if prio == 1 and rng.random() < 0.3:
                    cells[10], cells[11] = "true", str(rng.choice((15, 30, 45)))
                    if cells[3]:
                        cells[5] = _t(responded + timedelta(minutes=60))
            if rng.random() < 0.03:
                cells[7] = rng.choice(("derde-partij", "misbruik", "overmacht"))
            if rng.random() < 0.02 and cells[3]:
                cells[6] = f"{_t(responded)}/{_t(responded + timedelta(minutes=90))}"
            if rng.random() < 0.03:
                new = rng.choice((1, 2))
                change = reported + timedelta(minutes=rng.randint(1, 600))
                cells[1] = ""
                cells[12] = f"{_t(reported)}={prio};{_t(change)}={new}"
                if cells[4] and resolved < change:
                    cells[12] = f"{_t(reported)}={prio}"
                    cells[1] = str(prio)
            out.write(",".join(cells) + "\n")


def as_jsonl(source: Path, target: Path) -> None:
    """The CSV rows as JSON Lines, typed as a helpdesk writes them (numbers, lists)."""
    with (
        source.open(encoding="utf-8", newline="") as inp,
        target.open("w", encoding="utf-8") as out,
    ):
        for record in csv.DictReader(inp):
            values: dict[str, object] = {k: v for k, v in record.items() if v != ""}
            for name in ("priority", "minutes", "travel_minutes"):
                text = values.get(name)
                if isinstance(text, str) and text.isdigit():
                    values[name] = int(text)
            for name in ("pauses", "causes", "priority_history"):
                text = values.get(name)
                if isinstance(text, str):
                    values[name] = text.split(";")
            out.write(json.dumps(values) + "\n")


def timed(command: list[str]) -> tuple[float, float, str, str]:
    """Wall seconds and peak MB of one child process, its stdout and stderr."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode not in (0, 1):
        print(done.stderr[-2000:], file=sys.stderr)
        raise SystemExit(f"{command[1:3]} failed with exit {done.returncode}")
    # ru_maxrss of children is the largest child so far: a new peak only when it grew
    return wall, (peak_kb if peak_kb > before else 0) / 1024, done.stdout, done.stderr


def evaluate(source: Path, target: Path) -> list[str]:
    return [
        sys.executable,
        str(ROOT / "cli.py"),
        "evaluate",
        "advanced",
        str(source),
        "-o",
        str(target),
        "--as-of",
        AS_OF,
    ]


def profile(source: Path, target: Path) -> None:
    from engine.clock.times import parse_time
    from engine.contract.load import resolve_target
    from engine.evaluate.export import evaluate_export
    from engine.rules.ruleset import load_rules

    rules = load_rules()
    contract = resolve_target(rules, "advanced")
    profiler = cProfile.Profile()
    profiler.enable()
    evaluate_export(
        rules, contract, source, parse_time(AS_OF), output=target, on_reject=lambda p: None
    )
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    options = dict(a[2:].partition("=")[::2] for a in sys.argv[1:] if a.startswith("--"))
    profiling = "profile" in options
    n = int(args[0]) if args else (100_000 if profiling else 1_000_000)
    runs = int(options.get("runs") or 3)
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "incidents.csv", Path(folder) / "outcome.csv"
        t0 = time.perf_counter()
        generate(source, n)
        print(
            f"generated {n:,} incidents ({source.stat().st_size / 1e6:.0f} MB) "
            f"in {time.perf_counter() - t0:.1f} s"
        )
        if profiling:
            profile(source, target)
            return
        jsonl = Path(folder) / "incidents.jsonl"
        as_jsonl(source, jsonl)
        # The engine byte-compiled first, as `make` leaves it: with PYTHONDONTWRITEBYTECODE set
        # (as on this machine) every run would otherwise compile it again (0.3-0.5 s).
        compileall.compile_dir(ROOT / "engine", quiet=1)
        compileall.compile_file(ROOT / "cli.py", quiet=1)
        commands = {
            "csv copy": [sys.executable, "-c", COPY, str(source), str(Path(folder) / "copy.csv")],
            "evaluate csv": evaluate(source, target),
            "evaluate jsonl": evaluate(jsonl, Path(folder) / "outcome.jsonl"),
        }
        walls: dict[str, list[float]] = {name: [] for name in commands}
        peaks: dict[str, float] = dict.fromkeys(commands, 0.0)
        for run in range(1, runs + 1):
            for name, command in commands.items():
                wall, peak, out, err = timed(command)
                walls[name].append(wall)
                peaks[name] = max(peaks[name], peak)
                if run == 1 and name == "evaluate csv":
                    print(out.split("\n\n")[0])
                    rejected = err.count("\n")
            print(
                f"round {run}: " + ", ".join(f"{name} {walls[name][-1]:.1f} s" for name in commands)
            )
        with target.open(encoding="utf-8") as out:
            rows_out = sum(1 for _ in out) - 1
        print(f"output: {rows_out:,} rows + {rejected:,} rejected = {rows_out + rejected:,}")
        for name in commands:
            w = walls[name]
            print(
                f"{name:15} fastest {min(w):.2f} s, median {statistics.median(w):.2f} s, "
                f"slowest {max(w):.2f} s"
            )
        csv_ratio = [e / c for e, c in zip(walls["evaluate csv"], walls["csv copy"], strict=True)]
        jsonl_ratio = [
            j / e for j, e in zip(walls["evaluate jsonl"], walls["evaluate csv"], strict=True)
        ]
        print(
            f"evaluate csv / csv copy, per round: median {statistics.median(csv_ratio):.2f} "
            f"(target 1.0); evaluate jsonl / evaluate csv: median "
            f"{statistics.median(jsonl_ratio):.2f} (target 1.3)"
        )
        print(
            f"peak memory: evaluate csv {peaks['evaluate csv']:.0f} MB, evaluate jsonl "
            f"{peaks['evaluate jsonl']:.0f} MB (target {TARGET_MB:.0f} MB)"
        )


if __name__ == "__main__":
    main()
