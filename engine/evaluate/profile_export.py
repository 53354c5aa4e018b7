"""Read a helpdesk export as its profile describes it, into batches of raw text columns with
the line of each row: the reader in front of `ProfileConverter` until the columnar reader of
`sla evaluate` reads profiled exports itself.

CSV: the profile's encoding (a UTF-8 byte-order mark is always accepted; bytes that do not
decode name their line), its delimiter or the one the header line uses most among `,`, `;`
and tab; a quoted cell may span lines, and a row keeps the line it starts on. JSON Lines: one
object a line, nested objects flattened to dotted names (`stats.resolved_at`), lists of plain
values joined with `;`. A record that cannot be read is a Rejection; the others are read.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pyarrow as pa

from engine.errors import InputError, Location, Problem
from engine.evaluate.profiles import Profile, Rejection

BATCH_ROWS = 65_536
DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class RawBatch:
    """Rows as the file writes them (text, null for an absent JSON field), their lines, and
    the records that could not be read at all."""

    batch: pa.RecordBatch
    lines: pa.Array
    rejected: tuple[Rejection, ...]


def read_export(
    path: Path, profile: Profile, file: str | None = None, batch_rows: int = BATCH_ROWS
) -> Iterator[RawBatch]:
    """The batches of an export; InputError when it cannot be read at all."""
    name = file or str(path)
    try:
        with path.open("rb") as stream:
            lines = _decoded(stream, profile.encoding)
            if profile.format == "csv":
                yield from _csv(lines, profile, name, batch_rows)
            else:
                yield from _jsonl(lines, name, batch_rows)
    except FileNotFoundError:
        raise InputError.at("no such file; check the path", file=name) from None
    except _Undecodable as error:
        raise InputError.at(
            f"bytes that are not {profile.encoding} text; save the export as {profile.encoding} "
            f"or set encoding in the profile ({profile.where('encoding')})",
            file=name,
            line=error.line,
        ) from None


class _Undecodable(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


def _decoded(stream: IO[bytes], encoding: str) -> Iterator[str]:
    """The lines of a byte stream as text, one line decoded at a time, so that bytes that do
    not decode name their line (the encodings of exports keep a newline one byte)."""
    codecs.lookup(encoding)
    for number, raw in enumerate(stream, start=1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[3:]
        try:
            yield raw.decode(encoding)
        except UnicodeDecodeError:
            raise _Undecodable(number) from None


def detect_delimiter(header: str) -> str:
    """The one of `,`, `;` and tab the header line holds most (`,` when none)."""
    counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _csv(source: Iterator[str], profile: Profile, name: str, batch_rows: int) -> Iterator[RawBatch]:
    lines = _Lines(source)
    try:
        first = next(lines.source)
    except StopIteration:
        raise InputError.at(
            "the file is empty; the first line names the columns", file=name
        ) from None
    delimiter = profile.delimiter or detect_delimiter(first.lstrip("\ufeff"))
    lines.pending = first
    records = csv.reader(lines, delimiter=delimiter)
    header = [cell.strip().lstrip("\ufeff") for cell in next(records)]
    width = len(header)
    rows: list[list[str]] = []
    numbers: list[int] = []
    rejected: list[Rejection] = []
    while True:
        start = lines.number + 1
        try:
            cells = next(records)
        except StopIteration:
            break
        except csv.Error as error:
            rejected.append(_rejection(name, start, f"not a CSV record ({error})"))
            continue
        if not cells or cells == [""]:
            continue
        if len(cells) != width:
            rejected.append(
                _rejection(name, start, f"{len(cells)} cells where the header has {width}")
            )
            continue
        rows.append(cells)
        numbers.append(start)
        if len(rows) == batch_rows:
            yield _batch(header, rows, numbers, rejected)
            rows, numbers, rejected = [], [], []
    if rows or rejected or not numbers:
        yield _batch(header, rows, numbers, rejected)


class _Lines:
    """Lines of a text stream, counted, for csv.reader: a record's line is where it starts."""

    def __init__(self, source: Iterator[str]) -> None:
        self.source = source
        self.number = 0
        self.pending: str | None = None

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.pending is not None:
            line, self.pending = self.pending, None
        else:
            line = next(self.source)
        self.number += 1
        return line


def _batch(
    header: list[str], rows: list[list[str]], numbers: list[int], rejected: list[Rejection]
) -> RawBatch:
    columns = [pa.array([row[i] for row in rows], pa.string()) for i in range(len(header))]
    batch = pa.RecordBatch.from_arrays(columns, names=header)
    return RawBatch(batch, pa.array(numbers, pa.int64()), tuple(rejected))


def _jsonl(source: Iterator[str], name: str, batch_rows: int) -> Iterator[RawBatch]:
    objects: list[dict[str, str | None]] = []
    numbers: list[int] = []
    rejected: list[Rejection] = []
    number = 0
    for line in source:
        number += 1
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError as error:
            rejected.append(_rejection(name, number, f"not JSON ({error})"))
            continue
        if not isinstance(value, dict):
            rejected.append(_rejection(name, number, "not a JSON object; write one {…} a line"))
            continue
        objects.append(dict(_flat(value, "")))
        numbers.append(number)
        if len(objects) == batch_rows:
            yield _json_batch(objects, numbers, rejected)
            objects, numbers, rejected = [], [], []
    if objects or rejected or not numbers:
        yield _json_batch(objects, numbers, rejected)


def _flat(value: dict[str, Any], prefix: str) -> Iterator[tuple[str, str | None]]:
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, dict):
            yield from _flat(item, f"{name}.")
        else:
            yield name, _cell(item)


def _cell(item: Any) -> str | None:
    if item is None:
        return None
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, list):
        if all(isinstance(x, str | int | float) and not isinstance(x, bool) for x in item):
            return ";".join(str(x) for x in item)
        return json.dumps(item)
    if isinstance(item, float) and item.is_integer():
        return str(int(item))
    return str(item)


def _json_batch(
    objects: list[dict[str, str | None]], numbers: list[int], rejected: list[Rejection]
) -> RawBatch:
    names: dict[str, None] = {}
    for item in objects:
        names.update(dict.fromkeys(item))
    columns = [pa.array([item.get(n) for item in objects], pa.string()) for n in names]
    batch = pa.RecordBatch.from_arrays(columns, names=list(names))
    return RawBatch(batch, pa.array(numbers, pa.int64()), tuple(rejected))


def _rejection(file: str, line: int, message: str) -> Rejection:
    return Rejection(line, (Problem(message, Location(file, line)),))
