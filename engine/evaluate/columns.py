"""Export rows read into columns for the clocks and the price: the rows of a batch at once.

A batch holds the native columns (engine.evaluate.rows COLUMNS) as text, as a CSV gives them.
Cells in the plain forms are read here a column at a time (Arrow compute and numpy): times as
`YYYY-MM-DDTHH:MM[:SS]` on a day without a DST change, priorities 1–4, whole minutes, known
causes, `true`/`false`, pauses and priority histories of plain times. A row with any other
cell is read by RowReader.parse, which reads every form the export format allows or rejects
the row naming its line and column; both give the same values (tests/test_evaluate_rows.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from engine.clock.service_clock import Pauses
from engine.clock.times import format_time
from engine.clock.vector_times import LocalTimes
from engine.errors import SlaError
from engine.evaluate.rows import COLUMNS, PRIORITIES, ParsedRow, RowError, RowReader
from engine.incident.judge import History, Incidents
from engine.incident.model import merge_pauses
from engine.incident.plans import PlanBook
from engine.pricing.quote import INCIDENT, WORK_KINDS

Ints = NDArray[np.int64]
Flags = NDArray[np.bool_]
KINDS = tuple(WORK_KINDS)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_DIGITS = r"^[0-9]{1,9}$"
_CACHE = 100_000


@dataclass(frozen=True)
class Rows:
    """The rows of a batch that were read, in file order, as columns."""

    positions: Ints  # in the batch
    lines: Ints
    tickets: list[str] | pa.Array
    incidents: Incidents
    has_work: Flags
    minutes: Ints
    kind: Ints  # index in KINDS
    on_site: Flags
    travel: Ints
    start: Ints  # the start of the work, epoch microseconds
    reported_texts: dict[int, str]  # output text of a report not in the zone (by index)


class ColumnReader:
    """Reads batches of one export under one contract's plans."""

    def __init__(self, reader: RowReader, book: PlanBook, times: LocalTimes) -> None:
        self.reader = reader
        self.book = book
        self.times = times
        self._causes: dict[str, int] = {"": 0}

    def read(
        self, batch: pa.RecordBatch, lines: Ints, raw: Mapping[int, Mapping[str, Any]]
    ) -> tuple[Rows, list[tuple[int, RowError]]]:
        """The rows of `batch` (cells as text) at `lines`; `raw`: rows whose typed values go
        to RowReader.parse as they are (by position). Also the rejected rows, by position."""
        n = batch.num_rows
        names = set(batch.schema.names)
        blank = pa.array([""] * n, type=pa.string()) if n else pa.array([], type=pa.string())

        def cells(name: str) -> pa.Array:
            if name not in names:
                return blank
            column = batch.column(name)
            return pc.fill_null(column, "")

        tickets = pc.utf8_trim_whitespace(cells("ticket"))
        ok = pc.greater(pc.utf8_length(tickets), 0).to_numpy(zero_copy_only=False)
        for position in raw:
            ok[position] = False
        priority = _codes(cells("priority"), ("", "1", "2", "3", "4"))
        ok &= priority >= 0
        reported, plain = self.times.read(cells("reported"))
        ok &= plain
        times = {}
        for name in ("first_response", "resolved", "on_site_arrival", "start"):
            column = cells(name)
            seconds, plain = self.times.read(column)
            empty = pc.equal(column, "").to_numpy(zero_copy_only=False)
            ok &= plain | empty
            times[name] = (seconds, plain)
        first, has_first = times["first_response"]
        resolved, has_resolved = times["resolved"]
        arrival, has_arrival = times["on_site_arrival"]
        ok &= ~has_first | (first >= reported)
        ok &= ~(has_first & has_resolved) | (resolved >= first)
        ok &= ~has_resolved | (resolved >= reported)
        ok &= ~has_arrival | (arrival >= reported)
        on_site = _codes(cells("on_site"), ("", "false", "true"))
        ok &= on_site >= 0
        on_site = on_site == 2
        minutes, has_work = _whole(cells("minutes"))
        ok &= (minutes >= 0) | ~has_work
        kind = _codes(pc.utf8_trim_whitespace(cells("work")), ("", *KINDS)) - 1
        kind = np.where(kind == -1, KINDS.index(INCIDENT), kind)
        travel, has_travel = _whole(cells("travel_minutes"))
        ok &= (travel >= 0) | ~has_travel
        travel = np.where(has_travel, travel, 0)
        ok &= ~has_work | ((kind >= 0) & ((travel == 0) | on_site))
        causes = self._cause_numbers(cells("causes"), ok)
        pauses = self._pauses(cells("pauses"), ok)
        history = self._histories(
            cells("priority_history"), ok, priority, reported, (resolved, has_resolved)
        )
        start_at, has_start = times["start"]
        start = np.where(has_start, start_at, np.where(has_first, first, reported))

        # Every other row through RowReader.parse, in file order.
        slow = np.flatnonzero(~ok).tolist()
        parsed: list[tuple[int, ParsedRow]] = []
        rejected: list[tuple[int, RowError]] = []
        if slow:
            present = [name for name in batch.schema.names if name in COLUMNS or name]
            picked = batch.take(pa.array(slow, type=pa.int64())).to_pylist() if slow else []
            for position, values in zip(slow, picked, strict=True):
                row_values = raw.get(position)
                if row_values is None:
                    row_values = {
                        k: ("" if v is None else v) for k, v in values.items() if k in present
                    }
                try:
                    parsed.append((position, self.reader.parse(int(lines[position]), row_values)))
                except RowError as error:
                    rejected.append((position, error))
        keep = np.flatnonzero(ok)
        ticket_column: list[str] | pa.Array = tickets
        reported_texts: dict[int, str] = {}
        if parsed:
            keep, order = _merge(keep, [p for p, _ in parsed])
            tickets_list = tickets.to_pylist()
            for position, row in parsed:
                tickets_list[position] = row.incident.ticket or ""
                if (
                    row.incident.reported.utcoffset()
                    != row.incident.reported.astimezone(self.reader.zone).utcoffset()
                    or row.incident.reported.tzinfo is not self.reader.zone
                ):
                    reported_texts[position] = format_time(row.incident.reported)
            ticket_column = tickets_list
            slow_values = self._slow_columns([row for _, row in parsed])
        else:
            order = None
            slow_values = None
        columns = {
            "priority": np.where(history.count > 0, history.last, priority),
            "causes": causes,
            "reported": reported,
            "first": first,
            "has_first": has_first,
            "resolved": resolved,
            "has_resolved": has_resolved,
            "arrival": arrival,
            "has_arrival": has_arrival,
            "visit": on_site,
            "has_work": has_work,
            "minutes": minutes,
            "kind": kind,
            "on_site": on_site,
            "travel": travel,
            "start": start,
        }
        picked_columns = {
            name: values[keep] if order is None else None for name, values in columns.items()
        }
        pause_rows, history_rows = pauses.take(keep), history.rows.take(keep)
        if order is not None and slow_values is not None:
            fast = np.flatnonzero(ok)
            for name, values in columns.items():
                merged = np.empty(len(keep), dtype=values.dtype)
                merged[order < len(fast)] = values[fast]
                merged[order >= len(fast)] = slow_values[name]
                picked_columns[name] = merged
            pause_rows = _stack_pauses(pauses.take(fast), slow_values["pauses"], order, len(fast))
            history_rows = _stack_history(
                history.rows.take(fast), slow_values["history"], order, len(fast)
            )
        c = picked_columns
        incidents = Incidents(
            c["priority"],  # type: ignore[arg-type]
            c["causes"],  # type: ignore[arg-type]
            c["reported"],  # type: ignore[arg-type]
            c["first"],  # type: ignore[arg-type]
            c["has_first"],  # type: ignore[arg-type]
            c["resolved"],  # type: ignore[arg-type]
            c["has_resolved"],  # type: ignore[arg-type]
            c["arrival"],  # type: ignore[arg-type]
            c["has_arrival"],  # type: ignore[arg-type]
            c["visit"],  # type: ignore[arg-type]
            pause_rows,
            history_rows,
        )
        if isinstance(ticket_column, list):
            ticket_out: list[str] | pa.Array = [ticket_column[i] for i in keep.tolist()]
        else:
            ticket_out = ticket_column.take(pa.array(keep, type=pa.int64()))
        index_of = {int(p): i for i, p in enumerate(keep.tolist())} if reported_texts else {}
        rows = Rows(
            keep,
            lines[keep],
            ticket_out,
            incidents,
            c["has_work"],  # type: ignore[arg-type]
            c["minutes"],  # type: ignore[arg-type]
            c["kind"],  # type: ignore[arg-type]
            c["on_site"],  # type: ignore[arg-type]
            c["travel"],  # type: ignore[arg-type]
            c["start"],  # type: ignore[arg-type]
            {index_of[p]: text for p, text in reported_texts.items()},
        )
        return rows, rejected

    # -- cells read a distinct text at a time --------------------------------------------------

    def _cause_numbers(self, texts: pa.Array, ok: Flags) -> Ints:
        encoded = pc.dictionary_encode(texts)
        numbers = np.array(
            [self._cause_number(text) for text in encoded.dictionary.to_pylist()], dtype=np.int64
        )
        found = (
            numbers[encoded.indices.to_numpy(zero_copy_only=False)]
            if len(numbers)
            else (np.zeros(len(texts), dtype=np.int64))
        )
        ok &= found >= 0
        result: Ints = np.maximum(found, 0)
        return result

    def _cause_number(self, text: str) -> int:
        number = self._causes.get(text)
        if number is None:
            causes = tuple(item.strip() for item in text.split(";") if item.strip())
            known = all(cause in self.reader.causes for cause in causes)
            number = self.book.cause_number(causes) if known else -1
            if len(self._causes) < _CACHE:
                self._causes[text] = number
        return number

    def _instants(self, texts: list[str]) -> dict[str, int | None]:
        """Plain local times in microseconds (None: RowReader.parse reads them), all at once."""
        unique = list(dict.fromkeys(texts))
        seconds, plain = self.times.read(pa.array(unique, type=pa.string()))
        return {
            text: int(value) if ok else None
            for text, value, ok in zip(unique, seconds.tolist(), plain.tolist(), strict=True)
        }

    def _pauses(self, texts: pa.Array, ok: Flags) -> Pauses:
        """Each row's pauses, merged; a row with a pause not in the plain form is not `ok`."""
        written = np.flatnonzero(pc.not_equal(texts, "").to_numpy(zero_copy_only=False) & ok)
        if not written.size:
            return Pauses.none(len(texts))
        rows: list[tuple[tuple[int, int], ...]] = [()] * len(texts)
        values = texts.take(pa.array(written, type=pa.int64())).to_pylist()
        items = [
            [item.split("/") for item in (i.strip() for i in text.split(";")) if item]
            for text in values
        ]
        instants = self._instants([part for row in items for parts in row for part in parts])
        for position, row in zip(written.tolist(), items, strict=True):
            found = []
            for parts in row:
                ends = [instants[part] for part in parts] if len(parts) == 2 else [None]
                if None in ends or ends[1] < ends[0]:  # type: ignore[operator]
                    ok[position] = False
                    break
                found.append((ends[0], ends[1]))
            else:
                rows[position] = merge_pauses(found)  # type: ignore[arg-type,type-var]
        return Pauses.of(rows)

    def _histories(
        self,
        texts: pa.Array,
        ok: Flags,
        priority: Ints,
        reported: Ints,
        resolved: tuple[Ints, Flags],
    ) -> _Histories:
        """Each row's priority history; a row whose history is not plain, or disagrees with
        its priority, is not `ok` (RowReader.parse says what is wrong)."""
        n = len(texts)
        written = np.flatnonzero(pc.not_equal(texts, "").to_numpy(zero_copy_only=False) & ok)
        has = np.zeros(n, dtype=np.bool_)
        has[written] = True
        ok &= (priority > 0) | has
        rows: list[tuple[tuple[int, int], ...]] = [()] * n
        last = np.zeros(n, dtype=np.int64)
        values = texts.take(pa.array(written, type=pa.int64())).to_pylist() if written.size else []
        items = [
            [item.rpartition("=") for item in (i.strip() for i in text.split(";")) if item]
            for text in values
        ]
        instants = self._instants([at for row in items for at, _, _ in row])
        ends, has_end = resolved
        for position, row in zip(written.tolist(), items, strict=True):
            changes = []
            for at, equals, prio in row:
                moment = instants[at] if equals else None
                number = PRIORITIES.get(prio.strip())
                if moment is None or number is None:
                    break
                changes.append((moment, number))
            else:
                good = bool(changes) and changes[0][0] == reported[position]
                good = good and all(a[0] < b[0] for a, b in pairwise(changes))
                good = good and (not has_end[position] or changes[-1][0] <= ends[position])
                good = good and priority[position] in (0, changes[-1][1])
                if good:
                    rows[position] = tuple(changes)
                    last[position] = changes[-1][1]
                    continue
            ok[position] = False
        history = History.of(rows)
        count = np.fromiter(map(len, rows), dtype=np.int64, count=n)
        return _Histories(history, count, last)

    def _slow_columns(self, parsed: list[ParsedRow]) -> dict[str, Any]:
        """The columns of rows RowReader.parse read."""
        out: dict[str, list[Any]] = {
            name: []
            for name in (
                "priority",
                "causes",
                "reported",
                "first",
                "has_first",
                "resolved",
                "has_resolved",
                "arrival",
                "has_arrival",
                "visit",
                "has_work",
                "minutes",
                "kind",
                "on_site",
                "travel",
                "start",
                "pauses",
                "history",
            )
        }
        for row in parsed:
            incident = row.incident
            out["priority"].append(incident.priority)
            out["causes"].append(self.book.cause_number(tuple(incident.causes)))
            out["reported"].append(_micros(incident.reported))
            for name, moment in (
                ("first", incident.first_response),
                ("resolved", incident.resolved),
                ("arrival", incident.on_site),
            ):
                out[name].append(0 if moment is None else _micros(moment))
                out[f"has_{name}"].append(moment is not None)
            out["visit"].append(row.visit)
            work = row.work
            out["has_work"].append(work is not None)
            out["minutes"].append(work.minutes if work is not None else -2)
            out["kind"].append(KINDS.index(work.kind) if work is not None else 0)
            out["on_site"].append(work.on_site if work is not None else row.visit)
            out["travel"].append(work.travel_minutes if work is not None else 0)
            out["start"].append(_micros(work.start) if work is not None else 0)
            out["pauses"].append(
                tuple((_micros(a), _micros(b)) for a, b in merge_pauses(incident.pauses))
            )
            out["history"].append(tuple((_micros(c.at), c.priority) for c in row.history))
        arrays: dict[str, Any] = {}
        for name, values in out.items():
            if name in ("pauses", "history"):
                arrays[name] = values
            elif name.startswith("has_") or name in ("visit", "on_site"):
                arrays[name] = np.array(values, dtype=np.bool_)
            else:
                arrays[name] = np.array(values, dtype=np.int64)
        return arrays


class _Histories:
    """Histories of a batch and the last priority of each (0: none)."""

    def __init__(self, rows: History, count: Ints, last: Ints) -> None:
        self.rows = _HistoryRows(rows)
        self.count = count
        self.last = last


class _HistoryRows:
    def __init__(self, history: History) -> None:
        self.history = history

    def take(self, rows: Ints) -> History:
        h = self.history
        return History(h.at[rows], h.priority[rows], h.entries[rows])


def _codes(texts: pa.Array, values: tuple[str, ...]) -> Ints:
    """The index of each text in `values`; -1 for any other."""
    found = pc.index_in(texts, value_set=pa.array(values, type=pa.string()))
    result: Ints = pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    return result


def _whole(texts: pa.Array) -> tuple[Ints, Flags]:
    """Whole numbers of plain digits (-1 otherwise, -2 empty), and where a cell is not empty."""
    given = pc.not_equal(texts, "").to_numpy(zero_copy_only=False)
    digits = pc.fill_null(pc.match_substring_regex(texts, _DIGITS), False)
    numbers = pc.if_else(digits, texts, "0").cast(pa.int64()).to_numpy(zero_copy_only=False)
    plain = digits.to_numpy(zero_copy_only=False)
    found: Ints = np.where(plain, numbers, np.where(given, -1, -2))
    return found, given


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // _US


def _merge(fast: Ints, slow: list[int]) -> tuple[Ints, Ints]:
    """Positions of fast and slow rows together in file order, and for each its source index
    (fast rows 0…len(fast)-1, slow rows after)."""
    positions = np.concatenate([fast, np.array(slow, dtype=np.int64)])
    order = np.argsort(positions, kind="stable")
    source = np.arange(len(positions), dtype=np.int64)[order]
    return positions[order], source


def _stack_pauses(
    fast: Pauses, slow: list[tuple[tuple[int, int], ...]], order: Ints, size: int
) -> Pauses:
    """Fast and slow rows' pauses in file order (`order`: each row's source, as _merge)."""
    more = Pauses.of(slow)
    width = max(fast.width, more.width)
    is_fast = order < size
    starts = np.zeros((len(order), width), dtype=np.int64)
    ends = np.zeros((len(order), width), dtype=np.int64)
    count = np.zeros(len(order), dtype=np.int64)
    starts[is_fast, : fast.width], ends[is_fast, : fast.width] = fast.starts, fast.ends
    starts[~is_fast, : more.width], ends[~is_fast, : more.width] = more.starts, more.ends
    count[is_fast], count[~is_fast] = fast.count, more.count
    return Pauses(starts, ends, count)


def _stack_history(
    fast: History, slow: list[tuple[tuple[int, int], ...]], order: Ints, size: int
) -> History:
    """Fast and slow rows' histories in file order."""
    more = History.of(slow)
    width = max(fast.at.shape[1], more.at.shape[1])
    is_fast = order < size
    at = np.zeros((len(order), width), dtype=np.int64)
    priority = np.zeros((len(order), width), dtype=np.int64)
    count = np.zeros(len(order), dtype=np.int64)
    at[is_fast, : fast.at.shape[1]], priority[is_fast, : fast.at.shape[1]] = fast.at, fast.priority
    at[~is_fast, : more.at.shape[1]] = more.at
    priority[~is_fast, : more.at.shape[1]] = more.priority
    count[is_fast], count[~is_fast] = fast.entries, more.entries
    return History(at, priority, count)


__all__ = ["ColumnReader", "Rows", "SlaError"]
