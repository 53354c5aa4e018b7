"""Validate 1,000 generated contracts: `sla validate` against check-jsonschema, in one run.

Both run as a fresh process over the same files, so start-up counts for both. check-jsonschema
checks the contract schema alone; `sla validate` checks the schema, the rules (tiers, add-ons,
calendars), the merge and every cross-file rule. Target: under 2 s wall for 1,000 files.

    python bench/bench_validate.py [--files N] [--repeat R]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def contract_text(number: int, rng: random.Random) -> str:
    tier = rng.choice(["standaard", "advanced", "enterprise", "maatwerk", None])
    lines = [
        "# yaml-language-server: $schema=../schemas/contract.schema.json",
        f"customer: Klant {number} B.V.",
    ]
    if tier:
        lines.append(f"tier: {tier}")
    if tier == "maatwerk":
        lines.append(f"base: {rng.choice(['standaard', 'advanced', 'enterprise'])}")
    if tier in ("advanced", "enterprise", "maatwerk") and rng.random() < 0.5:
        lines.append("addons: [aws]")
    lines += [
        f"start: 2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        f"period_months: {rng.choice([6, 12, 24])}",
        f"contact: {{name: Contact {number}, email: c{number}@example.nl}}",
    ]
    if tier == "maatwerk":
        lines += [
            "overrides:",
            "  targets:",
            # no longer than any base tier's PRIO 1 targets (2h at least), so nothing weakens
            f"    P1: {{first_response: {rng.randint(1, 2)}h, resolution: {rng.randint(1, 2)}h}}",
            f'  rates: {{outside_sla: "{rng.randint(70, 85)}.00"}}',
        ]
    return "\n".join(lines) + "\n"


def timed(command: list[str], cwd: Path) -> tuple[float, int]:
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, check=False, cwd=cwd)
    return time.perf_counter() - started, completed.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(2026)
    work = Path(tempfile.mkdtemp(prefix="sla-bench-"))
    try:
        folder = work / "contracts"
        folder.mkdir()
        for number in range(args.files):
            (folder / f"klant-{number:04d}.yaml").write_text(contract_text(number, rng))
        files = sorted(str(p) for p in folder.iterdir())
        schema = str(ROOT / "schemas" / "contract.schema.json")
        peers = {
            "sla validate": [
                str(BIN / "sla"),
                "--rules",
                str(ROOT / "rules"),
                "validate",
                str(folder),
            ],
            "check-jsonschema": [str(BIN / "check-jsonschema"), "--schemafile", schema, *files],
        }
        results: dict[str, list[float]] = {name: [] for name in peers}
        for _ in range(args.repeat):
            for name, command in peers.items():  # interleaved so drift hits both alike
                # check-jsonschema resolves the schemas' relative $ids against the working folder
                seconds, code = timed(command, ROOT / "schemas")
                if code != 0:
                    sys.exit(f"{name} failed with exit {code}")
                results[name].append(seconds)
        print(f"{args.files} contract files, best and median of {args.repeat} runs each (wall, s)")
        for name, times in results.items():
            print(f"  {name:<18} best {min(times):6.3f}  median {statistics.median(times):6.3f}")
        ratio = min(results["check-jsonschema"]) / min(results["sla validate"])
        print(f"  sla validate is {ratio:.2f}x the speed of check-jsonschema (best of each)")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
