"""Evaluate rows read into columns: the clocks (engine.incident.judge), the cost of each row,
and the counts of the summary.

- A row's cost is the total of `engine.pricing.quote` for its work; a row without minutes has
  no cost, and a row that cannot be priced (a cause that is not supported, a start with no
  service hours, a rate the rules do not set) keeps its deadlines, gets no cost and a note.
  Calls are priced once per set of deciding facts (window of the start, priority, minutes,
  work kind, on site, travel, causes), so a million rows price a few hundred distinct calls;
  a start in neither window is priced (and its note written) once per distinct start.
- The summary holds counters, Decimal totals and the first `breach_list_limit` breaches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from engine.clock.business_time import is_open
from engine.clock.service_clock import ServiceClock
from engine.clock.vector_times import LocalTimes
from engine.contract.merge import EffectiveContract
from engine.contract.waivers import exception_rules_for
from engine.errors import SlaError
from engine.evaluate.columns import KINDS, Rows
from engine.evaluate.summary import Breach, SummaryBuilder
from engine.incident.judge import Judged, judge
from engine.incident.plans import BREACHED, CLOCKS, MET, STATUSES, JudgeSettings, PlanBook
from engine.pricing.money import as_decimal_string
from engine.pricing.quote import Work, quote
from engine.pricing.service_windows import (
    EVENING_WEEKEND,
    OFFICE_HOURS,
    NoService,
    service_calendars,
    service_window,
)
from engine.rules.ruleset import RuleSet

Ints = NDArray[np.int64]
_US = 1_000_000
_CACHE = 100_000
_MET, _BREACHED = STATUSES.index(MET), STATUSES.index(BREACHED)
_NO_SERVICE = "no service"  # the cost of a call outside service hours; each row has its note
_WEEKDAYS = pa.array(
    ["Thursday", "Friday", "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday"], pa.string()
)  # 1970-01-01 was a Thursday


def _weekday_names(texts: pa.Array) -> pa.Array:
    """The weekday of each local time text (its date)."""
    days = pc.strptime(pc.utf8_slice_codeunits(texts, 0, 10), format="%Y-%m-%d", unit="s")
    number = days.cast(pa.int64()).to_numpy(zero_copy_only=False) // 86_400
    return _WEEKDAYS.take(pa.array(number % 7))


@dataclass(frozen=True)
class Cost:
    """What a row costs: the total, or no cost and why (None, None: no work)."""

    total: Decimal | None
    note: str | None

    @property
    def text(self) -> str:
        return "" if self.total is None else as_decimal_string(self.total)


@dataclass(frozen=True)
class Evaluated:
    """The rows of a batch evaluated: their clocks, cost numbers (Evaluator.costs), and the
    rows whose plan the contract could not give (by index in `rows`)."""

    rows: Rows
    judged: Judged
    cost: Ints
    notes: pa.Array | None  # per row, where a row's note is its own (else the cost's)


class Evaluator:
    """Evaluates rows under one contract as of one moment."""

    def __init__(self, rules: RuleSet, contract: EffectiveContract, as_of: datetime) -> None:
        self.rules = rules
        self.contract = contract
        self.as_of = as_of
        self.as_of_us = (as_of - _EPOCH) // timedelta(microseconds=1)
        self.settings = JudgeSettings.of(rules.settings)
        self.book = PlanBook(
            contract.values,
            rules.calendar_rules(),
            exception_rules_for(rules, contract),
            self.settings,
        )
        self.zone = self.book.clocks[0].calendar.zone
        self.times = LocalTimes(self.zone)
        (office_id, office), (evening_id, evening) = service_calendars(rules, contract)
        self._window_ids = (office_id, evening_id)
        self._office, self._evening = ServiceClock(office), ServiceClock(evening)
        self.costs: list[Cost] = [Cost(None, None)]  # 0: no work
        self._cost_numbers: dict[tuple[object, ...], int] = {}
        self._quotes: dict[tuple[object, ...], Cost] = {}

    def evaluate(self, rows: Rows) -> Evaluated:
        judged = judge(self.book, rows.incidents, self.as_of_us)
        if judged.failed.any():  # the book was checked for every priority: cannot happen
            self.book.plan(int(judged.plan[int(judged.failed.argmax()), 0]))
        cost, notes = self._costs(rows)
        return Evaluated(rows, judged, cost, notes)

    # -- costs ---------------------------------------------------------------------------------

    def _costs(self, rows: Rows) -> tuple[Ints, pa.Array | None]:
        """Each row's cost number in self.costs, and the notes of calls started outside
        service hours (one per row: it names the start), null for the other rows."""
        n = len(rows.positions)
        numbers = np.zeros(n, dtype=np.int64)
        worked = np.flatnonzero(rows.has_work)
        if not worked.size:
            return numbers, None
        at = rows.start[worked]
        office = self._office.is_open(at)
        evening = self._evening.is_open(at)
        window = np.where(office, 0, np.where(evening, 1, 2))
        notes = None
        closed = window == 2
        if closed.any() and self._office.calendar.zone is self.zone:
            numbers[worked[closed]] = self._number(Cost(None, _NO_SERVICE))
            notes = self._no_service_notes(n, worked[closed], at[closed])
            worked, at, window = worked[~closed], at[~closed], window[~closed]
        incidents = rows.incidents
        if not worked.size:
            return numbers, notes
        minutes, travel = rows.minutes[worked], rows.travel[worked]
        causes = incidents.causes[worked]
        if minutes.max() < 1 << 24 and travel.max() < 1 << 16 and causes.max() < 1 << 14:
            # the deciding facts packed into one number (window 2 bits, causes 14, priority 3,
            # minutes 24, travel 16, kind 3, on site 1)
            facts = (window << 14 | causes) << 3 | incidents.priority[worked]
            facts = ((facts << 24 | minutes) << 16 | travel) << 3 | rows.kind[worked]
            facts = facts << 1 | rows.on_site[worked]
            _, first, inverse = np.unique(facts, return_index=True, return_inverse=True)
        else:
            table = np.stack(
                [
                    window,
                    causes,
                    incidents.priority[worked],
                    minutes,
                    travel,
                    rows.kind[worked],
                    rows.on_site[worked].astype(np.int64),
                ],
                axis=1,
            )
            _, first, inverse = np.unique(table, axis=0, return_index=True, return_inverse=True)
        found = np.zeros(len(first), dtype=np.int64)
        tickets = rows.tickets
        for u, r in enumerate(first.tolist()):
            i = int(worked[r])
            ticket = tickets[i] if isinstance(tickets, list) else tickets[i].as_py()
            work = Work(
                int(incidents.priority[i]),
                self._local(int(rows.start[i])),
                int(rows.minutes[i]),
                KINDS[int(rows.kind[i])],
                bool(rows.on_site[i]),
                int(rows.travel[i]),
                self.book.causes[int(incidents.causes[i])],
                ticket,
            )
            found[u] = self._number(self._cost(work, int(window[r])))
        numbers[worked] = found[inverse.reshape(-1)]
        return numbers, notes

    def _no_service_notes(self, n: int, rows: Ints, at: Ints) -> pa.Array:
        """engine.pricing.service_windows.service_window's NoService message for calls
        started at `at` (rows `rows` of n), written for all of them at once."""
        resumes = self._evening.next_opening(at)
        in_office = self._office.is_open(resumes)
        starts, again = self.times.write(at), self.times.write(resumes)
        office_id, evening_id = self._window_ids
        which = pc.if_else(
            pa.array(in_office),
            f"office hours, {office_id}",
            f"evening/weekend service, {evening_id}",
        )
        note = pc.binary_join_element_wise(
            "no service at ",
            _weekday_names(starts),
            " ",
            starts,
            f": outside office hours ({office_id}) and the evening/weekend hours "
            f"({evening_id}); service is next available ",
            _weekday_names(again),
            " ",
            again,
            " (",
            which,
            "); give a start time within service hours",
            "",
        )
        index = np.full(n, len(rows), dtype=np.int64)
        index[rows] = np.arange(len(rows))
        return pa.concat_arrays([note, pa.nulls(1, pa.string())]).take(pa.array(index))

    def _number(self, cost: Cost) -> int:
        number = self._cost_numbers.get((cost.total, cost.note))
        if number is None:
            if len(self._cost_numbers) >= _CACHE:  # notes of distinct starts: memory stays flat
                self._cost_numbers.clear()
                del self.costs[1:]
            number = self._cost_numbers[(cost.total, cost.note)] = len(self.costs)
            self.costs.append(cost)
        return number

    def _cost(self, work: Work, window_code: int) -> Cost:
        if window_code == 2:
            window = self._window(work.start)
            if window is None:
                try:  # no service at the start: pricing says so, and when service resumes
                    window = service_window(self.rules, self.contract, work.start).kind
                except NoService as error:
                    return Cost(None, error.problems[0].message)
        else:
            window = (OFFICE_HOURS, EVENING_WEEKEND)[window_code]
        key: tuple[object, ...] = (window, work.priority, work.minutes, work.kind)
        key += (work.on_site, work.travel_minutes, work.causes)
        found = self._quotes.get(key)
        if found is None:
            try:
                found = Cost(quote(self.rules, self.contract, work).total, None)
            except SlaError as error:
                found = Cost(None, error.problems[0].message)
            if len(self._quotes) < _CACHE:
                self._quotes[key] = found
        return found

    def _window(self, moment: datetime) -> str | None:
        if is_open(moment, self._office.calendar):
            return OFFICE_HOURS
        if is_open(moment, self._evening.calendar):
            return EVENING_WEEKEND
        return None

    # -- counting --------------------------------------------------------------------------------

    def count(self, done: Evaluated, builder: SummaryBuilder, reported: pa.Array) -> None:
        """Add the rows of `done` to the summary; `reported`: their report times as written."""
        rows, judged = done.rows, done.judged
        n = len(rows.positions)
        builder.rows_out += n
        if n == 0:
            return
        book = self.book
        clock_priority = book.priority_of[judged.plan]
        for k, name in enumerate(CLOCKS):
            code = clock_priority[:, k] * 8 + judged.status[:, k]
            values, counts = np.unique(code, return_counts=True)
            for value, count in zip(values.tolist(), counts.tolist(), strict=True):
                builder.status(value // 8, name, STATUSES[value % 8], count)
        months = pc.dictionary_encode(pc.utf8_slice_codeunits(reported, 0, 7))
        month_index = months.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        names = months.dictionary.to_pylist()
        met = (judged.status == _MET).sum(axis=1)
        breached = judged.status == _BREACHED
        code = month_index * 8 + rows.incidents.priority
        for value in np.unique(code).tolist():
            chosen = code == value
            builder.month(
                names[value // 8],
                value % 8,
                int(met[chosen].sum()),
                int(breached[chosen].sum()),
            )
        total = int(breached.sum())
        builder.breaches_total += total
        if total and builder.listing:
            where = np.argwhere(breached)[: builder.breach_limit - len(builder.breaches)]
            for i, k in where.tolist():
                ticket = rows.tickets[i]
                builder.breach(
                    Breach(
                        int(rows.lines[i]),
                        ticket if isinstance(ticket, str) else ticket.as_py(),
                        int(clock_priority[i, k]),
                        CLOCKS[k],
                        self._local(int(judged.due[i, k])),
                    )
                )
        code = done.cost * 8 + rows.incidents.priority
        values, counts = np.unique(code, return_counts=True)
        for value, count in zip(values.tolist(), counts.tolist(), strict=True):
            cost = self.costs[value // 8]
            builder.cost(value % 8, cost.total, cost.note, count)

    def _local(self, micros: int) -> datetime:
        second, micro = divmod(micros, _US)
        moment = datetime.fromtimestamp(second, self.zone)
        return moment.replace(microsecond=micro) if micro else moment


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
