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
- JSON Lines blocks are parsed by pyarrow's JSON reader when their values have one type per
  column; a block that does not is read line by line with Python's json module, which gives
  the exact message of a line that is not JSON. Values that are not text (numbers, lists)
  become the text a CSV cell would hold when that text means the same; any other row keeps its
  typed values, for RowReader.parse.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.json as pa_json
from numpy.typing import NDArray

from engine.errors import InputError, Location, Problem
from engine.evaluate.rows import COLUMNS, RowError
from engine.suggest import did_you_mean

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
            yield from _jsonl_chunks(stream, file)
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


# -- JSON Lines --------------------------------------------------------------------------------


def _jsonl_chunks(stream: IO[bytes], file: str) -> Iterator[Chunk]:
    line = 0
    carry = b""
    first = True
    while True:
        more = stream.read(BLOCK_BYTES)
        data = carry + more
        if first and data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        first = False
        if not data:
            return
        cut = data.rfind(b"\n") + 1 if more else len(data)
        if cut == 0:
            carry = data
            continue
        block, carry = data[:cut], data[cut:]
        texts = [text + b"\n" for text in block.split(b"\n")]
        if block.endswith(b"\n"):
            texts.pop()
        else:
            texts[-1] = texts[-1][:-1]
        yield _jsonl_block(texts, line, file)
        line += len(texts)


def _jsonl_block(texts: list[bytes], before: int, file: str) -> Chunk:
    numbered = [(before + i + 1, t) for i, t in enumerate(texts) if t.strip()]
    parts: list[tuple[list[int], pa.Table | list[Mapping[str, Any]]]] = []
    errors: list[tuple[int, RowError]] = []
    _parse_lines(numbered, parts, errors, file)
    batches: list[pa.RecordBatch] = []
    lines: list[int] = []
    raw: dict[int, Mapping[str, Any]] = {}
    for numbers, part in parts:
        if isinstance(part, pa.Table):
            batch, odd = _table_text(part)
        else:
            batch, odd = _rows_text(part)
        raw.update({len(lines) + position: values for position, values in odd.items()})
        lines += numbers
        batches.append(batch)
    table = pa.Table.from_batches(batches, schema=_TEXT_SCHEMA).combine_chunks()
    batch = table.to_batches()[0] if table.num_rows else _empty(COLUMNS)
    return Chunk(batch, np.array(lines, dtype=np.int64), raw, errors)


_TEXT_SCHEMA = pa.schema([(name, pa.string()) for name in COLUMNS])
_LISTS = ("pauses", "causes", "priority_history")


def _rows_text(
    rows: list[Mapping[str, Any]],
) -> tuple[pa.RecordBatch, dict[int, Mapping[str, Any]]]:
    """Objects as text columns; the ones with values that have no such text, by position.
    A column of only text (or only whole numbers) is taken as it is; the others row by row."""
    n = len(rows)
    arrays = []
    odd = np.zeros(n, dtype=np.bool_)
    unknown = [i for i, values in enumerate(rows) if not _KNOWN_KEYS.issuperset(values)]
    odd[unknown] = True
    slow: list[str] = []
    for name in COLUMNS:
        values = [row.get(name) for row in rows]
        kinds = set(map(type, values))
        if kinds <= {str, type(None)} and name not in _LISTS:
            arrays.append(pa.array(values, type=pa.string()))
        elif kinds <= {int, type(None)} and name in _WHOLE_NUMBERS:
            numbers = pa.array(values, type=pa.int64())
            odd |= pc.fill_null(pc.less(numbers, 0), False).to_numpy(zero_copy_only=False)
            arrays.append(numbers.cast(pa.string()))
        else:
            slow.append(name)
            arrays.append(pa.nulls(n, pa.string()))
    raw: dict[int, Mapping[str, Any]] = {}
    if slow:
        columns = {name: arrays[COLUMNS.index(name)].to_pylist() for name in slow}
        for position, row in enumerate(rows):
            if odd[position]:
                continue
            cells = _as_text({k: v for k, v in row.items() if k in slow})
            if cells is None:
                odd[position] = True
                continue
            for name, text in cells.items():
                columns[name][position] = text
        for name in slow:
            arrays[COLUMNS.index(name)] = pa.array(columns[name], type=pa.string())
    for position in np.flatnonzero(odd).tolist():
        raw[position] = rows[position]
    return pa.RecordBatch.from_arrays(arrays, schema=_TEXT_SCHEMA), raw


_KNOWN_KEYS = frozenset(COLUMNS)


def _table_text(table: pa.Table) -> tuple[pa.RecordBatch, dict[int, Mapping[str, Any]]]:
    """`_rows_text` of a table pyarrow's JSON reader made, a column at a time."""
    n = table.num_rows
    odd = np.zeros(n, dtype=np.bool_)
    arrays = []
    for name in COLUMNS:
        if name not in table.column_names:
            arrays.append(pa.nulls(n, pa.string()))
            continue
        column = table.column(name).combine_chunks()
        kind = column.type
        present = pc.is_valid(column).to_numpy(zero_copy_only=False)
        text = pa.nulls(n, pa.string())
        if pa.types.is_string(kind):
            text = column
            if name in _LISTS:
                semicolon = pc.fill_null(pc.match_substring(column, ";"), False)
                odd |= present & semicolon.to_numpy(zero_copy_only=False)
        elif pa.types.is_integer(kind) and name in _WHOLE_NUMBERS:
            text = column.cast(pa.string())
            odd |= pc.fill_null(pc.less(column, 0), False).to_numpy(zero_copy_only=False)
        elif pa.types.is_boolean(kind) and name == "on_site":
            text = pc.if_else(column, "true", "false")
        elif pa.types.is_list(kind) and pa.types.is_string(kind.value_type) and name in _LISTS:
            items = pc.list_flatten(column)
            bad = pc.fill_null(pc.match_substring_regex(items, r"(^$|^\s|\s$|;)"), True)
            rows = pc.list_parent_indices(column).to_numpy(zero_copy_only=False)
            odd[rows[bad.to_numpy(zero_copy_only=False)]] = True
            text = pc.binary_join(column, ";")
        elif not pa.types.is_null(kind):
            odd |= present
        arrays.append(text)
    for name in table.column_names:
        if name not in COLUMNS:
            odd |= pc.is_valid(table.column(name)).to_numpy(zero_copy_only=False)
    raw: dict[int, Mapping[str, Any]] = {}
    if odd.any():
        where = np.flatnonzero(odd)
        for position, values in zip(where.tolist(), table.take(where).to_pylist(), strict=True):
            raw[position] = {k: v for k, v in values.items() if v is not None}
    return pa.RecordBatch.from_arrays(arrays, schema=_TEXT_SCHEMA), raw


_JSON_TEXT = pa_json.ParseOptions(
    explicit_schema=pa.schema(
        [
            (name, pa.string())
            for name in (
                "ticket",
                "reported",
                "first_response",
                "resolved",
                "on_site_arrival",
                "start",
                "work",
            )
        ]
    ),
    unexpected_field_behavior="infer",
)
"""Text columns read as text (the reader would otherwise make times of ISO dates); a line
with another type there sends its block to json.loads."""


def _parse_lines(
    numbered: list[tuple[int, bytes]],
    parts: list[tuple[list[int], pa.Table | list[Mapping[str, Any]]]],
    errors: list[tuple[int, RowError]],
    file: str,
) -> None:
    """Objects of the lines: a table by pyarrow's JSON reader when it reads them all (one type
    per column), else dicts by json.loads, the block at once, or line by line when a line is
    not JSON (its exact message)."""
    if not numbered:
        return
    block = b"".join(t for _, t in numbered)
    try:
        table = pa_json.read_json(io.BytesIO(block), parse_options=_JSON_TEXT)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    else:
        if table.num_rows == len(numbered):
            parts.append(([n for n, _ in numbered], table))
            return
    try:
        found = json.loads(b"[" + b",".join(t.rstrip() for _, t in numbered) + b"]")
    except (json.JSONDecodeError, UnicodeDecodeError):
        found = None
    if found is not None and all(isinstance(values, dict) for values in found):
        parts.append(([n for n, _ in numbered], found))
        return
    lines: list[int] = []
    rows: list[Mapping[str, Any]] = []
    for line, text in numbered:
        try:
            values = json.loads(text.replace(b"\r\n", b"\n"))
        except UnicodeDecodeError:
            raise _not_utf8(file) from None
        except json.JSONDecodeError as error:
            message = (
                f"not JSON ({error.msg} at column {error.colno}); write one JSON object per line"
            )
            errors.append((line, RowError(Problem(message, Location(file, line)))))
            continue
        if not isinstance(values, dict):
            message = "not a JSON object; write one {...} per line"
            errors.append((line, RowError(Problem(message, Location(file, line)))))
            continue
        lines.append(line)
        rows.append(values)
    parts.append((lines, rows))


def _as_text(values: Mapping[str, Any]) -> dict[str, str] | None:
    """The row as CSV cells that read the same, or None when some value has no such text."""
    out: dict[str, str] = {}
    for name, value in values.items():
        if name not in COLUMNS:
            return None
        if value is None:
            continue
        if isinstance(value, str):
            if name in ("pauses", "causes", "priority_history") and ";" in value:
                return None
            out[name] = value
        elif isinstance(value, int) and not isinstance(value, bool):
            if name not in ("priority", "minutes", "travel_minutes") or value < 0:
                return None
            out[name] = str(value)
        elif isinstance(value, bool) and name == "on_site":
            out[name] = "true" if value else "false"
        elif isinstance(value, list) and name in ("pauses", "causes", "priority_history"):
            items = [_item_text(name, item) for item in value]
            if any(item is None for item in items):
                return None
            out[name] = ";".join(items)  # type: ignore[arg-type]
        else:
            return None
    return out


def _item_text(column: str, item: Any) -> str | None:
    if isinstance(item, Mapping):
        if column == "pauses" and set(item) == {"from", "to"}:
            parts = [item["from"], item["to"]]
            joiner = "/"
        elif column == "priority_history" and set(item) == {"from", "priority"}:
            parts = [item["from"], item["priority"]]
            joiner = "="
            if isinstance(parts[1], int) and not isinstance(parts[1], bool):
                parts[1] = str(parts[1])
        else:
            return None
        if not all(
            isinstance(p, str) and p == p.strip() and p and not set(p) & set(";/=") for p in parts
        ):
            return None
        return joiner.join(parts)
    if not isinstance(item, str) or not item or item != item.strip() or ";" in item:
        return None
    return item


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
                cells = _as_text(full)
                raw[position] = full if cells is None else cells
    return Chunk(pa.RecordBatch.from_arrays(columns, names=batch.schema.names), lines, raw)
