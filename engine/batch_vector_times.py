"""Local times of one zone read from text and written back for many rows at once (numpy).

The array twins of engine.times.EpochTimes, for `sla evaluate`'s batch path:

- `read` takes a column of cells and marks the ones in the plain form `EpochTimes.read` reads
  (`YYYY-MM-DDTHH:MM` or `…THH:MM:SS`, `T` or a space, a date that exists, on a day the zone
  keeps one UTC offset) with the same epoch second; every other cell is left to the caller's
  per-row path, which reads it or says what is wrong.
- `write` gives exactly `EpochTimes.write` (format_time) of each instant.

Why numpy: these two are most of the per-row cost of a large export in pure Python. The days'
UTC offsets come from EpochTimes itself (one call per distinct date), so both agree by
construction; only dates of 1971–2199 are handled here, any other goes to EpochTimes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import numpy as np
from numpy.typing import NDArray

from engine.times import EpochTimes, format_time

Ints = NDArray[np.int64]
Flags = NDArray[np.bool_]

_DAY = 86_400
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_FIRST_DAY = date(1971, 1, 1).toordinal() - _EPOCH_ORDINAL
_END_DAY = date(2200, 1, 1).toordinal() - _EPOCH_ORDINAL
_MAX_SPAN_DAYS = 100 * 366  # the date table covers at most this many days at once
_DATE_DIGITS = (0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15)
_WIDTH = 19  # YYYY-MM-DDTHH:MM:SS
_ZERO = ord("0")
_DASH, _COLON, _T, _SPACE = (ord(c) - _ZERO for c in "-:T ")


def _texts(texts: Sequence[str], width: int) -> NDArray[np.void]:
    """Texts of `width` characters as raw fixed-size items, to copy into a wider text."""
    return np.array(texts, dtype=f"<U{width}").view(np.dtype((np.void, 4 * width)))


def _clock_texts() -> NDArray[np.void]:
    """Every second of a day as "HH:MM:SS", as _texts(…, 8) gives them, made from digits
    (86,400 f-strings would take a tenth of a second at every start)."""
    at = np.arange(_DAY, dtype=np.uint32)
    h1, h2, m1, m2, s1, s2 = (
        digit + np.uint32(_ZERO)
        for number in (at // 3600, at // 60 % 60, at % 60)
        for digit in (number // 10, number % 10)
    )
    colon = np.full(_DAY, ord(":"), dtype=np.uint32)
    codes = np.stack([h1, h2, colon, m1, m2, colon, s1, s2], axis=1)  # (86400, 8), C order
    return codes.view(np.dtype((np.void, 32))).reshape(_DAY)


_CLOCKS = _clock_texts()
_PIECES = np.dtype([("date", "V44"), ("clock", "V32"), ("offset", "V24")])
_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def days_from_civil(year: Ints, month: Ints, day: Ints) -> Ints:
    """Days since 1970-01-01 of proleptic Gregorian dates (H. Hinnant's algorithm)."""
    year = year - (month <= 2)
    era = year // 400
    yoe = year - era * 400
    doy = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    result: Ints = era * 146_097 + doe - 719_468
    return result


def civil_from_days(days: Ints) -> tuple[Ints, Ints, Ints]:
    """(year, month, day) of days since 1970-01-01: the inverse of days_from_civil."""
    z = days + 719_468
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    return yoe + era * 400 + (month <= 2), month, day


class VectorTimes:
    """`EpochTimes.read` and `write` over columns; remembers the dates and offsets it saw."""

    def __init__(self, epochs: EpochTimes) -> None:
        self.epochs = epochs
        self.zone = epochs.zone
        # local midnight (epoch second) per day number _day_base + i; -1 where not plain
        self._day_base = 0
        self._midnights: Ints = np.zeros(0, dtype=np.int64)
        # UTC offsets: _offsets[k] holds from _bounds[k - 1] (inclusive) to _bounds[k]
        self._span = (0, 0)  # the UTC days covered, [first, end)
        self._bounds: Ints = np.zeros(0, dtype=np.int64)
        self._offsets: Ints = np.zeros(1, dtype=np.int64)
        self._suffixes = _texts(["+00:00"], 6)
        self._dates = _texts([], 11)  # "YYYY-MM-DDT" of the days _span[0] - 1 …
        self._whole_minutes = True

    # -- reading -----------------------------------------------------------------------------

    def read(self, texts: Sequence[str]) -> tuple[Ints, Flags, Flags, Ints]:
        """(epoch seconds, plain, empty, month) of each cell: where `plain`, the second is what
        EpochTimes.read gives and the month its local year * 100 + month; `empty` marks empty
        cells (absent values)."""
        n = len(texts)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
        empty = lengths == 0
        candidates = np.flatnonzero((lengths == 16) | (lengths == _WIDTH))
        if len(candidates) > n // 2:
            seconds, plain, month = self._parse(texts, lengths)
            return seconds, plain, empty, month
        # A sparse column (on-site arrival, start of work): only its times are parsed.
        seconds = np.zeros(n, dtype=np.int64)
        plain = np.zeros(n, dtype=np.bool_)
        month = np.zeros(n, dtype=np.int64)
        if len(candidates):
            some = [texts[i] for i in candidates.tolist()]
            found = self._parse(some, lengths[candidates])
            seconds[candidates], plain[candidates], month[candidates] = found
        return seconds, plain, empty, month

    def _parse(self, texts: Sequence[str], lengths: Ints) -> tuple[Ints, Flags, Ints]:
        """`read` of texts whose `lengths` are given: (seconds, plain, month)."""
        n = len(texts)
        plain = (lengths == 16) | (lengths == _WIDTH)
        seconds = np.zeros(n, dtype=np.int64)
        if not plain.any():
            return seconds, plain, seconds
        # Longer cells are cut to 19 characters here; their length already excludes them.
        codes = np.array(texts, dtype=f"<U{_WIDTH}").view(np.uint32).reshape(n, _WIDTH)
        c = codes.astype(np.int64) - _ZERO
        digits = c[:, _DATE_DIGITS]
        plain &= ((digits >= 0) & (digits <= 9)).all(axis=1)
        plain &= (c[:, 4] == _DASH) & (c[:, 7] == _DASH) & (c[:, 13] == _COLON)
        plain &= (c[:, 10] == _T) | (c[:, 10] == _SPACE)
        long = lengths == _WIDTH
        sec_ok = (c[:, 16] == _COLON) & (c[:, 17] >= 0) & (c[:, 17] <= 9)
        sec_ok &= (c[:, 18] >= 0) & (c[:, 18] <= 9)
        plain &= ~long | sec_ok
        year = c[:, 0] * 1000 + c[:, 1] * 100 + c[:, 2] * 10 + c[:, 3]
        month = c[:, 5] * 10 + c[:, 6]
        day = c[:, 8] * 10 + c[:, 9]
        hour = c[:, 11] * 10 + c[:, 12]
        minute = c[:, 14] * 10 + c[:, 15]
        second = np.where(long, c[:, 17] * 10 + c[:, 18], 0)
        plain &= (month >= 1) & (month <= 12) & (day >= 1) & (hour < 24) & (minute < 60)
        plain &= second < 60
        leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
        month_days = _MONTH_DAYS[np.clip(month, 0, 12)] + (leap & (month == 2))
        plain &= day <= month_days
        days = days_from_civil(year, np.clip(month, 1, 12), day)
        plain &= (days >= _FIRST_DAY) & (days < _END_DAY)
        if not plain.any():
            return seconds, plain, seconds
        found = days[plain]
        middle = int(np.median(found))  # a far-off date among many usual ones is left out
        self._cover_days(
            max(int(found.min()), middle - _MAX_SPAN_DAYS // 2),
            min(int(found.max()) + 1, middle + _MAX_SPAN_DAYS // 2),
        )
        index = np.clip(days - self._day_base, 0, max(len(self._midnights) - 1, 0))
        inside = (days >= self._day_base) & (days < self._day_base + len(self._midnights))
        midnight = self._midnights[index] if len(self._midnights) else np.full(n, -1)
        plain &= inside & (midnight >= 0)
        seconds = np.where(plain, midnight + hour * 3600 + minute * 60 + second, 0)
        return seconds, plain, year * 100 + month

    def _cover_days(self, first: int, end: int) -> None:
        base, size = self._day_base, len(self._midnights)
        if size and base <= first and end <= base + size:
            return
        if size and max(end, base + size) - min(first, base) <= _MAX_SPAN_DAYS:
            first, end = min(first, base), max(end, base + size)
        table = np.empty(end - first, dtype=np.int64)
        for i in range(end - first):
            number = first + i
            if size and base <= number < base + size:
                table[i] = self._midnights[number - base]
                continue
            text = date.fromordinal(number + _EPOCH_ORDINAL).isoformat()
            midnight = self.epochs.read(f"{text}T00:00")
            table[i] = -1 if midnight is None else midnight
        self._day_base, self._midnights = first, table

    # -- writing -----------------------------------------------------------------------------

    def write(self, seconds: Ints) -> list[str]:
        """format_time of each instant (epoch seconds) in the zone, as EpochTimes.write."""
        n = len(seconds)
        if n == 0:
            return []
        days = seconds // _DAY
        ours = (days >= _FIRST_DAY) & (days < _END_DAY)
        if ours.any():
            self._cover_utc(int(days[ours].min()), int(days[ours].max()) + 1)
        ours &= (days >= self._span[0]) & (days < self._span[1])
        if not self._whole_minutes or not ours.all():
            texts = self._write_vector(np.where(ours, seconds, self._span[0] * _DAY))
            write = self.epochs.write
            for i in np.flatnonzero(~ours).tolist():
                texts[i] = write(int(seconds[i]))
            return texts
        return self._write_vector(seconds)

    def _write_vector(self, seconds: Ints) -> list[str]:
        if not self._whole_minutes:
            return [self.epochs.write(int(s)) for s in seconds.tolist()]
        which = np.searchsorted(self._bounds, seconds, side="right")
        days, rest = np.divmod(seconds + self._offsets[which], _DAY)
        # The text as three fixed pieces copied from tables: date, clock and offset.
        out = np.empty(len(seconds), dtype=_PIECES)
        out["date"] = self._dates[days - self._span[0] + 1]
        out["clock"] = _CLOCKS[rest]
        out["offset"] = self._suffixes[which]
        texts: list[str] = out.view("<U25").tolist()
        return texts

    def _cover_utc(self, first: int, end: int) -> None:
        """The offsets of the UTC days [first, end), with every change to the second."""
        if self._span[0] <= first and end <= self._span[1]:
            return
        if self._span[1] > self._span[0]:
            first, end = min(first, self._span[0]), max(end, self._span[1])
        bounds: list[int] = []
        offsets = [self._offset_at(first * _DAY)]
        for number in range(first, end):
            after = self._offset_at((number + 1) * _DAY)
            if after != offsets[-1]:  # at most one change a day, as every real zone has
                low, high = number * _DAY, (number + 1) * _DAY
                while high - low > 1:  # high: the first second with the new offset
                    middle = (low + high) // 2
                    if self._offset_at(middle) == offsets[-1]:
                        low = middle
                    else:
                        high = middle
                bounds.append(high)
                offsets.append(after)
        suffixes = []
        for start in (first * _DAY, *bounds):
            suffix = format_time(datetime.fromtimestamp(start, self.zone))[19:]
            suffixes.append(suffix if len(suffix) == 6 else "+00:00")
        self._whole_minutes = all(offset % 60 == 0 for offset in offsets)
        self._span = (first, end)
        self._bounds = np.array(bounds, dtype=np.int64)
        self._offsets = np.array(offsets, dtype=np.int64)
        self._suffixes = _texts(suffixes, 6)
        # local dates lie at most a day from their UTC date
        year, month, day = civil_from_days(np.arange(first - 1, end + 1, dtype=np.int64))
        self._dates = _texts(
            [f"{y:04d}-{m:02d}-{d:02d}T" for y, m, d in zip(year, month, day, strict=True)], 11
        )

    def _offset_at(self, second: int) -> int:
        offset = datetime.fromtimestamp(second, self.zone).utcoffset()
        assert offset is not None
        return int(offset.total_seconds())
