"""The service clock over arrays of instants: F(t), the open time before t, and its inverse.

A calendar compiles (engine.clock.business_time.Calendar) into sorted open intervals in UTC
with a running total of open time before each. With F(t) the open time before instant t:

- elapsed(a, b) = F(b) − F(a) (zero when b <= a);
- deadline(a, need) = F⁻¹(F(a) + need), the first instant at which the open time counted
  from a reaches `need`: a duration that runs out exactly at closing is due at closing, and a
  start outside open hours counts from the next opening; a zero duration is the next open
  instant (a itself when open);
- F is a binary search and a look-up, so any count costs the same whatever its length.

Instants are int64 microseconds since the epoch (exact for every year 2–9997), so one
incident (N = 1) and a million rows go through the same arithmetic. The intervals are widened
on demand, a local year at a time, to cover every instant asked about.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from engine.clock.business_time import Calendar, CompiledIntervals

Ints = NDArray[np.int64]
Flags = NDArray[np.bool_]
US = 1_000_000
_MARGIN_S = 400 * 86_400  # compiled past the latest instant, so most deadlines need no growth
_MAX_EMPTY_YEARS = 5


class ServiceClock:
    """F and F⁻¹ of one calendar for arrays of instants (epoch microseconds)."""

    def __init__(self, calendar: Calendar) -> None:
        self.calendar = calendar
        self._source: CompiledIntervals | None = None
        self.lo = self.hi = 0  # the compiled range, epoch microseconds
        self.starts: Ints = np.zeros(0, dtype=np.int64)
        self.ends: Ints = np.zeros(0, dtype=np.int64)
        self.cum: Ints = np.zeros(1, dtype=np.int64)  # open µs before interval i

    def cover(self, *instants: Ints) -> None:
        """Compile the calendar for the local years of every instant given (and a margin)."""
        found = [values for values in instants if values.size]
        if not found:
            return
        low = min(int(values.min()) for values in found) // US
        high = max(int(values.max()) for values in found) // US
        if self._source is None or low < self.lo // US or high + _MARGIN_S >= self.hi // US:
            self._load(self.calendar.intervals(low, high + _MARGIN_S))

    def _load(self, compiled: CompiledIntervals) -> None:
        if compiled is self._source:
            return
        self._source = compiled
        self.lo, self.hi = compiled.lo * US, compiled.hi * US
        self.starts = np.array(compiled.starts, dtype=np.int64) * US
        self.ends = np.array(compiled.ends, dtype=np.int64) * US
        self.cum = np.array(compiled.cum, dtype=np.int64) * US

    def _grow(self) -> None:
        """One more local year at the end of the compiled range."""
        year_after = self.hi // US + 366 * 86_400
        self._load(self.calendar.intervals(self.lo // US, year_after))

    def position(self, t: Ints) -> Ints:
        """F(t): open microseconds before each instant, counted from the compiled range's start."""
        if not self.starts.size:
            return np.zeros(t.shape, dtype=np.int64)
        i = np.searchsorted(self.starts, t, side="right") - 1
        at = np.maximum(i, 0)
        inside = (i >= 0) & (t < self.ends[at])
        found: Ints = np.where(inside, self.cum[at] + t - self.starts[at], self.cum[i + 1])
        return found

    def is_open(self, t: Ints) -> Flags:
        """Whether the clock runs at each instant; closing time itself is closed."""
        self.cover(t)
        if not self.starts.size:
            return np.zeros(t.shape, dtype=np.bool_)
        i = np.searchsorted(self.starts, t, side="right") - 1
        found: Flags = (i >= 0) & (t < self.ends[np.maximum(i, 0)])
        return found

    def next_opening(self, t: Ints) -> Ints:
        """Each instant itself when open, else the next opening."""
        self.cover(t)
        empty = 0
        while True:
            j = np.searchsorted(self.ends, t, side="right")  # first interval ending after t
            if not (j >= self.starts.size).any():
                break
            empty = self._grow_or_fail(empty)
        found: Ints = np.maximum(t, self.starts[j])
        return found

    def inverse(self, p: Ints) -> Ints:
        """F⁻¹(p) for p > 0: the instant at which the open time counted reaches p."""
        empty = 0
        while True:
            j = np.searchsorted(self.cum[1:], p, side="left")  # the interval where F reaches p
            if not (j >= self.starts.size).any():
                break
            empty = self._grow_or_fail(empty)
        found: Ints = self.starts[j] + p - self.cum[j]
        return found

    def _grow_or_fail(self, empty_years: int) -> int:
        before = self.starts.size
        self._grow()
        if self.starts.size > before:
            return 0
        if empty_years + 1 >= _MAX_EMPTY_YEARS:
            raise ValueError(
                f"the calendar has no open time in the {_MAX_EMPTY_YEARS} years searched"
            )
        return empty_years + 1

    def elapsed(self, a: Ints, b: Ints) -> Ints:
        """Open time in [a, b); zero where b <= a."""
        self.cover(a, b)
        found: Ints = np.where(b > a, self.position(b) - self.position(a), 0)
        return found

    def deadline(self, a: Ints, need: Ints) -> Ints:
        """The instant `need` open microseconds after each start (need >= 0)."""
        self.cover(a)
        zero = need == 0
        target = self.position(a) + need
        due = self.inverse(np.where(zero, 1, target))
        if zero.any():
            due = np.where(zero, self.next_opening(a), due)
        return due

    def paused_elapsed(self, a: Ints, b: Ints, pauses: Pauses) -> Ints:
        """Open time in [a, b) outside the pauses (merged, sorted; one row per instant)."""
        used = self.elapsed(a, b)
        for k in range(pauses.width):
            rows = np.flatnonzero(pauses.count > k)
            if not rows.size:
                break
            low = np.maximum(a[rows], pauses.starts[rows, k])
            high = np.minimum(b[rows], pauses.ends[rows, k])
            used[rows] -= self.elapsed(low, high)
        return used

    def paused_deadline(self, a: Ints, need: Ints, pauses: Pauses) -> Ints:
        """deadline() with the pauses left out: the pauses are walked in order; the open time
        before a pause holds what remains only when it is not zero (zero open time cannot
        hold even a zero duration), else counting resumes at the pause's end."""
        cursor, remaining = a.copy(), need.copy()
        done = np.zeros(a.shape, dtype=np.bool_)
        due = np.zeros(a.shape, dtype=np.int64)
        for k in range(pauses.width):
            rows = np.flatnonzero((pauses.count > k) & ~done)
            rows = rows[pauses.ends[rows, k] > cursor[rows]]
            if not rows.size:
                continue
            p_start, p_end = pauses.starts[rows, k], pauses.ends[rows, k]
            before = p_start > cursor[rows]
            available = np.where(before, self.elapsed(cursor[rows], p_start), 0)
            hit = before & (available > 0) & (available >= remaining[rows])
            if hit.any():
                took = rows[hit]
                due[took] = self.deadline(cursor[took], remaining[took])
                done[took] = True
            moved = rows[~hit]
            remaining[moved] -= available[~hit]
            cursor[moved] = p_end[~hit]
        rest = np.flatnonzero(~done)
        due[rest] = self.deadline(cursor[rest], remaining[rest])
        return due


class Pauses:
    """Each row's merged, sorted pauses as (rows, width) arrays, `count` used per row."""

    __slots__ = ("count", "ends", "starts")

    def __init__(self, starts: Ints, ends: Ints, count: Ints) -> None:
        self.starts, self.ends, self.count = starts, ends, count

    @property
    def width(self) -> int:
        return int(self.starts.shape[1])

    @classmethod
    def none(cls, n: int) -> Pauses:
        empty = np.zeros((n, 0), dtype=np.int64)
        return cls(empty, empty, np.zeros(n, dtype=np.int64))

    @classmethod
    def of(cls, rows: list[tuple[tuple[int, int], ...]]) -> Pauses:
        """From each row's merged pauses (start, end) in microseconds."""
        width = max(map(len, rows), default=0)
        starts = np.zeros((len(rows), width), dtype=np.int64)
        ends = np.zeros((len(rows), width), dtype=np.int64)
        for i, row in enumerate(rows):
            if row:
                for k, (start, end) in enumerate(row):
                    starts[i, k], ends[i, k] = start, end
        return cls(starts, ends, np.fromiter(map(len, rows), dtype=np.int64, count=len(rows)))

    def take(self, rows: Ints) -> Pauses:
        return Pauses(self.starts[rows], self.ends[rows], self.count[rows])
