"""Helpdesk exports read in batches through Arrow: CSV, JSON Lines and Parquet.

- The format follows the extension: `.csv`, `.jsonl` / `.ndjson`, or `.parquet`.
- A batch is a record batch of the native columns (engine.evaluate.rows COLUMNS) as text,
  each row with its line in the file as a person counts it: in CSV the header is line 1 and a
  record whose quoted cell spans lines is numbered by its first line (line breaks as Python
  counts them: \\n, \\r\\n or a lone \\r); in JSON Lines every line counts, blank ones too; in
  Parquet a row's number is its place in the file, from 1.
- A bad record (wrong number of cells, not JSON, not an object) is a RowError of the batch,
  at its line; blank lines are no rows. Rows in = rows out + rows rejected.
- CSV is cut into blocks at record ends (a line break outside quotes), and each block parsed
  by pyarrow's CSV reader, so memory stays flat however large the file.
- JSON Lines: engine.evaluate.jsonl.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from numpy.typing import NDArray

from engine.errors import InputError, Location, Problem, did_you_mean
from engine.evaluate.rows import COLUMNS, RowError

CSV, JSONL, PARQUET, HTML = "csv", "jsonl", "parquet", "html"
INPUT_FORMATS = {".csv": CSV, ".jsonl": JSONL, ".ndjson": JSONL, ".parquet": PARQUET}
BLOCK_BYTES = 1 << 20
_QUOTE, _LF, _CR = ord('"'), ord("\n"), ord("\r")


@dataclass
class Chunk:
    """Rows of an export: native columns as text, each row's line, the rows whose typed values
    RowReader.parse must read (by position), and the rejected records (line, error)."""

    batch: pa.RecordBatch
    lines: NDArray[np.int64]
    raw: dict[int, Mapping[str, Any]] = field(default_factory=dict)
    errors: list[tuple[int, RowError]] = field(default_factory=list)


def input_format(path: Path) -> str:
    found = INPUT_FORMATS.get(path.suffix.lower())
    if found is None:
        raise InputError.at(
            "unknown kind of export; name it .csv, .jsonl (JSON Lines, also .ndjson) or .parquet",
            file=str(path),
        )
    return found


def read_export(path: Path, file: str) -> Iterator[Chunk]:
    """Each chunk of the export, in file order."""
    kind = input_format(path)
    try:
        stream = path.open("rb")
    except FileNotFoundError:
        raise InputError.at("no such file; check the path", file=file) from None
    with stream:
        if kind == CSV:
            yield from _csv_chunks(stream, file)
        elif kind == JSONL:
            from engine.evaluate.jsonl import jsonl_chunks

            yield from jsonl_chunks(stream, file)
        else:
            yield from _parquet_chunks(stream, file)


def _not_utf8(file: str) -> InputError:
    return InputError.at("not UTF-8 text; save the export as UTF-8", file=file)


# -- CSV ---------------------------------------------------------------------------------------


def _csv_chunks(stream: IO[bytes], file: str) -> Iterator[Chunk]:
    data = stream.read(BLOCK_BYTES)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    ends, breaks = _record_ends(data)
    while not ends.size:
        more = stream.read(BLOCK_BYTES)
        if not more:
            break
        data += more
        ends, breaks = _record_ends(data)
    header_end = int(ends[0]) + 1 if ends.size else len(data)
    try:
        header_text = data[:header_end].decode("utf-8")
    except UnicodeDecodeError:
        raise _not_utf8(file) from None
    rows = list(csv.reader(io.StringIO(header_text, newline="")))
    if not rows or not any(rows[0]):
        raise InputError.at("the file is empty; the first line names the columns", file=file)
    header = [name.strip() for name in rows[0]]
    check_header(header, file)
    line = int(breaks[0]) if ends.size else 0  # lines used by the header
    carry = data[header_end:]
    while True:
        more = stream.read(BLOCK_BYTES)
        data = carry + more
        if not data:
            return
        ends, breaks = _record_ends(data)
        cut = int(ends[-1]) + 1 if ends.size else 0
        if not more:
            cut = len(data)
        if cut == 0:
            carry = data
            continue
        block, carry = data[:cut], data[cut:]
        chunk, used = _csv_block(block, header, file, line)
        yield chunk
        line += used


def _record_ends(data: bytes) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Where records end (the last byte of their line break, outside quotes), and the line
    breaks in the data up to and including each of those ends."""
    raw = np.frombuffer(data, dtype=np.uint8)
    if not raw.size:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    breaks = np.flatnonzero(raw == _LF)
    crs = np.flatnonzero(raw == _CR)
    if crs.size:  # a lone \r ends a line too; \r\n is one line break
        lone = crs[(crs + 1 >= raw.size) | (raw[np.minimum(crs + 1, raw.size - 1)] != _LF)]
        breaks = np.union1d(breaks, lone)
    quotes = np.flatnonzero(raw == _QUOTE)
    ends = breaks
    if quotes.size:  # a break is inside quotes when an odd number of quotes precede it
        ends = breaks[np.searchsorted(quotes, breaks) % 2 == 0]
    counted = np.searchsorted(breaks, ends, side="right").astype(np.int64)
    return ends.astype(np.int64), counted


def _csv_block(block: bytes, header: list[str], file: str, first_line: int) -> tuple[Chunk, int]:
    """The records of `block` (whole records) starting at line `first_line` + 1, and the
    lines the block takes."""
    ends, breaks = _record_ends(block)
    starts = np.concatenate(([0], ends + 1))[
        : len(ends) + (0 if block.endswith((b"\n", b"\r")) else 1)
    ]
    record_lines = first_line + 1 + np.concatenate(([0], breaks))[: len(starts)]
    width = len(header)
    bad: dict[int, tuple[int, str]] = {}

    def invalid(row: Any) -> str:
        bad[int(row.number) - 1] = (row.actual_columns, row.text)
        return "skip"

    names = [f"c{i}" for i in range(width)]
    try:
        table = pa_csv.read_csv(
            io.BytesIO(block),
            read_options=pa_csv.ReadOptions(column_names=names, use_threads=False),
            parse_options=pa_csv.ParseOptions(
                newlines_in_values=True, invalid_row_handler=invalid, ignore_empty_lines=False
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
            ),
        )
    except pa.ArrowInvalid as error:
        if "UTF8" in str(error) or "utf8" in str(error).lower():
            raise _not_utf8(file) from None
        raise
    good = np.delete(np.arange(len(starts), dtype=np.int64), list(bad))
    errors = [
        (
            int(record_lines[r]),
            RowError(
                Problem(
                    f"{cells} cells, the header has {width}; check the separators and quotes",
                    Location(file, int(record_lines[r])),
                )
            ),
        )
        for r, (cells, _) in sorted(bad.items())
    ]
    table = table.rename_columns(header)
    batch = table.combine_chunks().to_batches()[0] if table.num_rows else _empty(header)
    lines = record_lines[good[: table.num_rows]]
    # blank lines (every cell empty) are no rows
    empty = np.ones(table.num_rows, dtype=np.bool_)
    for column in batch.columns:
        empty &= pc.equal(column, "").to_numpy(zero_copy_only=False)
    if empty.any():
        keep = np.flatnonzero(~empty)
        batch = batch.take(pa.array(keep, type=pa.int64()))
        lines = lines[keep]
    raw = np.frombuffer(block, dtype=np.uint8)
    lone_cr = int(((raw[:-1] == _CR) & (raw[1:] != _LF)).sum()) + int(block.endswith(b"\r"))
    used = int((raw == _LF).sum()) + lone_cr
    return Chunk(batch, lines, errors=errors), used


def _empty(names: Sequence[str]) -> pa.RecordBatch:
    return pa.RecordBatch.from_arrays(
        [pa.array([], type=pa.string()) for _ in names], names=list(names)
    )


def check_header(header: Sequence[str], file: str) -> None:
    problems = []
    for index, name in enumerate(header):
        if name not in COLUMNS:
            problems.append(
                Problem(
                    f"unknown column {name!r}{did_you_mean(name, COLUMNS)}",
                    Location(file, 1, index + 1),
                )
            )
        elif name in header[:index]:
            problems.append(Problem(f"column {name!r} appears twice", Location(file, 1, index + 1)))
    missing = [name for name in ("ticket", "reported") if name not in header]
    if "priority" not in header and "priority_history" not in header:
        missing.append("priority")
    if missing:
        problems.append(
            Problem(f"the header lacks the column(s) {', '.join(missing)}", Location(file, 1))
        )
    if problems:
        raise InputError(problems)


# -- Parquet -----------------------------------------------------------------------------------


def _parquet_chunks(stream: IO[bytes], file: str) -> Iterator[Chunk]:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(stream)
    except pa.ArrowInvalid as error:
        raise InputError.at(f"not a Parquet file ({error})", file=file) from None
    names = parquet.schema_arrow.names
    check_header([n for n in names], file)
    row = 0
    for batch in parquet.iter_batches(batch_size=65_536):
        yield parquet_chunk(batch, row)
        row += batch.num_rows


_WHOLE_NUMBERS = ("priority", "minutes", "travel_minutes")


def parquet_chunk(batch: pa.RecordBatch, before: int) -> Chunk:
    """A record batch of native columns (any types) as a chunk; rows numbered from before + 1."""
    from engine.evaluate.jsonl import as_text

    lines = np.arange(before + 1, before + 1 + batch.num_rows, dtype=np.int64)
    columns: list[pa.Array] = []
    raw: dict[int, Mapping[str, Any]] = {}
    typed: list[str] = []
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        text = pa.types.is_string(column.type) or pa.types.is_large_string(column.type)
        if text or (pa.types.is_integer(column.type) and name in _WHOLE_NUMBERS):
            columns.append(column.cast(pa.string()))
        elif pa.types.is_boolean(column.type) and name == "on_site":
            columns.append(pc.if_else(column, "true", "false"))
        else:
            typed.append(name)
            columns.append(pa.nulls(batch.num_rows, pa.string()))
    if typed:
        for position, values in enumerate(batch.select(typed).to_pylist()):
            if any(v is not None for v in values.values()):
                full = {
                    k: v
                    for k, v in batch.slice(position, 1).to_pylist()[0].items()
                    if v is not None
                }
                cells = as_text(full)
                raw[position] = full if cells is None else cells
    return Chunk(pa.RecordBatch.from_arrays(columns, names=batch.schema.names), lines, raw)
