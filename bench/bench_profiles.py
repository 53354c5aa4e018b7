"""The profile stage on a large export: a Dutch Excel list (semicolons, BOM, `27-11-2026 18:00`,
a pause per row) of N rows read raw and converted to the native columns.

Run: .venv/bin/python bench/bench_profiles.py [N] [--runs=K]   (default N = 1,000,000, K = 3)

CPU times, each the fastest of K runs in this process, on one generated file:
- pyarrow CSV: the raw file read by pyarrow's CSV reader into string columns (what the
  columnar reader of `sla evaluate` does before this stage);
- convert: ProfileConverter.convert on those columns (the stage this file measures);
- line reader: engine.evaluate.profile_export.read_export, the stage's own reader (Python's
  csv module, line numbers kept), which stands in until the columnar reader reads profiles;
- csv copy: the yardstick of issue 11, a plain csv-module copy of the same file (read every
  row, write it back with three more columns).
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.evaluate.profile_export import read_export  # noqa: E402
from engine.evaluate.profiles import ProfileConverter, find_profile  # noqa: E402
from engine.paths import RULES_DIR  # noqa: E402

HEADER = (
    "Melding;Klantnummer;Prioriteit;Aangemeld;Eerste reactie;Afgemeld;Wacht vanaf;Wacht tot;"
    "Minuten;Soort werk;Op locatie\n"
)
PRIORITIES = ("P1 - Kritiek", "P2 - Hoog", "P3 - Normaal", "P4 - Laag")
KINDS = ("Storing", "Wijziging", "Buiten SLA")


def generate(path: Path, rows: int) -> None:
    rng = random.Random(14)
    start = datetime(2026, 1, 1)
    fmt = "%d-%m-%Y %H:%M"
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        out.write(HEADER)
        for n in range(rows):
            reported = start + timedelta(minutes=rng.randrange(0, 364 * 24 * 60))
            if reported.month == 10 and reported.day >= 25 and reported.hour == 2:
                reported += timedelta(hours=1)  # keep clear of the repeated hour
            if reported.month == 3 and reported.day >= 29 and reported.hour == 2:
                reported += timedelta(hours=1)
            first = reported + timedelta(minutes=rng.randrange(5, 600))
            resolved = first + timedelta(minutes=rng.randrange(10, 3000))
            pause = rng.random() < 0.1
            pause_from = first + timedelta(minutes=5) if pause else None
            pause_to = pause_from + timedelta(minutes=60) if pause_from else None
            out.write(
                f"M-{n};K-{n % 50};{PRIORITIES[n % 4]};{reported:{fmt}};{first:{fmt}};"
                f"{resolved:{fmt}};{pause_from.strftime(fmt) if pause_from else ''};"
                f"{pause_to.strftime(fmt) if pause_to else ''};{rng.randrange(5, 240)};"
                f"{KINDS[n % 3]};{'Ja' if n % 7 == 0 else 'Nee'}\n"
            )


def best(runs: int, action) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    """The fastest run's CPU time (all threads of this process): on a shared machine wall
    time drifts with the other work, CPU time much less."""
    times, result = [], None
    for _ in range(runs):
        began = time.process_time()
        result = action()
        times.append(time.process_time() - began)
    return min(times), result


def csv_copy(source: Path, target: Path) -> None:
    with source.open(newline="", encoding="utf-8-sig") as read, target.open("w", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        for row in csv.reader(read, delimiter=";"):
            writer.writerow([*row, "", "", ""])


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    rows = int(args[0]) if args else 1_000_000
    runs = int(next((a.split("=")[1] for a in sys.argv if a.startswith("--runs=")), 3))
    profile = find_profile("servicedesk-excel", RULES_DIR)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "export.csv"
        generate(source, rows)
        options = pacsv.ConvertOptions(
            column_types={name: pa.string() for name in HEADER.strip().split(";")},
            strings_can_be_null=False,
        )
        parse = pacsv.ParseOptions(delimiter=";")

        def read() -> pa.Table:
            return pacsv.read_csv(source, parse_options=parse, convert_options=options)

        read_time, table = best(runs, read)
        assert isinstance(table, pa.Table)
        lines = pa.array(range(2, table.num_rows + 2), pa.int64())
        converter = ProfileConverter(profile, str(source))
        convert_time, converted = best(runs, lambda: converter.convert(table, lines))
        copy_time, _ = best(runs, lambda: csv_copy(source, Path(folder) / "copy.csv"))
        line_time, _ = best(
            runs, lambda: sum(b.batch.num_rows for b in read_export(source, profile))
        )
    kept = converted.batch.num_rows  # type: ignore[attr-defined]
    print(f"{rows:,} rows, {kept:,} converted, CPU seconds of the fastest of {runs} runs")
    print(f"pyarrow CSV read   {read_time:6.2f} s")
    print(f"convert (profile)  {convert_time:6.2f} s")
    print(f"line reader        {line_time:6.2f} s   (profile_export.read_export)")
    print(f"csv-module copy    {copy_time:6.2f} s   (issue 11's yardstick)")
    print(f"read + convert / csv copy: {(read_time + convert_time) / copy_time:.2f}x")


if __name__ == "__main__":
    main()
