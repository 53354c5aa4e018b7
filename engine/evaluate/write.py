"""Row results as an Arrow record batch (OUTPUT_COLUMNS), and that batch as CSV or JSON Lines.

The batch is what `evaluate_batches` yields and what Parquet output stores: one row per
evaluated row, times as text with their offset (`2026-11-24T16:00:00+01:00`), the cost as a
decimal string. CSV and JSON Lines text is made from its columns a column at a time (Arrow
compute), byte for byte what Python's csv writer (QUOTE_MINIMAL, "\\n" line ends) and
`json.dumps(…, ensure_ascii=False)` write; only the cells that need quoting or escaping are
written one by one.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from engine.evaluate.run import Evaluated, Evaluator
from engine.incident.plans import CLOCKS, STATUSES, Plan

OUTPUT_COLUMNS = (
    "row",
    "ticket",
    "priority",
    "reported",
    *(f"{clock}_{part}" for clock in CLOCKS for part in ("target", "prio", "due", "status")),
    "cost",
    "exceptions",
    "note",
)
_TYPES = {"row": pa.int64(), "priority": pa.int64(), **{f"{c}_prio": pa.int64() for c in CLOCKS}}
OUTPUT_SCHEMA = pa.schema([(name, _TYPES.get(name, pa.string())) for name in OUTPUT_COLUMNS])
_STATUS_TEXTS = pa.array(STATUSES, type=pa.string())


def output_batch(evaluator: Evaluator, done: Evaluated, reported: pa.Array) -> pa.RecordBatch:
    """The row results of `done` (`reported`: their report times as the output writes them)."""
    rows, judged = done.rows, done.judged
    book = evaluator.book
    n = len(rows.positions)
    plans = [p if isinstance(p, Plan) else None for p in book.plans]
    final = rows.incidents.causes * 4 + rows.incidents.priority - 1
    columns: list[pa.Array] = [
        pa.array(rows.lines, type=pa.int64()),
        rows.tickets if isinstance(rows.tickets, pa.Array) else pa.array(rows.tickets, pa.string()),
        pa.array(rows.incidents.priority, type=pa.int64()),
        reported,
    ]
    specs = [pa.array([p.specs[k] if p else "" for p in plans], type=pa.string()) for k in range(3)]
    flat = judged.has_due.reshape(-1)
    written = evaluator.times.write(judged.due.reshape(-1)[flat])
    where = np.cumsum(flat) - 1  # each due time's place among those written
    if len(written):
        due = written.take(pa.array(np.where(flat, where, 0), type=pa.int64()))
        due = pc.if_else(pa.array(flat), due, pa.scalar(None, pa.string()))
    else:
        due = pa.nulls(len(flat), pa.string())
    for k in range(3):
        plan = pa.array(judged.plan[:, k], type=pa.int64())
        columns += [
            specs[k].take(plan),
            pa.array(book.priority_of[judged.plan[:, k]], type=pa.int64()),
            due.take(pa.array(np.arange(k, 3 * n, 3), type=pa.int64())) if n else due,
            _STATUS_TEXTS.take(pa.array(judged.status[:, k], type=pa.int64())),
        ]
    used, cost_number = np.unique(done.cost, return_inverse=True)
    costs = [evaluator.costs[number] for number in used.tolist()]
    cost_index = pa.array(cost_number.reshape(-1), type=pa.int64())
    cost_texts = pa.array([c.text if c.total is not None else None for c in costs], pa.string())
    notes = pa.array([c.note for c in costs], type=pa.string()).take(cost_index)
    if done.notes is not None:
        notes = pc.if_else(pc.is_valid(done.notes), done.notes, notes)
    exceptions = pa.array([";".join(p.exceptions) if p else "" for p in plans], pa.string())
    columns += [
        cost_texts.take(cost_index),
        exceptions.take(pa.array(final, type=pa.int64())),
        notes,
    ]
    return pa.RecordBatch.from_arrays(columns, schema=OUTPUT_SCHEMA)


# -- CSV ---------------------------------------------------------------------------------------

_SINK = io.StringIO()
_CELL = csv.writer(_SINK, lineterminator="\n")
_NEEDS_QUOTES = '[,"\r\n]'


def csv_header() -> str:
    return ",".join(OUTPUT_COLUMNS) + "\n"


def csv_text(text: str) -> str:
    """A cell as Python's csv writer writes it (quoted only when it must be)."""
    if not any(c in text for c in ',"\r\n'):
        return text
    _SINK.seek(0)
    _SINK.truncate()
    _CELL.writerow([text, ""])
    return _SINK.getvalue()[:-2]


def csv_lines(batch: pa.RecordBatch) -> bytes:
    """The batch as CSV lines (no header), each ending in a newline."""
    if batch.num_rows == 0:
        return b""
    cells = [
        _csv_cells(column, name in _FREE_TEXT)
        for name, column in zip(OUTPUT_COLUMNS, batch.columns, strict=True)
    ]
    lines = pc.binary_join_element_wise(*cells, ",")
    return _joined(pc.binary_join_element_wise(lines, pa.scalar("\n"), ""))


_FREE_TEXT = {"ticket", "exceptions", "note"}
"""The columns whose cells may hold a separator, quote or line break; the others are times,
numbers, durations and statuses."""


def _csv_cells(column: pa.Array, free_text: bool) -> pa.Array:
    if not pa.types.is_string(column.type):
        return pc.fill_null(column.cast(pa.string()), "")
    column = pc.fill_null(column, "")
    if not free_text:
        return column
    special = pc.match_substring_regex(column, _NEEDS_QUOTES)
    if not pc.any(special).as_py():
        return column
    values = column.to_pylist()
    for i in np.flatnonzero(special.to_numpy(zero_copy_only=False)).tolist():
        values[i] = csv_text(values[i])
    return pa.array(values, type=pa.string())


def _joined(lines: pa.Array) -> bytes:
    """All values of a string array (without nulls) one after another: its data buffer."""
    lines = pa.concat_arrays([lines]) if lines.offset else lines
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32, count=len(lines) + 1)
    data = lines.buffers()[2]
    if data is None:
        return b""
    found: bytes = data.to_pybytes()[int(offsets[0]) : int(offsets[-1])]
    return found


# -- JSON Lines --------------------------------------------------------------------------------

_NEEDS_ESCAPE = '["\\\\\\x00-\\x1f\\x7f]'


def jsonl_lines(batch: pa.RecordBatch) -> bytes:
    """The batch as JSON Lines: `{"row": 2, "ticket": "T-1", …, "first_response": {"target":
    …}, …, "cost": "12.50", "exceptions": ["derde-partij"], "note": null}`."""
    if batch.num_rows == 0:
        return b""
    get = batch.column
    pieces: list[Any] = [
        '{"row": ',
        get("row").cast(pa.string()),
        ', "ticket": ',
        _json_strings(get("ticket"), free_text=True),
        ', "priority": ',
        get("priority").cast(pa.string()),
        ', "reported": ',
        _json_strings(get("reported")),
    ]
    for name in CLOCKS:
        pieces += [
            f', "{name}": {{"target": ',
            _json_strings(get(f"{name}_target")),
            ', "priority": ',
            get(f"{name}_prio").cast(pa.string()),
            ', "due": ',
            _json_strings(get(f"{name}_due")),
            ', "status": ',
            _json_strings(get(f"{name}_status")),
            "}",
        ]
    pieces += [
        ', "cost": ',
        _json_strings(get("cost")),
        ', "exceptions": ',
        _json_lists(get("exceptions")),
        ', "note": ',
        _json_strings(get("note"), free_text=True),
        "}\n",
    ]
    arrays = [pa.scalar(p) if isinstance(p, str) else p for p in pieces]
    return _joined(pc.binary_join_element_wise(*arrays, ""))


def _json_strings(column: pa.Array, free_text: bool = False) -> pa.Array:
    """Each value as a JSON string, null as `null`; only free text may need escapes."""
    special = (
        free_text
        and pc.any(pc.fill_null(pc.match_substring_regex(column, _NEEDS_ESCAPE), False)).as_py()
    )
    if special:
        values = column.to_pylist()
        texts = ["null" if v is None else json.dumps(v, ensure_ascii=False) for v in values]
        return pa.array(texts, type=pa.string())
    quoted = pc.binary_join_element_wise(pa.scalar('"'), column, pa.scalar('"'), "")
    return pc.fill_null(quoted, "null")


def _json_lists(column: pa.Array) -> pa.Array:
    """`a;b` as the JSON list ["a", "b"]; empty as []."""
    encoded = pc.dictionary_encode(column)
    texts = [
        json.dumps([item for item in (text or "").split(";") if item], ensure_ascii=False)
        for text in encoded.dictionary.to_pylist()
    ]
    return pa.array(texts, type=pa.string()).take(encoded.indices)
