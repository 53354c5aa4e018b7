"""pyarrow against polars on the benchmark's million-row export: CSV, JSON Lines and Parquet.

Run: .venv/bin/python bench/bench_columnar.py [FILE.csv] [--rows=N] [--runs=K] [--only=TEXT]
     (needs the bench extra: pip install -c constraints.txt -e '.[bench]')

The evidence for issue 11's choice of a columnar library. Without FILE, N incidents (default
1,000,000) are generated with bench_evaluate's `generate`; a FILE given is only read. From it
the set-up derives, once and with the standard library only (so neither contender writes the
other's input): the same rows as JSON Lines (every value a string, empty cells left out), the
same rows as typed JSON Lines (numbers, booleans and lists, as a helpdesk writes them), and as
Parquet (every column a string, written by pyarrow: Parquet has one encoding for both).

Each case is one whole process, like the yardstick: reading (whole, or streamed in batches of
about 64k rows), or a copy (read, append the three columns the yardstick appends, write) in one
format, all columns read as strings. Streamed cases are how `sla evaluate` would use the library:
a batch comes into Python, the engine adds columns, the batch goes out. The `sink` cases leave
the whole copy to polars' own streaming engine (no Python between read and write): the most
polars can do, not a shape the evaluation can take. pyarrow has no JSON writer, so its JSON
Lines output goes through the json module; the `pyarrow → polars` case hands each Arrow batch
to polars (without copying) to write it.

Per round, the csv-module copy (bench/csv_copy.py, the yardstick of issue 11) runs before each
group of cases, and each case's wall time is divided by that yardstick run: a shared machine's
speed drifts from minute to minute, so a ratio to a neighbour says more than a time. The table
gives each case's median wall, its median and smallest ratio, its CPU time (both libraries use
every core; the yardstick one) and its peak resident memory (of that process alone, from
wait4).
"""

from __future__ import annotations

import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
BATCH_ROWS = 65_536
CSV_BLOCK_BYTES = 4 << 20  # pyarrow batches by bytes: ~56k rows of this export
EXTRA = ("row", "status", "cost")  # the columns the yardstick appends

# ---------------------------------------------------------------------------------------------
# Inputs


def derive_inputs(source: Path, folder: Path) -> None:
    """The JSON Lines (string and typed) and Parquet forms of `source`, with neutral tools."""
    with (
        source.open(encoding="utf-8", newline="") as inp,
        (folder / "strings.jsonl").open("w", encoding="utf-8") as plain,
        (folder / "typed.jsonl").open("w", encoding="utf-8") as typed,
    ):
        rows = csv.reader(inp)
        header = next(rows)
        for row in rows:
            cells = {name: value for name, value in zip(header, row, strict=True) if value}
            plain.write(json.dumps(cells) + "\n")
            typed.write(json.dumps({name: _typed(name, v) for name, v in cells.items()}) + "\n")
    import pyarrow.parquet as pq

    pq.write_table(_arrow_csv_read(source), folder / "strings.parquet")


def _typed(name: str, value: str) -> Any:
    if name in ("priority", "minutes", "travel_minutes") and value.isdigit():
        return int(value)
    if name == "on_site" and value in ("true", "false"):
        return value == "true"
    if name in ("pauses", "causes", "priority_history"):
        return value.split(";")
    return value


def _header(source: Path) -> list[str]:
    with source.open(encoding="utf-8", newline="") as inp:
        return next(csv.reader(inp))


# ---------------------------------------------------------------------------------------------
# The cases: each runs in its own process and returns (rows, seconds reading, seconds writing)

Case = Callable[[Path, Path], tuple[int, float, float]]
CASES: dict[str, tuple[str, Case]] = {}  # name -> (group, function)


def case(name: str, group: str) -> Callable[[Case], Case]:
    def register(function: Case) -> Case:
        CASES[name] = (group, function)
        return function

    return register


def _timed_batches(batches: Iterator[Any], clock: list[float]) -> Iterator[Any]:
    """Yields the batches, adding the time spent producing them to clock[0]."""
    while True:
        start = time.perf_counter()
        batch = next(batches, None)
        clock[0] += time.perf_counter() - start
        if batch is None:
            return
        yield batch


# pyarrow ---------------------------------------------------------------------------------------


def _arrow_convert(source: Path) -> Any:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    types = {name: pa.string() for name in _header(source)}
    return pacsv.ConvertOptions(column_types=types, strings_can_be_null=True)


def _arrow_csv_read(source: Path) -> Any:
    import pyarrow.csv as pacsv

    return pacsv.read_csv(source, convert_options=_arrow_convert(source))


def _arrow_csv_batches(source: Path) -> Iterator[Any]:
    import pyarrow.csv as pacsv

    reader = pacsv.open_csv(
        source,
        read_options=pacsv.ReadOptions(block_size=CSV_BLOCK_BYTES),
        convert_options=_arrow_convert(source),
    )
    return iter(reader)


def _arrow_schema(source: Path) -> Any:
    import pyarrow as pa

    return pa.schema([(name, pa.string()) for name in _header(source)])


def _arrow_extend(batch: Any, first_row: int) -> Any:
    """The batch with the yardstick's three columns: line in the file, a status, an amount."""
    import pyarrow as pa

    n = batch.num_rows
    rows = pa.array(range(first_row + 2, first_row + 2 + n), pa.int64())
    status = pa.array(["met"] * n, pa.string())
    cost = pa.array(["0.00"] * n, pa.string())
    return pa.RecordBatch.from_arrays(
        [*batch.columns, rows, status, cost], [*batch.schema.names, *EXTRA]
    )


@case("pyarrow import only (the floor)", "csv")
def arrow_import(source: Path, target: Path) -> tuple[int, float, float]:
    import pyarrow.csv
    import pyarrow.json
    import pyarrow.parquet  # noqa: F401

    return -1, 0.0, 0.0


@case("pyarrow csv read whole", "csv")
def arrow_csv_read_whole(source: Path, target: Path) -> tuple[int, float, float]:
    start = time.perf_counter()
    table = _arrow_csv_read(source)
    return table.num_rows, time.perf_counter() - start, 0.0


@case("pyarrow csv read stream", "csv")
def arrow_csv_read_stream(source: Path, target: Path) -> tuple[int, float, float]:
    clock = [0.0]
    rows = sum(b.num_rows for b in _timed_batches(_arrow_csv_batches(source), clock))
    return rows, clock[0], 0.0


@case("pyarrow csv copy stream, 256 KB blocks, one thread", "csv")
def arrow_csv_copy_stream_small(source: Path, target: Path) -> tuple[int, float, float]:
    import pyarrow.csv as pacsv

    reader = pacsv.open_csv(
        source,
        read_options=pacsv.ReadOptions(block_size=256 << 10, use_threads=False),
        convert_options=_arrow_convert(source),
    )
    clock, write, rows = [0.0], 0.0, 0
    writer = None
    for batch in _timed_batches(iter(reader), clock):
        start = time.perf_counter()
        out = _arrow_extend(batch, rows)
        if writer is None:
            writer = pacsv.CSVWriter(target, out.schema)
        writer.write_batch(out)
        rows += batch.num_rows
        write += time.perf_counter() - start
    if writer is not None:
        writer.close()
    return rows, clock[0], write


@case("pyarrow csv copy whole", "csv")
def arrow_csv_copy_whole(source: Path, target: Path) -> tuple[int, float, float]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    start = time.perf_counter()
    table = _arrow_csv_read(source)
    read = time.perf_counter() - start
    start = time.perf_counter()
    batches = []
    done = 0
    for batch in table.to_batches():
        batches.append(_arrow_extend(batch, done))
        done += batch.num_rows
    pacsv.write_csv(pa.Table.from_batches(batches), target)
    return table.num_rows, read, time.perf_counter() - start


@case("pyarrow csv copy stream", "csv")
def arrow_csv_copy_stream(source: Path, target: Path) -> tuple[int, float, float]:
    import pyarrow.csv as pacsv

    clock, write, rows = [0.0], 0.0, 0
    writer = None
    for batch in _timed_batches(_arrow_csv_batches(source), clock):
        start = time.perf_counter()
        out = _arrow_extend(batch, rows)
        if writer is None:
            writer = pacsv.CSVWriter(target, out.schema)
        writer.write_batch(out)
        rows += batch.num_rows
        write += time.perf_counter() - start
    if writer is not None:
        writer.close()
    return rows, clock[0], write


def _arrow_json_batches(source: Path) -> Iterator[Any]:
    import pyarrow.json as pajson

    schema = _arrow_schema(BENCH_CSV[0])
    reader = pajson.open_json(
        source,
        read_options=pajson.ReadOptions(block_size=CSV_BLOCK_BYTES * 2),
        parse_options=pajson.ParseOptions(explicit_schema=schema),
    )
    return iter(reader)


@case("pyarrow jsonl read whole", "jsonl")
def arrow_jsonl_read_whole(source: Path, target: Path) -> tuple[int, float, float]:
    import pyarrow.json as pajson

    start = time.perf_counter()
    schema = _arrow_schema(BENCH_CSV[0])
    table = pajson.read_json(
        source.parent / "strings.jsonl",
        parse_options=pajson.ParseOptions(explicit_schema=schema),
    )
    return table.num_rows, time.perf_counter() - start, 0.0


@case("pyarrow jsonl read stream", "jsonl")
def arrow_jsonl_read_stream(source: Path, target: Path) -> tuple[int, float, float]:
    clock = [0.0]
    batches = _arrow_json_batches(source.parent / "strings.jsonl")
    rows = sum(b.num_rows for b in _timed_batches(batches, clock))
    return rows, clock[0], 0.0


@case("pyarrow jsonl copy stream (json module writes)", "jsonl")
def arrow_jsonl_copy_stream(source: Path, target: Path) -> tuple[int, float, float]:
    clock, write, rows = [0.0], 0.0, 0
    with target.open("w", encoding="utf-8") as out:
        for batch in _timed_batches(_arrow_json_batches(source.parent / "strings.jsonl"), clock):
            start = time.perf_counter()
            extended = _arrow_extend(batch, rows)
            dumps = json.dumps
            out.writelines(
                dumps({k: v for k, v in record.items() if v is not None}) + "\n"
                for record in extended.to_pylist()
            )
            rows += batch.num_rows
            write += time.perf_counter() - start
    return rows, clock[0], write


@case("pyarrow jsonl copy stream (polars writes)", "jsonl")
def arrow_polars_jsonl_copy_stream(source: Path, target: Path) -> tuple[int, float, float]:
    import polars as pl

    clock, write, rows = [0.0], 0.0, 0
    with target.open("wb") as out:
        for batch in _timed_batches(_arrow_json_batches(source.parent / "strings.jsonl"), clock):
            start = time.perf_counter()
            frame = pl.from_arrow(_arrow_extend(batch, rows))
            assert isinstance(frame, pl.DataFrame)
            frame.write_ndjson(out)
            rows += batch.num_rows
            write += time.perf_counter() - start
    return rows, clock[0], write


def _arrow_jsonl_text(batch: Any) -> Any:
    """Each row of `batch` as one JSON object and a newline, built by pyarrow.compute alone:
    strings escaped, numbers as they are, nulls left out. A sketch of what writing JSON Lines
    with pyarrow takes (it has no JSON writer): it escapes \\, ", newline, return and tab only;
    a real writer would redo in Python the rare rows with other control characters."""
    import pyarrow as pa
    import pyarrow.compute as pc

    pieces = []
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        key = "," + json.dumps(name) + ":"
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            for bad, escaped in (
                ("\\", "\\\\"),
                ('"', '\\"'),
                ("\n", "\\n"),
                ("\r", "\\r"),
                ("\t", "\\t"),
            ):
                column = pc.replace_substring(column, bad, escaped)
            text = pc.binary_join_element_wise(key + '"', column, '"', "")
        else:
            text = pc.binary_join_element_wise(key, pc.cast(column, pa.string()), "")
        pieces.append(pc.fill_null(text, ""))
    body = pc.binary_join_element_wise(*pieces, "")
    return pc.binary_join_element_wise("{", pc.utf8_slice_codeunits(body, 1), "}\n", "")


@case("pyarrow jsonl copy stream (pyarrow.compute writes)", "jsonl")
def arrow_compute_jsonl_copy_stream(source: Path, target: Path) -> tuple[int, float, float]:
    clock, write, rows = [0.0], 0.0, 0
    with target.open("wb") as out:
        for batch in _timed_batches(_arrow_json_batches(source.parent / "strings.jsonl"), clock):
            start = time.perf_counter()
            lines = _arrow_jsonl_text(_arrow_extend(batch, rows))
            _, offsets, data = lines.buffers()  # the lines lie end to end in `data`
            ends = memoryview(offsets).cast("q" if lines.type == "large_string" else "i")
            out.write(memoryview(data)[ends[lines.offset] : ends[lines.offset + len(lines)]])
            rows += batch.num_rows
            write += time.perf_counter() - start
    return rows, clock[0], write


@case("pyarrow typed jsonl read whole (inferred)", "jsonl")
def arrow_typed_jsonl_read(source: Path, target: Path) -> tuple[int, float, float]:
    import pyarrow.json as pajson

    start = time.perf_counter()
    table = pajson.read_json(source.parent / "typed.jsonl")
    return table.num_rows, time.perf_counter() - start, 0.0


@case("pyarrow parquet read stream", "parquet")
def arrow_parquet_read_stream(source: Path, target: Path) -> tuple[int, float, float]:
    import pyarrow.parquet as pq

    clock = [0.0]
    batches = pq.ParquetFile(source.parent / "strings.parquet").iter_batches(BATCH_ROWS)
    rows = sum(b.num_rows for b in _timed_batches(batches, clock))
    return rows, clock[0], 0.0


@case("pyarrow parquet copy stream", "parquet")
def arrow_parquet_copy_stream(source: Path, target: Path) -> tuple[int, float, float]:
    import pyarrow.parquet as pq

    clock, write, rows = [0.0], 0.0, 0
    batches = pq.ParquetFile(source.parent / "strings.parquet").iter_batches(BATCH_ROWS)
    writer = None
    for batch in _timed_batches(batches, clock):
        start = time.perf_counter()
        out = _arrow_extend(batch, rows)
        if writer is None:
            writer = pq.ParquetWriter(target, out.schema)
        writer.write_batch(out)
        rows += batch.num_rows
        write += time.perf_counter() - start
    if writer is not None:
        writer.close()
    return rows, clock[0], write


# polars ----------------------------------------------------------------------------------------


def _polars_extend(frame: Any, first_row: int) -> Any:
    import polars as pl

    return frame.with_columns(
        pl.int_range(first_row + 2, first_row + 2 + frame.height, dtype=pl.Int64).alias("row"),
        pl.lit("met").alias("status"),
        pl.lit("0.00").alias("cost"),
    )


def _polars_schema(source: Path) -> dict[str, Any]:
    import polars as pl

    return {name: pl.String for name in _header(source)}


def _polars_lazy_extend(frame: Any) -> Any:
    import polars as pl

    return frame.with_columns(
        (pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias("row"),
        pl.lit("met").alias("status"),
        pl.lit("0.00").alias("cost"),
    )


def _polars_stream_copy(
    batches: Iterator[Any], target: Path, kind: str
) -> tuple[int, float, float]:
    clock, write, rows = [0.0], 0.0, 0
    with target.open("wb") as out:
        for frame in _timed_batches(batches, clock):
            start = time.perf_counter()
            extended = _polars_extend(frame, rows)
            if kind == "csv":
                extended.write_csv(out, include_header=rows == 0)
            else:
                extended.write_ndjson(out)
            rows += frame.height
            write += time.perf_counter() - start
    return rows, clock[0], write


@case("polars import only (the floor)", "csv")
def polars_import(source: Path, target: Path) -> tuple[int, float, float]:
    import polars

    polars.DataFrame({"a": ["x"]})
    return -1, 0.0, 0.0


@case("polars csv read whole", "csv")
def polars_csv_read_whole(source: Path, target: Path) -> tuple[int, float, float]:
    import polars as pl

    start = time.perf_counter()
    frame = pl.read_csv(source, infer_schema=False)
    return frame.height, time.perf_counter() - start, 0.0


def _polars_csv_batches(source: Path) -> Iterator[Any]:
    import polars as pl

    return iter(pl.scan_csv(source, infer_schema=False).collect_batches(chunk_size=BATCH_ROWS))


@case("polars csv read stream", "csv")
def polars_csv_read_stream(source: Path, target: Path) -> tuple[int, float, float]:
    clock = [0.0]
    rows = sum(f.height for f in _timed_batches(_polars_csv_batches(source), clock))
    return rows, clock[0], 0.0


@case("polars csv read stream → RecordBatch", "csv")
def polars_csv_read_stream_arrow(source: Path, target: Path) -> tuple[int, float, float]:
    clock, rows = [0.0], 0
    for frame in _timed_batches(_polars_csv_batches(source), clock):
        start = time.perf_counter()
        for batch in frame.to_arrow().to_batches():
            rows += batch.num_rows
        clock[0] += time.perf_counter() - start
    return rows, clock[0], 0.0


@case("polars csv copy whole", "csv")
def polars_csv_copy_whole(source: Path, target: Path) -> tuple[int, float, float]:
    import polars as pl

    start = time.perf_counter()
    frame = pl.read_csv(source, infer_schema=False)
    read = time.perf_counter() - start
    start = time.perf_counter()
    _polars_extend(frame, 0).write_csv(target)
    return frame.height, read, time.perf_counter() - start


@case("polars csv copy stream", "csv")
def polars_csv_copy_stream(source: Path, target: Path) -> tuple[int, float, float]:
    return _polars_stream_copy(_polars_csv_batches(source), target, "csv")


@case("polars csv copy stream, 16k rows, one thread", "csv")
def polars_csv_copy_stream_small(source: Path, target: Path) -> tuple[int, float, float]:
    os.environ["POLARS_MAX_THREADS"] = "1"  # read when polars is imported, so before that
    import polars as pl

    batches = pl.scan_csv(source, infer_schema=False).collect_batches(chunk_size=16_384)
    return _polars_stream_copy(iter(batches), target, "csv")


@case("polars csv copy sink (no Python)", "csv")
def polars_csv_copy_sink(source: Path, target: Path) -> tuple[int, float, float]:
    import polars as pl

    start = time.perf_counter()
    _polars_lazy_extend(pl.scan_csv(source, infer_schema=False)).sink_csv(target)
    rows = sum(1 for _ in target.open("rb")) - 1
    return rows, time.perf_counter() - start, 0.0


@case("polars jsonl read whole", "jsonl")
def polars_jsonl_read_whole(source: Path, target: Path) -> tuple[int, float, float]:
    import polars as pl

    start = time.perf_counter()
    frame = pl.read_ndjson(source.parent / "strings.jsonl", schema=_polars_schema(source))
    return frame.height, time.perf_counter() - start, 0.0


def _polars_json_batches(source: Path) -> Iterator[Any]:
    import polars as pl

    lazy = pl.scan_ndjson(source.parent / "strings.jsonl", schema=_polars_schema(source))
    return iter(lazy.collect_batches(chunk_size=BATCH_ROWS))


@case("polars jsonl read stream", "jsonl")
def polars_jsonl_read_stream(source: Path, target: Path) -> tuple[int, float, float]:
    clock = [0.0]
    rows = sum(f.height for f in _timed_batches(_polars_json_batches(source), clock))
    return rows, clock[0], 0.0


@case("polars jsonl copy stream", "jsonl")
def polars_jsonl_copy_stream(source: Path, target: Path) -> tuple[int, float, float]:
    return _polars_stream_copy(_polars_json_batches(source), target, "jsonl")


@case("polars jsonl copy sink (no Python)", "jsonl")
def polars_jsonl_copy_sink(source: Path, target: Path) -> tuple[int, float, float]:
    import polars as pl

    start = time.perf_counter()
    lazy = pl.scan_ndjson(source.parent / "strings.jsonl", schema=_polars_schema(source))
    _polars_lazy_extend(lazy).sink_ndjson(target)
    rows = sum(1 for _ in target.open("rb"))
    return rows, time.perf_counter() - start, 0.0


@case("polars typed jsonl read whole (inferred)", "jsonl")
def polars_typed_jsonl_read(source: Path, target: Path) -> tuple[int, float, float]:
    import polars as pl

    start = time.perf_counter()
    frame = pl.read_ndjson(source.parent / "typed.jsonl", infer_schema_length=None)
    return frame.height, time.perf_counter() - start, 0.0


def _polars_parquet_batches(source: Path) -> Iterator[Any]:
    import polars as pl

    lazy = pl.scan_parquet(source.parent / "strings.parquet")
    return iter(lazy.collect_batches(chunk_size=BATCH_ROWS))


@case("polars parquet read stream", "parquet")
def polars_parquet_read_stream(source: Path, target: Path) -> tuple[int, float, float]:
    clock = [0.0]
    rows = sum(f.height for f in _timed_batches(_polars_parquet_batches(source), clock))
    return rows, clock[0], 0.0


@case("polars parquet copy stream", "parquet")
def polars_parquet_copy_stream(source: Path, target: Path) -> tuple[int, float, float]:
    import pyarrow.parquet as pq

    # polars writes a Parquet file in one call; batch by batch goes through pyarrow's writer.
    clock, write, rows = [0.0], 0.0, 0
    writer = None
    for frame in _timed_batches(_polars_parquet_batches(source), clock):
        start = time.perf_counter()
        table = _polars_extend(frame, rows).to_arrow()
        if writer is None:
            writer = pq.ParquetWriter(target, table.schema)
        writer.write_table(table)
        rows += frame.height
        write += time.perf_counter() - start
    if writer is not None:
        writer.close()
    return rows, clock[0], write


@case("polars parquet copy sink (no Python)", "parquet")
def polars_parquet_copy_sink(source: Path, target: Path) -> tuple[int, float, float]:
    import polars as pl

    start = time.perf_counter()
    lazy = pl.scan_parquet(source.parent / "strings.parquet")
    _polars_lazy_extend(lazy).sink_parquet(target)
    return (
        pl.scan_parquet(target).select(pl.len()).collect().item(),
        time.perf_counter() - start,
        0.0,
    )


# ---------------------------------------------------------------------------------------------
# Running: each case in a child process, the yardstick before each group


BENCH_CSV: list[Path] = []  # the CSV a child works from (set by --case)


def run_child(argv: list[str]) -> tuple[float, float, float, str]:
    """Runs argv to its end: wall seconds, CPU seconds, peak MB of that process, its stdout."""
    with tempfile.TemporaryFile() as captured:
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdout=captured, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        captured.seek(0)
        text = captured.read().decode("utf-8", "replace")
    cpu = usage.ru_utime + usage.ru_stime
    if child.returncode != 0:
        last = text.strip().splitlines()[-1] if text.strip() else f"exit {child.returncode}"
        return wall, cpu, usage.ru_maxrss / 1024, "FAILED: " + last
    return wall, cpu, usage.ru_maxrss / 1024, text


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    options = dict(a[2:].partition("=")[::2] for a in sys.argv[1:] if a.startswith("--"))
    if "prepare" in options:  # a child: the inputs derived from the CSV
        import polars
        import pyarrow

        derive_inputs(Path(args[0]), Path(args[0]).parent)
        print(f"pyarrow {pyarrow.__version__}, polars {polars.__version__}")
        return
    if "case" in options:  # a child: one case
        source, target = Path(args[0]), Path(args[1])
        BENCH_CSV.append(source)
        rows, read, write = CASES[options["case"]][1](source, target)
        print(json.dumps({"rows": rows, "read": read, "write": write}))
        return
    runs = int(options.get("runs") or 3)
    only = options.get("only", "")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        source = folder / "incidents.csv"
        if args:
            os.symlink(Path(args[0]).resolve(), source)
        else:
            sys.path.insert(0, str(BENCH))
            from bench_evaluate import generate

            generate(source, int(options.get("rows") or 1_000_000))
        # In a child: a child's peak memory counts the parent's at the fork, so this process
        # never loads pyarrow, polars or a whole file.
        start = time.perf_counter()
        *_, text = run_child([sys.executable, __file__, str(source), "--prepare"])
        if text.startswith("FAILED"):
            raise SystemExit(text)
        with source.open("rb") as counted:
            expected = sum(1 for _ in counted) - 1
        print(
            f"{expected:,} rows; JSON Lines and Parquet derived in "
            f"{time.perf_counter() - start:.1f} s"
        )
        sizes = {
            n: (folder / n).stat().st_size / 1e6
            for n in ("strings.jsonl", "typed.jsonl", "strings.parquet")
        }
        print(
            f"sizes: CSV {source.stat().st_size / 1e6:.0f} MB, "
            + ", ".join(f"{n} {mb:.0f} MB" for n, mb in sizes.items())
        )
        print(f"{text.strip()}, Python {sys.version.split()[0]}, {os.cpu_count()} cores")
        yardstick = [
            sys.executable,
            str(BENCH / "csv_copy.py"),
            str(source),
            str(folder / "copy.csv"),
        ]
        groups: dict[str, list[str]] = {}
        for name, (group, _) in CASES.items():
            if only in name:
                groups.setdefault(group, []).append(name)
        figures: dict[str, list[tuple[float, float, float, float, float]]] = {
            n: [] for g in groups.values() for n in g
        }
        marks: list[tuple[float, float, float]] = []
        notes: dict[str, str] = {}
        for run in range(1, runs + 1):
            for group, names in groups.items():
                mark_wall, mark_cpu, mark_mb, _ = run_child(yardstick)
                marks.append((mark_wall, mark_cpu, mark_mb))
                for name in names:
                    target = folder / f"out.{group}"
                    wall, cpu, mb, text = run_child(
                        [sys.executable, __file__, str(source), str(target), f"--case={name}"]
                    )
                    target.unlink(missing_ok=True)
                    if text.startswith("FAILED"):
                        notes[name] = text
                        continue
                    result = json.loads(text.strip().splitlines()[-1])
                    if result["rows"] not in (expected, -1):
                        notes[name] = f"read {result['rows']:,} rows, not {expected:,}"
                    figures[name].append((wall, wall / mark_wall, cpu, cpu / mark_cpu, mb))
            print(f"round {run} of {runs} done", file=sys.stderr)
        print_table(figures, marks, notes)


def print_table(
    figures: dict[str, list[tuple[float, float, float, float, float]]],
    marks: list[tuple[float, float, float]],
    notes: dict[str, str],
) -> None:
    median = statistics.median
    print()
    print(
        f"{'case (whole process)':52} {'wall s':>6} {'×copy':>6} {'cpu s':>6} {'×copy':>6} "
        f"{'peak MB':>7}"
    )
    print(
        f"{'csv module copy (the yardstick)':52} {median(m[0] for m in marks):6.2f} {1:6.2f} "
        f"{median(m[1] for m in marks):6.2f} {1:6.2f} {max(m[2] for m in marks):7.0f}"
    )
    for name, rows in figures.items():
        if not rows:
            print(f"{name:52} {'—':>6}  {notes.get(name, '')}")
            continue
        print(
            f"{name:52} {median(r[0] for r in rows):6.2f} {median(r[1] for r in rows):6.2f} "
            f"{median(r[2] for r in rows):6.2f} {median(r[3] for r in rows):6.2f} "
            f"{max(r[4] for r in rows):7.0f}" + (f"  {notes[name]}" if name in notes else "")
        )
    print(
        f"\n{len(marks)} yardstick runs; each ratio is to the yardstick run just before the case's "
        "group (median over the rounds); peak MB is the largest run's"
    )


if __name__ == "__main__":
    main()
