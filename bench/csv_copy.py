"""The yardstick for `sla evaluate` on a large export: a plain copy with CPython's csv module.

Run: python bench/csv_copy.py IN.csv OUT.csv

Reads every row of IN with `csv.reader` and writes it to OUT with `csv.writer`, three more
columns appended (the row's line in the file, a status and an amount: the kind of cells an
evaluation adds). No parsing of times, no evaluation: what is left is the least any pure-Python
program pays to read and write the file row by row, so `sla evaluate` measured against it in the
same run says how much the evaluation itself costs on top of the I/O. Issue 11's target is a
ratio of at most 1.0.
"""

from __future__ import annotations

import csv
import sys

EXTRA_HEADER = ("row", "status", "cost")


def copy(source: str, target: str) -> int:
    """Copy `source` to `target` with the three extra columns; returns the data rows copied."""
    with (
        open(source, encoding="utf-8", newline="") as inp,
        open(target, "w", encoding="utf-8", newline="") as out,
    ):
        reader = csv.reader(inp)
        writer = csv.writer(out, lineterminator="\n")
        header = next(reader, None)
        if header is None:
            return 0
        writer.writerow([*header, *EXTRA_HEADER])
        rows = 0
        for row in reader:
            row.append(str(reader.line_num))
            row.append("met")
            row.append("0.00")
            writer.writerow(row)
            rows += 1
        return rows


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit("usage: python bench/csv_copy.py IN.csv OUT.csv")
    copy(sys.argv[1], sys.argv[2])


if __name__ == "__main__":
    main()
