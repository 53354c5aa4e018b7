"""Streaming reading and writing of helpdesk exports: CSV and JSON Lines, one incident a row.

- The format follows the extension: `.csv`, or `.jsonl` / `.ndjson`.
- Rows are read one at a time and never all held, so memory stays flat however large the file.
- Row numbers are line numbers as a person counts them in the file: in CSV the header is
  line 1, and a record whose quoted cell spans lines is numbered by its first line.
- A bad row becomes a `RowError` in the stream (the rest is still read); a problem with the
  whole file (not UTF-8, an unknown or missing column in the CSV header) is an InputError.
- Output is written to a temporary file in the output's folder and renamed over it only when
  all rows are written: a reader never sees half a file, and a failed run leaves the old one.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from engine.clock.times import EpochTimes, format_time
from engine.contract.merge import EffectiveContract
from engine.errors import InputError, Location, Problem, SlaError, did_you_mean
from engine.evaluate.gc_pacing import paced_collection
from engine.evaluate.rows import COLUMNS, ParsedRow, RowError, RowReader
from engine.evaluate.run import Evaluator, RowResult, Summary, SummaryBuilder, run
from engine.incident.clocks import CLOCKS
from engine.output import atomic_file
from engine.pricing.money import as_decimal_string
from engine.rules.ruleset import RuleSet

CSV, JSONL, HTML = "csv", "jsonl", "html"
INPUT_FORMATS = {".csv": CSV, ".jsonl": JSONL, ".ndjson": JSONL}
OUTPUT_FORMATS = {**INPUT_FORMATS, ".html": HTML, ".htm": HTML}
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


def input_format(path: Path) -> str:
    """CSV or JSONL by the extension; an InputError that says which ones otherwise."""
    found = INPUT_FORMATS.get(path.suffix.lower())
    if found is None:
        raise InputError.at(
            "unknown kind of export; name it .csv or .jsonl (JSON Lines, also .ndjson)",
            file=str(path),
        )
    return found


def output_format(path: Path) -> str:
    found = OUTPUT_FORMATS.get(path.suffix.lower())
    if found is None:
        raise InputError.at(
            "unknown kind of output; name it .csv, .jsonl (JSON Lines) or .html (a report)",
            file=str(path),
        )
    return found


def read_rows(path: Path, reader: RowReader) -> Iterator[ParsedRow | RowError]:
    """Each row of the export parsed, or the error that rejects it, in file order."""
    kind = input_format(path)
    with _opened(path, reader.file, kind) as stream:
        if kind == CSV:
            yield from _csv_rows(stream, reader)
        else:
            yield from _jsonl_rows(stream, reader)


@contextmanager
def _opened(path: Path, file: str, kind: str) -> Iterator[IO[str]]:
    """The export open for reading; a missing file or one that is not UTF-8 (found while
    reading it, inside the with block) is an InputError."""
    try:
        with path.open(encoding="utf-8-sig", newline="" if kind == CSV else None) as stream:
            yield stream
    except FileNotFoundError:
        raise InputError.at("no such file; check the path", file=file) from None
    except UnicodeDecodeError as error:
        raise InputError.at(
            f"not UTF-8 text (byte {error.start} of a read block); save the export as UTF-8",
            file=file,
        ) from None


def _csv_rows(stream: IO[str], reader: RowReader) -> Iterator[ParsedRow | RowError]:
    header, records = _csv_records(stream, reader.file)
    for record in records:
        if isinstance(record, RowError):
            yield record
            continue
        line, cells = record
        try:
            yield reader.parse(line, dict(zip(header, cells, strict=True)))
        except RowError as error:
            yield error


def _csv_records(
    stream: IO[str], file: str
) -> tuple[list[str], Iterator[tuple[int, list[str]] | RowError]]:
    """The header (checked) and each record with its line number, or the error that rejects
    it; blank lines are left out."""
    header, records = _csv_header(stream, file)
    return header, _records(records, len(header), file)


def _csv_header(stream: IO[str], file: str) -> tuple[list[str], Any]:
    """The header (checked) and the csv reader positioned after it."""
    records = csv.reader(stream)
    try:
        header = [name.strip() for name in next(records)]
    except StopIteration:
        raise InputError.at(
            "the file is empty; the first line names the columns", file=file
        ) from None
    _check_header(header, file)
    return header, records


def _records(records: Any, width: int, file: str) -> Iterator[tuple[int, list[str]] | RowError]:
    previous = records.line_num
    while True:
        try:
            cells = next(records)
        except StopIteration:
            return
        except csv.Error as error:
            yield RowError(Problem(f"not CSV: {error}", Location(file, previous + 1)))
            previous = records.line_num
            continue
        line, previous = previous + 1, records.line_num
        if not cells or not any(cells):
            continue  # a blank line is no row
        if len(cells) != width:
            yield RowError(
                Problem(
                    f"{len(cells)} cells, the header has {width}; check the separators and quotes",
                    Location(file, line),
                )
            )
            continue
        yield line, cells


def _check_header(header: Sequence[str], file: str) -> None:
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


def _jsonl_rows(stream: IO[str], reader: RowReader) -> Iterator[ParsedRow | RowError]:
    for line, text in enumerate(stream, start=1):
        if not text.strip():
            continue
        try:
            values = json.loads(text)
        except json.JSONDecodeError as error:
            yield RowError(
                Problem(
                    f"not JSON ({error.msg} at column {error.colno}); write one JSON object "
                    "per line",
                    Location(reader.file, line),
                )
            )
            continue
        if not isinstance(values, dict):
            yield RowError(
                Problem("not a JSON object; write one {...} per line", Location(reader.file, line))
            )
            continue
        try:
            yield reader.parse(line, values)
        except RowError as error:
            yield error


class RowWriter:
    """Writes row results as CSV (a header, then one line each) or JSON Lines."""

    def __init__(self, stream: IO[str], kind: str) -> None:
        if kind not in (CSV, JSONL):
            raise ValueError(f"rows are written as CSV or JSON Lines, not {kind}")
        self.kind = kind
        self._stream = stream
        self._csv = csv.writer(stream, lineterminator="\n") if kind == CSV else None
        if self._csv is not None:
            self._csv.writerow(OUTPUT_COLUMNS)

    @property
    def stream(self) -> IO[str]:
        return self._stream

    @property
    def csv(self) -> Any:
        """The csv writer of a CSV output (None for JSON Lines), to write cells directly."""
        return self._csv

    def row(self, cells: list[Any]) -> None:
        """One row of CSV cells (OUTPUT_COLUMNS), as `write` writes a result's."""
        assert self._csv is not None
        self._csv.writerow(cells)

    def write(self, result: RowResult) -> None:
        if self._csv is not None:
            self._csv.writerow(csv_cells(result))
        else:
            self._stream.write(json.dumps(as_json(result), ensure_ascii=False))
            self._stream.write("\n")


def csv_cells(result: RowResult) -> list[Any]:
    """The CSV cells of a row result, in OUTPUT_COLUMNS order."""
    cells: list[Any] = [
        result.line,
        result.ticket,
        result.priority,
        format_time(result.reported),
    ]
    for clock in (
        result.outcome.first_response,
        result.outcome.resolution,
        result.outcome.time_on_site,
    ):
        due = clock.due
        cells += [
            clock.target,
            clock.priority,
            "" if due is None else format_time(due),
            clock.status,
        ]
    cells += [
        "" if result.cost is None else as_decimal_string(result.cost),
        ";".join(result.exceptions),
        result.note or "",
    ]
    return cells


def as_json(result: RowResult) -> dict[str, Any]:
    """A row result as a JSON object: times with offsets, cost a decimal string or null."""
    out: dict[str, Any] = {
        "row": result.line,
        "ticket": result.ticket,
        "priority": result.priority,
        "reported": format_time(result.reported),
    }
    for name in CLOCKS:
        clock = result.clock(name)
        out[name] = {
            "target": clock.target,
            "priority": clock.priority,
            "due": None if clock.due is None else format_time(clock.due),
            "status": clock.status,
        }
    out["cost"] = None if result.cost is None else as_decimal_string(result.cost)
    out["exceptions"] = list(result.exceptions)
    out["note"] = result.note
    return out


PROGRESS_EVERY = 10_000


def evaluate_export(
    rules: RuleSet,
    contract: EffectiveContract,
    source: Path,
    as_of: datetime,
    *,
    output: Path | None = None,
    on_reject: Callable[[Problem], None],
    on_progress: Callable[[int], None] | None = None,
    name: str | None = None,
) -> Summary:
    """Evaluate every row of `source`, writing row results to `output` (CSV or JSON Lines).

    Rejected rows go to `on_reject` as they are met; `on_progress` is told the number of rows
    read every PROGRESS_EVERY rows. The output is replaced only when the whole file is done.
    """
    reader = RowReader(name or str(source), rules.exception_rules().keys())
    evaluator = Evaluator(rules, contract, as_of)
    builder = SummaryBuilder(rules.settings.breach_list_limit, as_of)
    kind = output_format(output) if output is not None else None
    with paced_collection() as collect:
        if (
            input_format(source) == CSV
            and kind in (CSV, None)
            and evaluator.clocks.epoch_ready
            and reader.zone is builder.zone
        ):
            evaluate = partial(
                _evaluate_csv, source, reader, evaluator, builder, on_reject, on_progress, collect
            )
            if output is None:
                evaluate(None)
            else:
                with atomic_file(output, [source]) as stream:
                    evaluate(RowWriter(stream, CSV))
            return builder.summary()
        results = _paced(
            run(read_rows(source, reader), evaluator, builder, on_reject),
            builder,
            on_progress,
            collect,
        )
        if output is not None and kind in (CSV, JSONL):
            with atomic_file(output, [source]) as stream:
                writer = RowWriter(stream, kind)
                for result in results:
                    writer.write(result)
        else:
            for _ in results:
                pass
    return builder.summary()


def _paced(
    results: Iterator[RowResult],
    builder: SummaryBuilder,
    on_progress: Callable[[int], None] | None,
    collect: Callable[[int], None],
) -> Iterator[RowResult]:
    """`results`, telling `on_progress` and `collect` the rows read every PROGRESS_EVERY."""
    next_report = PROGRESS_EVERY
    for result in results:
        yield result
        done = builder.rows_out + builder.rows_rejected
        if done >= next_report:
            collect(done)
            if on_progress is not None:
                on_progress(done)
            next_report = done + PROGRESS_EVERY


CHUNK_ROWS = 10_000
"""Rows evaluated together as arrays (engine.evaluate.vector); memory stays flat."""


def _evaluate_csv(
    source: Path,
    reader: RowReader,
    evaluator: Evaluator,
    builder: SummaryBuilder,
    on_reject: Callable[[Problem], None],
    on_progress: Callable[[int], None] | None,
    collect: Callable[[int], None],
    writer: RowWriter | None,
) -> None:
    """evaluate_export for a CSV export, written as CSV or not at all; `collect` is told the
    rows read after each chunk (engine.evaluate.gc_pacing).

    The rows are read in chunks; engine.evaluate.vector judges, prices, counts and writes the
    plain rows of a chunk as arrays, and hands each other row, at its place in the file, to
    the per-row path: RowReader.epoch_row and Clocks.judge_epoch (no datetime) when it reads
    the row, else the general path (parse, evaluate, add) exactly as `run` takes it. The output
    is the same byte for byte (tests/test_batch_io.py checks it on generated rows).
    """
    from engine.evaluate.vector import VectorBatch  # numpy: only `sla evaluate` pays its import

    clocks = evaluator.clocks
    zone = clocks.zone
    reported_text = reader.epochs.write
    due_text = reader.epochs.write if zone is reader.zone else EpochTimes(zone).write
    judge, cost_of, add = clocks.judge_epoch, evaluator.cost_epoch, builder.add_epoch
    next_report = PROGRESS_EVERY
    with _opened(source, reader.file, CSV) as stream:
        header, records = _csv_header(stream, reader.file)
        columns = reader.columns(header)
        batch = VectorBatch(reader, evaluator, builder, columns)
        csv_out = writer.csv if writer is not None else None
        stream_out = writer.stream if writer is not None else None
        write = csv_out.writerow if csv_out is not None else None
        write_lines = stream_out.write if stream_out is not None else None

        def per_row(line: int, cells: list[str], error: RowError | None) -> list[Any] | None:
            """One row, row by row: its output cells; None: rejected."""
            if error is not None:
                builder.reject()
                for problem in error.problems:
                    on_reject(problem)
                return None
            row = reader.epoch_row(cells, columns)
            if row is not None:
                ticket, priority, causes, reported, first, resolved, arrival, start = row[:8]
                try:
                    judged = judge(
                        priority,
                        causes,
                        reported,
                        first,
                        resolved,
                        arrival,
                        row[11],
                        *row[8:10],
                    )
                except SlaError:
                    row = None
            if row is None:
                return _general(
                    line,
                    dict(zip(header, cells, strict=False)),
                    reader,
                    evaluator,
                    builder,
                    on_reject,
                )
            work = row[10]
            if work is None:
                cost, note, cost_cell = None, None, ""
            else:
                cost, note, cost_cell = cost_of(priority, causes, work, start, ticket, zone)
            when = reported_text(reported)
            fr, res, site, plan = judged
            add(line, ticket, priority, when[:7], (fr, res, site), zone, cost, note)
            return [
                line,
                ticket,
                priority,
                when,
                fr[0],
                fr[1],
                "" if fr[2] is None else due_text(fr[2]),
                fr[3],
                res[0],
                res[1],
                "" if res[2] is None else due_text(res[2]),
                res[3],
                site[0],
                site[1],
                "" if site[2] is None else due_text(site[2]),
                site[3],
                cost_cell,
                ";".join(plan.exceptions),
                note or "",
            ]

        for lines, rows, errors in _chunks(records, len(header), reader.file, CHUNK_ROWS):
            batch.run(lines, rows, errors, per_row, write, write_lines)
            collect(builder.rows_out + builder.rows_rejected)
            if on_progress is not None:
                done = builder.rows_out + builder.rows_rejected
                while done >= next_report:  # the counts the row-by-row loop reported
                    on_progress(next_report)
                    next_report += PROGRESS_EVERY


def _chunks(
    records: Any, width: int, file: str, size: int
) -> Iterator[tuple[list[int], list[list[str]], dict[int, RowError]]]:
    """`_records` in chunks of `size`: line numbers, cells, and the rejected records by their
    position (their cells there are empty).

    The records are read `size` at a time (list.extend keeps those read before a csv.Error).
    When the reader's line count went up by one per record, their lines follow each other;
    else each record took one line more per line break inside its (quoted) cells."""
    lines: list[int] = []
    rows: list[list[str]] = []
    errors: dict[int, RowError] = {}
    empty = [""] * width
    synced = records.line_num  # the lines read up to the last record taken
    while True:
        block: list[list[str]] = []
        failed: csv.Error | None = None
        try:
            block.extend(islice(records, size))
        except csv.Error as error:
            failed = error
        if not block and failed is None:
            break
        if failed is None and records.line_num - synced == len(block):
            starts: Sequence[int] = range(synced + 1, synced + 1 + len(block))
            after = synced + len(block)
        else:
            starts, after = _record_lines(block, synced)
        synced = records.line_num
        if set(map(len, block)) == {width} and (
            all(map(itemgetter(0), block)) or all(map(any, block))  # no row without cells
        ):
            lines.extend(starts)
            rows.extend(block)
        else:
            for line, cells in zip(starts, block, strict=True):
                if not any(cells):
                    continue  # a blank line is no row
                if len(cells) != width:
                    errors[len(rows)] = RowError(
                        Problem(
                            f"{len(cells)} cells, the header has {width}; check the "
                            "separators and quotes",
                            Location(file, line),
                        )
                    )
                    cells = empty
                lines.append(line)
                rows.append(cells)
        if failed is not None:
            errors[len(rows)] = RowError(Problem(f"not CSV: {failed}", Location(file, after + 1)))
            lines.append(after + 1)
            rows.append(empty)
        while len(rows) >= size:
            yield lines[:size], rows[:size], {k: e for k, e in errors.items() if k < size}
            lines, rows = lines[size:], rows[size:]
            errors = {k - size: e for k, e in errors.items() if k >= size}
    if rows:
        yield lines, rows, errors


def _record_lines(block: list[list[str]], synced: int) -> tuple[list[int], int]:
    """The first line of each record read after line `synced`, and the last line they took:
    a record takes one line, and one more per line break in its cells (\n, \r or \r\n, as
    the file, opened with newline="", splits lines)."""
    starts = []
    at = synced
    for cells in block:
        starts.append(at + 1)
        at += 1
        for cell in cells:
            if "\n" in cell or "\r" in cell:
                at += cell.count("\n") + cell.count("\r") - cell.count("\r\n")
    return starts, at


def _general(
    line: int,
    values: dict[str, str],
    reader: RowReader,
    evaluator: Evaluator,
    builder: SummaryBuilder,
    on_reject: Callable[[Problem], None],
) -> list[Any] | None:
    """One row the way `run` takes it: its output cells, or None when it was rejected."""
    try:
        row = reader.parse(line, values)
    except RowError as error:
        builder.reject()
        for problem in error.problems:
            on_reject(problem)
        return None
    for result in run([row], evaluator, builder, on_reject):
        return csv_cells(result)
    return None
