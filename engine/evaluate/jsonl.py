"""JSON Lines read into chunks of text columns (engine.evaluate.read's chunks).

Blocks of lines are parsed by pyarrow's JSON reader when their values have one type per
column (the time columns kept as text); a block that does not is read by one json.loads,
and line by line when a line is not JSON (its exact message, at its line). Values that are not
text (numbers, lists) become the text a CSV cell would hold when that text means the same; any
other row keeps its typed values, for RowReader.parse. Every line counts, blank ones too.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Mapping
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json

from engine.errors import Location, Problem
from engine.evaluate.read import _WHOLE_NUMBERS, BLOCK_BYTES, Chunk, _empty, _not_utf8
from engine.evaluate.rows import COLUMNS, RowError


def jsonl_chunks(stream: IO[bytes], file: str) -> Iterator[Chunk]:
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
            cells = as_text({k: v for k, v in row.items() if k in slow})
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


def as_text(values: Mapping[str, Any]) -> dict[str, str] | None:
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
