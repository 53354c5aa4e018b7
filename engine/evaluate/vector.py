"""`sla evaluate`'s CSV hot path: a chunk of rows read, judged, priced, counted and written as
arrays (numpy), every row that is not plain left to the per-row path at its place in the file.

A row is plain when RowReader.epoch_row reads it and it needs nothing the arrays do not do: a
priority 1–4 (or a priority history whose priorities all count on one calendar), at most
MAX_PAUSES pauses once merged (each end in the plain local form), known causes (or none), and
every time cell empty or in the plain local form on a day without a DST change. For those rows
this module computes what the per-row path (epoch_row, judge_epoch, cost_epoch, add_epoch, the
output row) computes, byte for byte; tests/test_batch_io.py checks it on generated rows. Every
other row, and every row whose count needs calendar years not compiled, goes to `per_row`, in
file order together with the breaches listed, so rejections and the breach list see the rows
in the same order as the per-row path does. Calls are priced once per set of deciding facts
(a quote does not depend on the order the rows come in).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
from numpy.typing import NDArray

from engine.clock.times import EpochTimes
from engine.clock.vector_times import VectorTimes
from engine.errors import SlaError
from engine.evaluate.rows import COLUMNS, PRIORITIES, RowError, RowReader
from engine.evaluate.run import Evaluator, SummaryBuilder
from engine.incident.clocks import CLOCKS, STATUSES, ClockPlan
from engine.incident.deadlines import merge_pauses
from engine.incident.vector_clocks import (
    BREACHED_CODE,
    MAX_PAUSES,
    Intervals,
    Pauses,
    PlanTable,
    VectorClocks,
)
from engine.pricing.quote import INCIDENT, WORK_KINDS
from engine.pricing.service_windows import (
    EVENING_WEEKEND,
    OFFICE_HOURS,
    no_service_message,
    when_text,
)

Ints = NDArray[np.int64]
Flags = NDArray[np.bool_]
Cost = tuple[Decimal | None, str | None, str]
Cells = list[Any]
PerRow = Callable[[int, list[str], RowError | None], Cells | None]
"""The per-row path for one row (line, cells, the error that rejects it already): its output
cells, or None when it was rejected (it adds to the summary and reports rejections itself)."""

_KINDS = tuple(WORK_KINDS)
_WINDOWS = (OFFICE_HOURS, EVENING_WEEKEND)
_FLAGS = {"": 0, "true": 1, "false": 0}
_BIG = 1_000_000  # minutes and travel minutes below this are priced from the arrays
_CACHE = 100_000  # distinct cell texts remembered per column
_PRIORITY_TEXTS = np.array(["", "1", "2", "3", "4"], dtype=object)
_NOTE_START, _NOTE_RESUMES = "{start}", "{resumes}"  # in _no_service_note's templates
(
    _TICKET,
    _PRIORITY,
    _REPORTED,
    _FIRST,
    _RESOLVED,
    _ARRIVAL,
    _START,
    _PAUSES,
    _CAUSES,
    _MINUTES,
    _WORK,
    _ON_SITE,
    _TRAVEL,
    _HISTORY,
) = range(len(COLUMNS))


def _whole(text: str) -> int:
    """A minutes cell as epoch_row reads it: -2 empty, -1 not plain ASCII digits."""
    if not text:
        return -2
    if not (text.isascii() and text.isdigit()) or len(text) > 6:
        return -1
    number = int(text)
    return number if number < _BIG else -1


def _priority(text: str) -> int:
    """A priority cell as epoch_row reads it: 0 empty, -1 not a priority."""
    return PRIORITIES.get(text, -1) if text else 0


def _kind(text: str) -> int:
    kind = text.strip() or INCIDENT
    return _KINDS.index(kind) if kind in _KINDS else -1


class VectorBatch:
    """Evaluates the chunks of one CSV export under one contract as of one moment."""

    def __init__(
        self,
        reader: RowReader,
        evaluator: Evaluator,
        builder: SummaryBuilder,
        columns: tuple[int, ...],
    ) -> None:
        self.reader = reader
        self.evaluator = evaluator
        self.builder = builder
        self.columns = columns
        clocks = evaluator.clocks
        self.zone = clocks.zone
        self.read_times = VectorTimes(reader.epochs)
        self.due_times = (
            self.read_times if clocks.zone is reader.zone else VectorTimes(EpochTimes(clocks.zone))
        )
        self.vector_clocks = VectorClocks(clocks)
        office, evening = evaluator.window_calendars
        self.office, self.evening = Intervals(office), Intervals(evening)
        self.causes: list[tuple[str, ...]] = [()]
        self._cause_numbers: dict[tuple[str, ...], int] = {(): 0}
        self._plans: list[ClockPlan | None] = []
        self._table = PlanTable([])
        # Output pieces per plan: "target,priority" of each clock, and "status,target,priority"
        # joining a clock's status to the next clock's target
        # (engine.evaluate.export OUTPUT_COLUMNS).
        self._heads = np.zeros((0, 3), dtype=object)
        self._links = np.zeros((2, len(STATUSES), 0), dtype=object)
        self._priorities = np.zeros(0, dtype=np.int64)
        self._exceptions = np.zeros(0, dtype=object)
        self._texts: dict[str, dict[str, int]] = {}
        self._costs: list[Cost] = [(None, None, "")]  # 0: no work
        self._cost_cells: list[tuple[str, str]] = [("", "")]  # cost and note as written
        self._cost_numbers: dict[tuple[object, ...], int] = {}
        self._notes: dict[tuple[int, int, bool], tuple[str, str]] = {}

    # -- cells -------------------------------------------------------------------------------

    def _numbers(self, name: str, texts: Sequence[str], read: Callable[[str], int]) -> Ints:
        """`read` of each text, remembered per distinct text (cells repeat a lot)."""
        table = self._texts.setdefault(name, {})
        try:  # mostly every text was seen before
            return np.fromiter(map(table.__getitem__, texts), dtype=np.int64, count=len(texts))
        except KeyError:
            pass
        missing = set(texts).difference(table)
        if len(table) + len(missing) > _CACHE:
            table.clear()
            missing = set(texts)
        for text in missing:
            table[text] = read(text)
        return np.fromiter(map(table.__getitem__, texts), dtype=np.int64, count=len(texts))

    def _cause_number(self, text: str) -> int:
        causes = self.reader.causes_of(text) if text else ()
        if causes is None:
            return -1
        number = self._cause_numbers.get(causes)
        if number is None:
            number = self._cause_numbers[causes] = len(self.causes)
            self.causes.append(causes)
        return number

    def _plan_table(self) -> PlanTable:
        """Plans numbered cause number * 4 + priority - 1, for every cause set seen so far."""
        wanted = 4 * len(self.causes)
        if len(self._plans) < wanted:
            clocks = self.evaluator.clocks
            for number in range(len(self._plans), wanted):
                try:
                    plan: ClockPlan | None = clocks.plan(number % 4 + 1, self.causes[number // 4])
                except SlaError:
                    plan = None  # the per-row path reports it
                self._plans.append(plan)
            self._table = PlanTable(self._plans)
            self._priorities = np.array(
                [p.priority if p is not None else 0 for p in self._plans], dtype=np.int64
            )
            heads = [
                [f"{csv_text(spec)},{p.priority}" for spec in p.specs] if p else ["", "", ""]
                for p in self._plans
            ]
            self._heads = np.array(heads, dtype=object).reshape(len(self._plans), 3)
            self._links = np.array(
                [
                    [[f"{status},{head}" for head in self._heads[:, k + 1]] for status in STATUSES]
                    for k in range(2)
                ],
                dtype=object,
            ).reshape(2, len(STATUSES), len(self._plans))
            self._exceptions = np.array(
                [csv_text(";".join(p.exceptions)) if p is not None else "" for p in self._plans],
                dtype=object,
            )
        return self._table

    # -- one chunk ---------------------------------------------------------------------------

    def run(
        self,
        lines: list[int],
        rows: list[list[str]],
        errors: dict[int, RowError],
        per_row: PerRow,
        write: Callable[[Cells], None] | None,
        write_lines: Callable[[str], object] | None,
    ) -> None:
        """Evaluate a chunk: `rows` (cells as CSV gives them, all of the header's width) at
        `lines`, in file order, writing the output rows in the same order: `write` writes a
        row's cells as CSV, `write_lines` text of whole CSV lines (written the same way)."""
        n = len(rows)
        if n == 0:
            return
        self._forget_chunk_costs()
        columns = list(zip(*rows, strict=True))
        blank: tuple[str, ...] = ("",) * n

        def cells(index: int) -> Sequence[str]:
            where = self.columns[index]
            return blank if where < 0 else columns[where]

        tickets = list(map(str.strip, cells(_TICKET)))
        ok = np.fromiter(map(bool, tickets), dtype=np.bool_, count=n)
        priority = self._numbers("priority", cells(_PRIORITY), _priority)
        histories = cells(_HISTORY)
        has_history = np.fromiter(map(len, histories), dtype=np.int64, count=n) > 0
        ok &= (priority > 0) | (has_history & (priority == 0))  # 0: empty, from the history
        pauses = self._pauses(cells(_PAUSES), ok)
        reported, plain, _, month = self.read_times.read(cells(_REPORTED))
        ok &= plain
        times = {}
        for index in (_FIRST, _RESOLVED, _ARRIVAL, _START):
            seconds, plain, empty, _ = self.read_times.read(cells(index))
            ok &= plain | empty
            times[index] = (seconds, plain)
        first, has_first = times[_FIRST]
        resolved, has_resolved = times[_RESOLVED]
        arrival, has_arrival = times[_ARRIVAL]
        ok &= ~has_first | (first >= reported)
        ok &= ~(has_first & has_resolved) | (resolved >= first)
        ok &= ~has_resolved | (resolved >= reported)
        ok &= ~has_arrival | (arrival >= reported)
        cause = self._numbers("causes", cells(_CAUSES), self._cause_number)
        ok &= cause >= 0
        on_site = self._numbers("on_site", cells(_ON_SITE), lambda t: _FLAGS.get(t, -1))
        ok &= on_site >= 0
        minutes = self._numbers("minutes", cells(_MINUTES), _whole)
        has_work = minutes != -2
        kind = self._numbers("work", cells(_WORK), _kind)
        travel = self._numbers("travel", cells(_TRAVEL), _whole)
        travel = np.where(travel == -2, 0, travel)
        ok &= ~has_work | ((minutes >= 0) & (kind >= 0) & (travel >= 0))
        ok &= ~has_work | (travel == 0) | (on_site == 1)
        start_cell, has_start = times[_START]
        start = np.where(has_start, start_cell, np.where(has_first, first, reported))

        table = self._plan_table()
        clock_priority = self._priority_changes(
            histories,
            np.flatnonzero(ok & has_history),
            ok,
            priority,
            cause,
            reported,
            (first, has_first),
            (resolved, has_resolved),
            (arrival, has_arrival),
        )
        cause_base = np.maximum(cause, 0)[:, None] * 4
        plans = np.where(ok[:, None], cause_base + clock_priority - 1, 0)
        plan = np.where(ok, np.maximum(cause, 0) * 4 + priority - 1, 0)
        v = np.flatnonzero(ok)  # the rows the arrays judge, by position in the chunk
        due, has_due, status, judged = self.vector_clocks.judge(
            table,
            plans[v],
            reported[v],
            first[v],
            has_first[v],
            resolved[v],
            has_resolved[v],
            arrival[v],
            has_arrival[v],
            on_site[v] == 1,
            pauses.take(v),
        )
        v, due, has_due, status = v[judged], due[judged], has_due[judged], status[judged]
        plan, plans, cause, start = plan[v], plans[v], cause[v], start[v]
        chosen_tickets = np.array(tickets, dtype=object)[v].tolist()
        cost = self._known_costs(
            plan, has_work[v], minutes[v], kind[v], on_site[v], travel[v], start, chosen_tickets
        )

        # In file order: the per-row rows, the calls priced one by one, the breaches listed.
        slow = np.ones(n, dtype=np.bool_)
        slow[v] = False
        breached = status == BREACHED_CODE
        pending = cost < 0
        events = set(np.flatnonzero(slow).tolist())
        events.update(v[pending].tolist())
        listing = len(self.builder.breaches) < self.builder.breach_limit
        if listing:
            events.update(v[breached.any(axis=1)].tolist())
        index_of = np.full(n, -1, dtype=np.int64)
        index_of[v] = np.arange(len(v))
        outputs: dict[int, Cells | None] = {}
        for position in sorted(events):
            if slow[position]:
                outputs[position] = per_row(lines[position], rows[position], errors.get(position))
                continue
            i = int(index_of[position])
            if pending[i]:
                cost[i] = self._price(
                    plan[i], cause[i], position, minutes, kind, on_site, travel, start[i], tickets
                )
            if listing and breached[i].any():
                for k, name in enumerate(CLOCKS):
                    if breached[i, k]:
                        self.builder.list_breach(
                            lines[position],
                            tickets[position],
                            int(self._priorities[plans[i, k]]),
                            name,
                            datetime.fromtimestamp(int(due[i, k]), self.zone),
                        )

        reported_texts = self.read_times.write(reported[v])
        self._count(plan, plans, month[v], status, int(breached.sum()), cost)
        if write is None or write_lines is None:
            return
        out = self._output(
            lines, chosen_tickets, v, plan, plans, reported_texts, due, has_due, status, cost
        )
        done = 0
        positions = sorted(outputs)
        for position, upto in zip(positions, np.searchsorted(v, positions).tolist(), strict=True):
            if upto > done:
                write_lines("".join(out[done:upto]))
                done = upto
            found = outputs[position]
            if found is not None:
                write(found)
        if done < len(out):
            write_lines("".join(out[done:]))

    def _pauses(self, texts: Sequence[str], ok: Flags) -> Pauses:
        """The merged pauses of each row, as epoch_row reads and judge_epoch merges them; a row
        with a pause written otherwise than plainly, or with more than MAX_PAUSES, is marked
        not `ok` (the per-row path reads it, or says what is wrong)."""
        n = len(texts)
        found: dict[int, tuple[tuple[int, int], ...]] = {}
        written = np.fromiter(map(len, texts), dtype=np.int64, count=n) > 0
        for i in np.flatnonzero(ok & written).tolist():
            merged = self._merged_pauses(texts[i])
            if merged is None or len(merged) > MAX_PAUSES:
                ok[i] = False
            elif merged:
                found[i] = merged
        width = max(map(len, found.values()), default=0)
        starts = np.zeros((n, width), dtype=np.int64)
        ends = np.zeros((n, width), dtype=np.int64)
        count = np.zeros(n, dtype=np.int64)
        for i, merged in found.items():
            count[i] = len(merged)
            for p, (start, end) in enumerate(merged):
                starts[i, p], ends[i, p] = start, end
        return Pauses(starts, ends, count)

    def _merged_pauses(self, text: str) -> tuple[tuple[int, int], ...] | None:
        """RowReader._epoch_pauses, merged, for pauses whose ends EpochTimes.read reads; None
        for any other (the per-row path reads it or rejects the row)."""
        read = self.reader.epochs.read
        pauses = []
        for item in text.split(";"):
            item = item.strip()
            if not item:
                continue
            parts = item.split("/")
            if len(parts) != 2:
                return None
            start, end = read(parts[0]), read(parts[1])
            if start is None or end is None or end < start:
                return None
            pauses.append((start, end))
        return merge_pauses(pauses)

    def _priority_changes(
        self,
        texts: Sequence[str],
        rows: Ints,
        ok: Flags,
        priority: Ints,
        cause: Ints,
        reported: Ints,
        *stops: tuple[Ints, Flags],
    ) -> Ints:
        """Per row and clock the priority the clock's targets come from, (rows, 3): the row's
        priority, or, for the `rows` with a priority history, the last priority set before
        the clock stopped (its `stops`: first response, resolution, on-site arrival), as
        Clocks._epoch_pieces takes it. Sets `priority` of those rows to the last of their
        history, and marks a row not `ok` when the per-row path must read it.

        Counting from the report over pieces of one calendar is counting from the report on
        that calendar, so recompute and carry_over judge alike while every priority in a
        history counts on the same calendar; a history whose priorities count on different
        calendars (e.g. P1 on 24/7 hours, P3 on office hours) is left to the per-row path."""
        clock_priority = np.repeat(priority[:, None], 3, axis=1)
        carry_over = self.evaluator.clocks.mode == "carry_over"
        history_of, plans = self.reader.history_of, self._plans
        # Python values of the few rows concerned (numpy scalars are slow one at a time)
        written = priority[rows].tolist()
        bases = (cause[rows] * 4 - 1).tolist()
        columns = [
            [
                end if there else None
                for end, there in zip(at[rows].tolist(), present[rows].tolist(), strict=True)
            ]
            for at, present in stops
        ]
        ends = zip(*columns, strict=True)
        for i, was, base, stopped, start in zip(
            rows.tolist(), written, bases, ends, reported[rows].tolist(), strict=True
        ):
            changes = history_of(texts[i], start, stopped[1])
            if changes is None or was not in (0, changes[-1][1]):
                ok[i] = False
                continue
            if carry_over and len(changes) > 1:
                chosen = [plans[base + changed] for _, changed in changes]
                if None in chosen or len({id(p.calendar) for p in chosen if p}) > 1:
                    ok[i] = False
                    continue
            priority[i] = changes[-1][1]
            for k, end in enumerate(stopped):
                last = changes[0][1]
                for at, changed in changes[1:]:
                    if end is None or at < end:
                        last = changed
                clock_priority[i, k] = last
        return clock_priority

    # -- costs -------------------------------------------------------------------------------

    def _known_costs(
        self,
        plan: Ints,
        has_work: Flags,
        minutes: Ints,
        kind: Ints,
        on_site: Ints,
        travel: Ints,
        start: Ints,
        tickets: Sequence[str],
    ) -> Ints:
        """Per row the number of its cost in self._costs (0: no work), or -1 where it is priced
        one by one (cost_epoch, in file order): a start outside both windows that _no_service
        does not place, or beyond the compiled calendars.

        A call is priced by its deciding facts (window, priority, minutes, kind, on site,
        travel, causes; Evaluator.known_cost): the first row with new facts is priced here
        through cost_epoch, and every row with the same facts gets its cost. The quote does
        not depend on the order the rows are priced in."""
        cost = np.zeros(len(plan), dtype=np.int64)
        rows = np.flatnonzero(has_work)
        if not rows.size:
            return cost
        at = start[rows]
        low, high = int(at.min()), int(at.max())
        self.office.cover(low, high)
        self.evening.cover(low, high)
        office, office_known = self.office.is_open(at)
        evening, evening_known = self.evening.is_open(at)
        priced = office_known & (office | (evening_known & evening))
        window = np.where(priced, np.where(office, 0, 1), 2)  # 2: not priced here
        code = (minutes[rows] * _BIG + travel[rows]) * 3 + window
        code = ((code * len(_KINDS) + kind[rows]) * 2 + on_site[rows]) * len(self._plans)
        code = code + plan[rows]
        codes, first, inverse = np.unique(code, return_index=True, return_inverse=True)
        numbers = np.full(len(codes), -1, dtype=np.int64)
        for u, r in enumerate(first.tolist()):
            if window[r] == 2:
                continue
            i = int(rows[r])
            chosen = self._plans[int(plan[i])]
            assert chosen is not None
            causes = self.causes[int(plan[i]) // 4]
            work = (int(minutes[i]), _KINDS[int(kind[i])], bool(on_site[i]), int(travel[i]))
            key = (_WINDOWS[int(window[r])], chosen.priority, *work, causes)
            number = self._cost_numbers.get(key)
            if number is None:
                found = self.evaluator.known_cost(key)
                if found is None:
                    found = self.evaluator.cost_epoch(
                        chosen.priority, causes, work, int(at[r]), tickets[i], self.zone
                    )
                number = self._add_cost(found)
                if self.evaluator.known_cost(key) is not None:  # the evaluator keeps it
                    self._cost_numbers[key] = number
            numbers[u] = number
        cost[rows] = numbers[inverse.reshape(-1)]
        closed = office_known & evening_known & ~office & ~evening
        if closed.any():
            cost[rows[closed]] = self._no_service(at[closed])
        return cost

    def _no_service(self, at: Ints) -> Ints:
        """The cost number of each start outside both windows: no cost, and the note
        pricing_aws.service_window's NoService gives, with the next opening of the
        evening/weekend calendar found in its compiled intervals (-1: they do not tell)."""
        numbers = np.full(len(at), -1, dtype=np.int64)
        office, evening = self.office, self.evening
        if office.calendar.zone is not self.zone or evening.calendar.zone is not self.zone:
            return numbers  # the note's times are written in the clocks' zone
        starts, inverse = np.unique(at, return_inverse=True)
        after = np.searchsorted(evening.starts, starts, side="right")  # none open at `starts`
        known = after < len(evening.starts)
        if not known.any():
            return numbers
        resumes = evening.starts[np.minimum(after, len(evening.starts) - 1)]
        office.cover(int(resumes[known].min()), int(resumes[known].max()))
        in_office, office_known = office.is_open(resumes)
        known &= office_known
        start_texts = self.due_times.write(starts)
        resume_texts = self.due_times.write(resumes)
        found = np.full(len(starts), -1, dtype=np.int64)
        for u in np.flatnonzero(known).tolist():
            start, resume = start_texts[u], resume_texts[u]
            note, cell = self._no_service_note(
                date.fromisoformat(start[:10]).weekday(),
                date.fromisoformat(resume[:10]).weekday(),
                bool(in_office[u]),
            )
            note = note.replace(_NOTE_START, start).replace(_NOTE_RESUMES, resume)
            cell = cell.replace(_NOTE_START, start).replace(_NOTE_RESUMES, resume)
            found[u] = self._add_cost((None, note, ""), ("", cell))
        numbers[:] = found[inverse.reshape(-1)]
        return numbers

    def _no_service_note(
        self, start_day: int, resume_day: int, resumes_in_office: bool
    ) -> tuple[str, str]:
        """The no-service note for a start on weekday `start_day` and service resuming on
        `resume_day`, with _NOTE_START and _NOTE_RESUMES standing for the two times, and the
        note as its CSV cell. The times hold only digits and -:T+, which CSV writes as they
        are, so putting them into the cell gives the cell of the note."""
        key = (start_day, resume_day, resumes_in_office)
        found = self._notes.get(key)
        if found is not None:
            return found
        office_id, evening_id = self.evaluator.window_ids
        note = no_service_message(
            when_text(start_day, _NOTE_START),
            when_text(resume_day, _NOTE_RESUMES),
            office_id,
            evening_id,
            resumes_in_office,
        )
        found = self._notes[key] = (note, csv_text(note))
        return found

    def _price(
        self,
        plan: np.int64,
        cause: np.int64,
        position: int,
        minutes: Ints,
        kind: Ints,
        on_site: Ints,
        travel: Ints,
        start: np.int64,
        tickets: list[str],
    ) -> int:
        """cost_epoch of one row, numbered in self._costs."""
        chosen = self._plans[int(plan)]
        assert chosen is not None
        found = self.evaluator.cost_epoch(
            chosen.priority,
            self.causes[int(cause)],
            (
                int(minutes[position]),
                _KINDS[int(kind[position])],
                bool(on_site[position]),
                int(travel[position]),
            ),
            int(start),
            tickets[position],
            self.zone,
        )
        return self._add_cost(found)

    def _forget_chunk_costs(self) -> None:
        """Keep only the costs numbered by their call facts (and 0, no work): the others, such
        as a no-service note for one start, were for the chunk before. Memory stays flat."""
        if len(self._cost_numbers) > _CACHE:
            self._cost_numbers.clear()
        if len(self._costs) == len(self._cost_numbers) + 1:
            return
        kept = sorted(self._cost_numbers.items(), key=lambda item: item[1])
        self._costs = [self._costs[0], *(self._costs[number] for _, number in kept)]
        self._cost_cells = [self._cost_cells[0], *(self._cost_cells[n] for _, n in kept)]
        self._cost_numbers = {key: new for new, (key, _) in enumerate(kept, start=1)}

    def _add_cost(self, found: Cost, cells: tuple[str, str] | None = None) -> int:
        """Number a cost; `cells`: its cost and note as the CSV writes them, when known."""
        self._costs.append(found)
        if cells is None:
            cells = (csv_text(found[2]), csv_text(found[1] or ""))
        self._cost_cells.append(cells)
        return len(self._costs) - 1

    # -- summary and output ------------------------------------------------------------------

    def _count(
        self, plan: Ints, plans: Ints, month: Ints, status: Ints, breaches: int, cost: Ints
    ) -> None:
        """add_epoch's counts for all the rows judged here, in one go."""
        priorities = self._priorities[plan]
        clock_priorities = (self._priorities[plans] - 1) @ np.array([16, 4, 1])
        code = (month * len(self._plans) + plan) * 64 + clock_priorities
        code = code * 216 + status @ np.array([36, 6, 1])
        codes, first, counts = np.unique(code, return_index=True, return_counts=True)
        tally = []
        for at in np.argsort(first, kind="stable").tolist():  # first seen first
            rest, statuses = divmod(int(codes[at]), 216)
            rest, clocks = divmod(rest, 64)
            when = rest // len(self._plans)
            prio = int(self._priorities[rest % len(self._plans)])
            s1, s2, s3 = statuses // 36, statuses // 6 % 6, statuses % 6
            key = (
                f"{when // 100:04d}-{when % 100:02d}",
                prio,
                clocks // 16 + 1,
                STATUSES[s1],
                clocks // 4 % 4 + 1,
                STATUSES[s2],
                clocks % 4 + 1,
                STATUSES[s3],
            )
            tally.append((key, int(counts[at])))
        groups = np.unique(cost * 8 + priorities, return_counts=True)
        costs = []
        for code_, count in zip(groups[0].tolist(), groups[1].tolist(), strict=True):
            found = self._costs[code_ // 8]
            costs.append((code_ % 8, found[0], found[1], count))
        self.builder.add_counts(len(plan), tally, breaches, costs)

    def _output(
        self,
        lines: list[int],
        tickets: list[str],
        v: Ints,
        plan: Ints,
        plans: Ints,
        reported: list[str],
        due: Ints,
        has_due: Flags,
        status: Ints,
        cost: Ints,
    ) -> list[str]:
        """The CSV lines of the rows judged here (at positions `v` of the chunk, with these
        `tickets`), as the per-row path's csv writer writes them (each with its newline)."""
        m = len(v)
        due_texts = np.full((m, 3), "", dtype=object)
        due_texts[has_due] = np.array(self.due_times.write(due[has_due]), dtype=object)
        chosen = tickets
        if any(c in "".join(chosen) for c in _SPECIAL):
            chosen = [csv_text(ticket) for ticket in chosen]
        # The line's end: the last status, cost, exceptions and note, made once per
        # combination of them in the chunk.
        plans_count, costs_count = len(self._plans), len(self._costs)
        code = (status[:, 2] * costs_count + cost) * plans_count + plan
        codes, inverse = np.unique(code, return_inverse=True)
        ends = []
        for combined in codes.tolist():
            rest, chosen_plan = divmod(combined, plans_count)
            last_status, number = divmod(rest, costs_count)
            cost_cell, note_cell = self._cost_cells[number]
            exceptions = self._exceptions[chosen_plan]
            ends.append(f"{STATUSES[last_status]},{cost_cell},{exceptions},{note_cell}\n")
        columns: list[list[str]] = [
            [str(line) for line in np.array(lines, dtype=np.int64)[v].tolist()],
            chosen,
            _PRIORITY_TEXTS[self._priorities[plan]].tolist(),
            reported,
            self._heads[plans[:, 0], 0].tolist(),
            due_texts[:, 0].tolist(),
            self._links[0, status[:, 0], plans[:, 1]].tolist(),
            due_texts[:, 1].tolist(),
            self._links[1, status[:, 1], plans[:, 2]].tolist(),
            due_texts[:, 2].tolist(),
            np.array(ends, dtype=object)[inverse.reshape(-1)].tolist(),
        ]
        return list(map(",".join, zip(*columns, strict=True)))


_SPECIAL = ',"\r\n'
_SINK = io.StringIO()
_CELL = csv.writer(_SINK, lineterminator="\n")


def csv_text(text: str) -> str:
    """A cell as the output's csv writer writes it: as is unless it holds a separator, a
    quote or a line break (then quoted, by the csv module itself)."""
    if not any(c in text for c in _SPECIAL):
        return text
    _SINK.seek(0)
    _SINK.truncate()
    _CELL.writerow([text, ""])
    return _SINK.getvalue()[:-2]
