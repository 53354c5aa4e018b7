"""The three clocks of many plain rows judged at once: engine.incident.clocks for numpy arrays.

A plain row has no priority history and at most MAX_PAUSES pauses (once merged), so each clock
is one count on one calendar (`Clocks._single`), less the open time inside each pause
(batch_clock._paused_elapsed / _paused_deadline, i.e. PausedClock.elapsed and .deadline).
Here that count is done for a whole column of rows with `np.searchsorted` on the calendar's
compiled intervals (Calendar.intervals), the same arithmetic as business_time.deadline_epoch /
due_and_used / elapsed_epoch: a start outside open hours counts from the next opening, a
duration that runs out at closing is due at closing; a pause is walked or clipped one pause
index at a time for the rows that have that many.

A row whose count needs years not compiled, or whose target is not a positive number of
seconds, is marked not `ok`: the caller judges it row by row (Clocks.judge_epoch), which
compiles what it needs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from engine.clock.business_time import Calendar, CompiledIntervals
from engine.incident.clocks import AT_RISK, BREACHED, MET, OPEN, STATUSES, ClockPlan, Clocks

Ints = NDArray[np.int64]
Flags = NDArray[np.bool_]
_US = 1_000_000
_MARGIN = 400 * 86_400  # deadlines searched up to this far past the latest start
MAX_PAUSES = 2  # rows with more merged pauses are judged row by row
CODES = {status: code for code, status in enumerate(STATUSES)}
_MET, _BREACHED, _AT_RISK, _OPEN = (CODES[s] for s in (MET, BREACHED, AT_RISK, OPEN))
BREACHED_CODE = _BREACHED


class Intervals:
    """A calendar's compiled intervals as arrays, renewed when the calendar compiles more."""

    def __init__(self, calendar: Calendar) -> None:
        self.calendar = calendar
        self._source: CompiledIntervals | None = None
        self.lo = self.hi = 0
        self.starts: Ints = np.zeros(0, dtype=np.int64)
        self.ends: Ints = np.zeros(0, dtype=np.int64)
        self.cum: Ints = np.zeros(1, dtype=np.int64)

    def cover(self, first_s: int, last_s: int) -> None:
        compiled = self.calendar.intervals(first_s, last_s)
        if compiled is not self._source:
            self._source = compiled
            self.lo, self.hi = compiled.lo, compiled.hi
            self.starts = np.array(compiled.starts, dtype=np.int64)
            self.ends = np.array(compiled.ends, dtype=np.int64)
            self.cum = np.array(compiled.cum, dtype=np.int64)

    def position(self, second: Ints) -> Ints:
        """Open seconds before each instant since the start of the compiled range (for
        instants before `hi`)."""
        if not len(self.starts):
            return np.zeros(len(second), dtype=np.int64)
        i = np.searchsorted(self.starts, second, side="right") - 1
        at = np.maximum(i, 0)
        inside = (i >= 0) & (second < self.ends[at])
        found: Ints = np.where(inside, self.cum[at] + second - self.starts[at], self.cum[i + 1])
        return found

    def is_open(self, second: Ints) -> tuple[Flags, Flags]:
        """(open, known): is_open_epoch of each instant, known where inside the range."""
        known = (second >= self.lo) & (second < self.hi)
        if not len(self.starts):
            return np.zeros(len(second), dtype=np.bool_), known
        i = np.searchsorted(self.starts, second, side="right") - 1
        found = (i >= 0) & (second < self.ends[np.maximum(i, 0)])
        return found, known


class PlanTable:
    """Plans (a priority's targets for a set of causes) as arrays indexed by plan number."""

    def __init__(self, plans: Sequence[ClockPlan | None]) -> None:
        count = len(plans)
        self.fixed = np.full((count, 3), -2, dtype=np.int64)  # status code, -1: counted
        self.limits = np.zeros((count, 3), dtype=np.int64)
        self.at_risk = np.zeros((count, 3), dtype=np.int64)
        self.calendar = np.zeros(count, dtype=np.int64)
        self.calendars: list[Intervals] = []
        seen: dict[int, int] = {}
        for number, plan in enumerate(plans):
            if plan is None:
                continue  # -2: the per-row path judges (and reports) these rows
            for k in range(3):
                fixed = plan.fixed[k]
                self.fixed[number, k] = -1 if fixed is None else CODES[fixed[3]]
                self.limits[number, k] = plan.limits[k]
                self.at_risk[number, k] = plan.at_risk[k]
            index = seen.get(id(plan.calendar))
            if index is None:
                index = seen[id(plan.calendar)] = len(self.calendars)
                self.calendars.append(Intervals(plan.calendar))
            self.calendar[number] = index


class Pauses:
    """Each row's merged pauses as (rows, width) arrays of starts and ends, `count` of them
    used per row (the rest of a row is padding, never read)."""

    def __init__(self, starts: Ints, ends: Ints, count: Ints) -> None:
        self.starts, self.ends, self.count = starts, ends, count

    @classmethod
    def none(cls, n: int) -> Pauses:
        empty = np.zeros((n, 0), dtype=np.int64)
        return cls(empty, empty, np.zeros(n, dtype=np.int64))

    def take(self, rows: Ints) -> Pauses:
        return Pauses(self.starts[rows], self.ends[rows], self.count[rows])


def paused_elapsed(intervals: Intervals, s: Ints, begin: Ints, e: Ints, pauses: Pauses) -> Ints:
    """PausedClock.elapsed from `s` (at position `begin`) to `e`: the open time in [s, e) less
    the open time inside each pause clipped to [s, e); 0 where e <= s."""
    used: Ints = np.where(e > s, intervals.position(e) - begin, 0)
    for p in range(pauses.starts.shape[1]):
        sub = np.flatnonzero(pauses.count > p)
        if not sub.size:
            break
        low = np.maximum(s[sub], pauses.starts[sub, p])
        high = np.minimum(e[sub], pauses.ends[sub, p])
        inside = high > low
        used[sub] -= np.where(inside, intervals.position(high) - intervals.position(low), 0)
    return used


def paused_whole(intervals: Intervals, s: Ints, begin: Ints, limit: Ints, pauses: Pauses) -> Ints:
    """The position at which PausedClock.deadline(s, limit) is due, for limits > 0: the pauses
    walked in order; before each, the open time since the cursor holds what remains only when
    it is not zero (zero open time cannot hold even a zero duration), else the cursor jumps to
    the pause's end."""
    at, remaining = begin.copy(), limit.copy()
    cursor = s.copy()
    done = np.zeros(len(s), dtype=np.bool_)
    for p in range(pauses.starts.shape[1]):
        sub = np.flatnonzero((pauses.count > p) & ~done)
        sub = sub[pauses.ends[sub, p] > cursor[sub]]
        if not sub.size:
            continue
        p_start, p_end = pauses.starts[sub, p], pauses.ends[sub, p]
        before = p_start > cursor[sub]
        available = np.where(before, intervals.position(p_start) - at[sub], 0)
        hit = before & (available > 0) & (available >= remaining[sub])
        done[sub[hit]] = True
        moved, go = sub[~hit], ~hit
        remaining[moved] -= available[go]
        cursor[moved] = p_end[go]
        at[moved] = intervals.position(p_end[go])
    whole: Ints = at + remaining
    return whole


class VectorClocks:
    """Judges the clocks of plain rows as `Clocks.judge_epoch` does, many rows at a time."""

    def __init__(self, clocks: Clocks) -> None:
        self.clocks = clocks
        self.as_of = clocks._as_of_s
        self.micro = clocks._as_of_us
        self.from_first_response = clocks.resolution_start == "first_response"

    def judge(
        self,
        table: PlanTable,
        plans: Ints,
        reported: Ints,
        first: Ints,
        has_first: Flags,
        resolved: Ints,
        has_resolved: Flags,
        arrival: Ints,
        has_arrival: Flags,
        visit: Flags,
        pauses: Pauses | None = None,
    ) -> tuple[Ints, Flags, Ints, Flags]:
        """(due, has_due, status code) of the three clocks as (rows, 3) arrays, and `ok`:
        where false the row is left to the per-row path. `plans`: each row's plan number per
        clock, (rows, 3); `pauses`: merged, sorted."""
        n = len(plans)
        paused = pauses if pauses is not None else Pauses.none(n)
        ok = (table.fixed[plans, 0] != -2).all(axis=1)
        due = np.zeros((n, 3), dtype=np.int64)
        has_due = np.zeros((n, 3), dtype=np.bool_)
        status = np.zeros((n, 3), dtype=np.int64)
        if n == 0:
            return due, has_due, status, ok
        everyone = np.ones(n, dtype=np.bool_)
        self._cover(
            table,
            plans[:, 0],
            (reported, everyone),
            (first, has_first),
        )
        self._cover(table, plans[:, 2], (reported, everyone), (arrival, has_arrival))
        clock = (paused, due, has_due, status, ok)
        self._clock(table, 0, plans[:, 0], reported, first, has_first, everyone, *clock)
        start = reported
        if self.from_first_response:
            start = np.where(has_first, first, np.where(has_due[:, 0], due[:, 0], reported)).astype(
                np.int64
            )
        self._cover(table, plans[:, 1], (start, everyone), (resolved, has_resolved))
        self._clock(table, 1, plans[:, 1], start, resolved, has_resolved, everyone, *clock)
        needed = visit | has_arrival
        self._clock(table, 2, plans[:, 2], reported, arrival, has_arrival, needed, *clock)
        status[~needed, 2] = CODES["n/a"]
        return due, has_due, status, ok

    def _cover(self, table: PlanTable, plan: Ints, *instants: tuple[Ints, Flags]) -> None:
        """Compile each calendar for the years of the instants its rows use, and beyond."""
        for index, intervals in enumerate(table.calendars):
            rows = table.calendar[plan] == index
            found = [values[rows & present] for values, present in instants]
            found = [values for values in found if values.size]
            if not found:
                continue
            low = min(int(values.min()) for values in found)
            high = max(int(values.max()) for values in found)
            if high - low < 50 * 366 * 86_400:  # a run of far-off dates is left to the rows
                intervals.cover(low, max(high + _MARGIN, self.as_of + 1))

    def _clock(
        self,
        table: PlanTable,
        k: int,
        plan: Ints,
        start: Ints,
        actual: Ints,
        has_actual: Flags,
        needed: Flags,
        pauses: Pauses,
        due: Ints,
        has_due: Flags,
        status: Ints,
        ok: Flags,
    ) -> None:
        fixed = table.fixed[plan, k]
        status[:, k] = fixed
        counted = (fixed == -1) & needed
        limits = table.limits[plan, k]
        for index, intervals in enumerate(table.calendars):
            rows = np.flatnonzero(counted & (table.calendar[plan] == index))
            if not rows.size:
                continue
            s, limit, got = start[rows], limits[rows], has_actual[rows]
            paused = pauses.take(rows)
            end = np.where(got, actual[rows], self.as_of)
            begin = intervals.position(s)
            whole = paused_whole(intervals, s, begin, limit, paused)
            j = np.searchsorted(intervals.cum[1:], whole, side="left")
            good = (limit > 0) & (s >= intervals.lo) & (s < intervals.hi) & (end < intervals.hi)
            good &= j < len(intervals.starts)
            if paused.ends.shape[1]:  # every instant a pause walk or clip reads is compiled
                good &= paused.ends.max(axis=1) < intervals.hi
            if self.micro:
                good &= self.as_of + 1 < intervals.hi
            at = np.minimum(j, max(len(intervals.starts) - 1, 0))
            if len(intervals.starts):
                due[rows, k] = intervals.starts[at] + whole - intervals.cum[at]
            has_due[rows, k] = True
            used = paused_elapsed(intervals, s, begin, end, paused)
            closed = np.where(used <= limit, _MET, _BREACHED)
            used_us = used * _US
            if self.micro:  # time counts at one rate (0 or 1) from as_of_s to as_of_s + 1
                after = np.full(len(rows), self.as_of + 1, dtype=np.int64)
                until = paused_elapsed(intervals, s, begin, after, paused)
                used_us = used_us + (until - used) * self.micro
            still = np.where(
                used_us > limit * _US,
                _BREACHED,
                np.where(used_us >= table.at_risk[plan[rows], k], _AT_RISK, _OPEN),
            )
            status[rows, k] = np.where(got, closed, still)
            ok[rows] &= good
