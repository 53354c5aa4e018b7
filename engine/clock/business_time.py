"""Business time: adding service hours to instants, and counting them between instants.

This is the only module that does arithmetic with service hours. Its semantics:

- An instant is open when the wall clock of the calendar's zone shows a time inside a window of
  that local date. Windows are half-open: with 09:00–17:00, 09:00 is open and 17:00 is closed.
- A start outside open hours starts at the next opening.
- A duration that runs out exactly at closing is due at closing (Mon 09:00 + 8h is Mon 17:00,
  not Tue 09:00).
- A zero duration from inside open time is the start itself; from outside it is the next opening.
- Results are aware datetimes in the calendar's zone; a naive start is a ValueError (reading
  user input is `engine.clock.times`' job).
- elapsed(start, end) is the open time in [start, end), zero when end <= start.

Daylight saving time follows from the first rule: a window is wall-clock time, so 09:00–17:00
on a DST Sunday is 8 real hours. A window that spans the spring-forward gap is an hour shorter
in real time (01:00–04:00 is 2 real hours on 2026-03-29), one that spans the repeated autumn hour
is an hour longer (4 real hours on 2026-10-25), and a window bound inside the gap falls on the
moment the clocks jump. Adjacent or overlapping windows merge (09–17 plus 17–22 is one 09–22).

Why compiled intervals: a calendar is turned, one local year at a time and only for the years
asked about, into a sorted list of open intervals in UTC epoch seconds with a running total of
open seconds before each. Any count is then two binary searches, whatever the duration.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

_US = 1_000_000
_DAY = 86_400
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)
_ZERO = timedelta(0)
_MAX_EMPTY_YEARS = 5
"""A deadline search gives up after this many consecutive years without any open time."""


@dataclass(frozen=True, order=True)
class Window:
    """Local wall-clock time within one day, in minutes after midnight; 1440 is 24:00."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= 1440:
            raise ValueError(f"a window runs from 00:00 to 24:00 and ends after it starts: {self}")


@dataclass(frozen=True)
class Segment:
    """One stretch of open time, as counted: aware instants in the calendar's zone."""

    start: datetime
    end: datetime

    @property
    def duration(self) -> timedelta:
        # Subtracting two datetimes with the same tzinfo compares wall clocks, which is wrong
        # across a DST change; compare in UTC.
        return self.end.astimezone(UTC) - self.start.astimezone(UTC)


Overrides = Mapping[date, Iterable[Window]] | Callable[[int], Mapping[date, Iterable[Window]]]
"""Per-date windows replacing the weekday's (empty: closed all day), as a mapping or as a
function giving that mapping for one year, so holidays are computed only for years asked about."""


class _Compiled(NamedTuple):
    first_year: int
    last_year: int
    lo: int  # epoch second of local Jan 1 00:00 of first_year
    hi: int  # epoch second of local Jan 1 00:00 of last_year + 1
    starts: list[int]
    ends: list[int]
    cum: list[int]  # cum[i]: open seconds before interval i; len(starts) + 1 entries


CompiledIntervals = _Compiled
"""Open intervals in UTC epoch seconds for local years first_year…last_year (lo…hi): sorted
`starts` and `ends`, and `cum[i]`, the open seconds before interval i."""


class Calendar:
    """Service hours: weekly windows in local time, per-date overrides, one time zone.

    Immutable from the outside; the compiled years are a cache that only grows.
    """

    __slots__ = ("_compiled", "_overrides", "_weekly", "_years", "name", "zone")

    def __init__(
        self,
        zone: ZoneInfo,
        weekly: Mapping[int, Iterable[Window]],
        overrides: Overrides | None = None,
        name: str = "",
    ) -> None:
        """`weekly` maps weekday (Monday 0 … Sunday 6) to windows; a missing day is closed."""
        self.zone = zone
        self.name = name
        self._weekly = tuple(tuple(sorted(weekly.get(day, ()))) for day in range(7))
        if overrides is None or isinstance(overrides, Mapping):
            fixed = {d: tuple(sorted(w)) for d, w in (overrides or {}).items()}
            self._overrides: Callable[[int], Mapping[date, Iterable[Window]]] = lambda _: fixed
        else:
            self._overrides = overrides
        self._years: dict[int, list[tuple[int, int]]] = {}
        self._compiled: _Compiled | None = None

    def __repr__(self) -> str:
        return f"Calendar({self.name or '?'}, {self.zone.key})"

    # -- compiling -------------------------------------------------------------------------

    def _offset_at(self, second: int) -> int:
        offset = datetime.fromtimestamp(second, self.zone).utcoffset()
        assert offset is not None
        return int(offset.total_seconds())

    def _day_intervals(self, day: date, windows: Iterable[Window]) -> list[tuple[int, int]]:
        """The UTC intervals whose local wall clock on `day` is inside one of the windows."""
        midnight = (day.toordinal() - _EPOCH_ORDINAL) * _DAY  # local midnight read as if UTC
        before, after = midnight - _DAY, midnight + 2 * _DAY
        off_before, off_after = self._offset_at(before), self._offset_at(after)
        # Offset pieces around this day: one, or two split at the transition (assumes zones
        # change offset at most once in three days, as every real zone does today).
        pieces = [(before, after, off_before)]
        if off_before != off_after:
            while after - before > 1:  # first second with the new offset
                mid = (before + after) // 2
                if self._offset_at(mid) == off_before:
                    before = mid
                else:
                    after = mid
            pieces = [(before - 3 * _DAY, after, off_before), (after, after + 3 * _DAY, off_after)]
        out = []
        for window in windows:
            for low, high, offset in pieces:
                start = max(midnight + window.start * 60 - offset, low)
                end = min(midnight + window.end * 60 - offset, high)
                if start < end:
                    out.append((start, end))
        return out

    def _year_intervals(self, year: int) -> list[tuple[int, int]]:
        if year not in self._years:
            overrides = self._overrides(year)
            raw: list[tuple[int, int]] = []
            day, stop = date(year, 1, 1), date(year + 1, 1, 1)
            while day < stop:
                windows = overrides.get(day, self._weekly[day.weekday()])
                if windows:
                    raw.extend(self._day_intervals(day, windows))
                day += timedelta(days=1)
            self._years[year] = _merge(sorted(raw))
        return self._years[year]

    def _compile(self, first_year: int, last_year: int) -> _Compiled:
        if first_year <= 1 or last_year >= 9998:
            raise ValueError(f"business time is counted for years 2–9997, not {first_year}")
        merged = _merge(
            [iv for year in range(first_year, last_year + 1) for iv in self._year_intervals(year)]
        )
        starts = [s for s, _ in merged]
        ends = [e for _, e in merged]
        cum = [0]
        for s, e in merged:
            cum.append(cum[-1] + e - s)
        lo = int(datetime(first_year, 1, 1, tzinfo=self.zone).timestamp())
        hi = int(datetime(last_year + 1, 1, 1, tzinfo=self.zone).timestamp())
        self._compiled = _Compiled(first_year, last_year, lo, hi, starts, ends, cum)
        return self._compiled

    def _covering(self, second: int) -> _Compiled:
        """The compiled intervals, extended if needed to the local year holding `second`."""
        c = self._compiled
        if c is not None and c.lo <= second < c.hi:
            return c
        year = datetime.fromtimestamp(second, self.zone).year
        if c is None:
            return self._compile(year, year)
        return self._compile(min(year, c.first_year), max(year, c.last_year))

    def intervals(self, first_s: int, last_s: int) -> CompiledIntervals:
        """The compiled open intervals, compiled now if needed to cover the local years of the
        epoch seconds `first_s` and `last_s` (and all between): for the service clock over
        arrays (engine.clock.service_clock). Read only."""
        self._covering(first_s)
        return self._covering(last_s)

    def _grow(self) -> _Compiled:
        """One more year at the end; earlier running totals stay the same."""
        c = self._compiled
        assert c is not None
        return self._compile(c.first_year, c.last_year + 1)

    # -- counting (microseconds since the epoch; interval bounds are whole seconds) -----------

    def _position(self, c: _Compiled, t: int) -> int:
        """Open microseconds before instant `t` since the start of the compiled range."""
        second = t // _US
        i = bisect_right(c.starts, second) - 1
        if i >= 0 and second < c.ends[i]:
            return (c.cum[i] + second - c.starts[i]) * _US + t % _US
        return c.cum[i + 1] * _US

    def _instant(self, t: int) -> datetime:
        second, micro = divmod(t, _US)
        moment = datetime.fromtimestamp(second, self.zone)
        return moment.replace(microsecond=micro) if micro else moment

    def _next_opening(self, t: int) -> int:
        c = self._covering(t // _US)
        i = bisect_right(c.starts, t // _US) - 1
        if i >= 0 and t // _US < c.ends[i]:
            return t
        empty_years = 0
        while i + 1 == len(c.starts):
            before = len(c.starts)
            c = self._grow()
            empty_years = _count_empty(empty_years, before, c)
        return c.starts[i + 1] * _US

    def _deadline(self, t: int, need: int) -> int:
        if need == 0:
            return self._next_opening(t)
        c = self._covering(t // _US)
        target = self._position(c, t) + need
        whole, micro = divmod(target, _US)
        ceiling = whole + (1 if micro else 0)
        j = bisect_left(c.cum, ceiling, 1) - 1  # the interval in which the total reaches target
        empty_years = 0
        while j == len(c.starts):
            before = len(c.starts)
            c = self._grow()
            empty_years = _count_empty(empty_years, before, c)
            j = bisect_left(c.cum, ceiling, 1) - 1
        return (c.starts[j] + whole - c.cum[j]) * _US + micro

    def _elapsed(self, t1: int, t2: int) -> int:
        self._covering(t1 // _US)
        c = self._covering(t2 // _US)
        return self._position(c, t2) - self._position(c, t1)

    def _segments(self, t1: int, t2: int) -> list[Segment]:
        self._covering(t1 // _US)
        c = self._covering(t2 // _US)
        i = max(bisect_right(c.starts, t1 // _US) - 1, 0)
        out = []
        while i < len(c.starts) and c.starts[i] * _US < t2:
            start, end = max(c.starts[i] * _US, t1), min(c.ends[i] * _US, t2)
            if start < end:
                out.append(Segment(self._instant(start), self._instant(end)))
            i += 1
        return out


def _merge(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted intervals with touching or overlapping ones joined."""
    out: list[tuple[int, int]] = []
    for start, end in intervals:
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _count_empty(empty_years: int, before: int, c: _Compiled) -> int:
    if len(c.starts) > before:
        return 0
    if empty_years + 1 >= _MAX_EMPTY_YEARS:
        raise ValueError(f"the calendar has no open time in the {_MAX_EMPTY_YEARS} years searched")
    return empty_years + 1


def _micros(moment: datetime) -> int:
    """Microseconds since the epoch, exactly (a float timestamp loses them for far years)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment} has no time zone; business time needs aware datetimes")
    return (moment - _EPOCH) // _ONE_US


def _duration_micros(duration: timedelta) -> int:
    if duration < _ZERO:
        raise ValueError(f"a duration cannot be negative: {duration}")
    return duration // _ONE_US


def deadline(start: datetime, duration: timedelta, calendar: Calendar) -> datetime:
    """The instant at which `duration` of open time has elapsed from `start`."""
    # The common case (a whole-second duration inside the compiled years) is written out
    # here without helper calls: it is the engine's hot loop. Everything else takes the
    # general path in Calendar._deadline, which computes the same thing.
    c = calendar._compiled
    if start.tzinfo is None or duration <= _ZERO or c is None:
        return calendar._instant(calendar._deadline(_micros(start), _duration_micros(duration)))
    t = (start - _EPOCH) // _ONE_US
    second, micro = divmod(t, _US)
    need = duration // _ONE_US
    if not c.lo <= second < c.hi or need % _US:
        return calendar._instant(calendar._deadline(t, need))
    starts, cum = c.starts, c.cum
    i = bisect_right(starts, second) - 1
    if i >= 0 and second < c.ends[i]:
        whole = cum[i] + second - starts[i] + need // _US
    else:
        whole, micro = cum[i + 1] + need // _US, 0
    j = bisect_left(cum, whole + (1 if micro else 0), 1) - 1
    if j == len(starts):
        return calendar._instant(calendar._deadline(t, need))
    moment = datetime.fromtimestamp(starts[j] + whole - cum[j], calendar.zone)
    return moment.replace(microsecond=micro) if micro else moment


def elapsed(start: datetime, end: datetime, calendar: Calendar) -> timedelta:
    """Open time in [start, end); zero when end <= start."""
    t1, t2 = _micros(start), _micros(end)
    if t2 <= t1:
        return timedelta(0)
    return timedelta(microseconds=calendar._elapsed(t1, t2))


def next_opening(moment: datetime, calendar: Calendar) -> datetime:
    """`moment` itself (in the calendar's zone) when open, else the next opening."""
    return calendar._instant(calendar._next_opening(_micros(moment)))


def is_open(moment: datetime, calendar: Calendar) -> bool:
    """Whether the service clock runs at `moment`; closing time itself is closed."""
    t = _micros(moment)
    return calendar._next_opening(t) == t


def open_segments(start: datetime, end: datetime, calendar: Calendar) -> list[Segment]:
    """The open stretches inside [start, end), clipped to it, in order."""
    t1, t2 = _micros(start), _micros(end)
    return calendar._segments(t1, t2) if t1 < t2 else []
