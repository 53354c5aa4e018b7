"""Local times of one zone read from text and written back for many rows at once (numpy).

The array twins of engine.clock.times.EpochTimes, for `sla evaluate`'s batch path:

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

from engine.clock.times import EpochTimes, format_time

Ints = NDArray[np.int64]
Flags = NDArray[np.bool_]

_DAY = 86_400
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_FIRST_DAY = date(1971, 1, 1).toordinal() - _EPOCH_ORDINAL
_END_DAY = date(2200, 1, 1).toordinal() - _EPOCH_ORDINAL
_MAX_SPAN_DAYS = 100 * 366  # the date table covers at most this many days at once
_WIDTH = 19  # YYYY-MM-DDTHH:MM:SS
_DATE_DIGITS = (0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15)
_ZERO = ord("0")
_DASH, _COLON, _T, _SPACE = ((ord(c) - _ZERO) % 2**32 for c in "-:T ")  # as uint32 less "0"
_FIRST_YEAR, _END_YEAR = 1971, 2200  # the dates read here; any other goes to EpochTimes


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


def _codes(texts: Sequence[str]) -> tuple[NDArray[np.uint32], Ints]:
    """The first 19 characters of each text as (rows, 19) code points (0 past its end), and
    each text's length up to 20 (a longer one is 20).

    One conversion gives both: the texts into 20-character items, whose lengths numpy
    counts; it cannot tell a trailing NUL from the padding, so texts holding NUL are
    measured one by one."""
    items = np.array(texts, dtype="<U20")
    if "\x00" in "".join(texts):
        lengths = np.minimum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)), 20)
    else:
        lengths = np.strings.str_len(items).astype(np.int64)
    codes = items.view(np.uint32).reshape(len(texts), 20)[:, :_WIDTH]
    return codes, lengths


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


def _month_tables() -> tuple[Ints, Ints]:
    """Days since 1970-01-01 of the first of each month of the years read here, month by
    month from January _FIRST_YEAR, and the length of each month."""
    years = np.repeat(np.arange(_FIRST_YEAR, _END_YEAR, dtype=np.int64), 12)
    months = np.tile(np.arange(1, 13, dtype=np.int64), _END_YEAR - _FIRST_YEAR)
    starts = days_from_civil(years, months, np.ones_like(years))
    end = days_from_civil(np.array([_END_YEAR]), np.array([1]), np.array([1]))
    lengths: Ints = np.diff(np.concatenate((starts, end))).astype(np.int64)
    return starts, lengths


_MONTH_STARTS, _MONTH_LENGTHS = _month_tables()


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
        # The first cells tell a full column (reported, first response, …) from a sparse one;
        # both ways read alike, the sparse one converts only its times.
        if texts[:64].count("") < 32:
            codes, lengths = _codes(texts)
            seconds, plain, month = self._parse(codes, lengths)
            return seconds, plain, lengths == 0, month
        # A sparse column (on-site arrival, start of work): only its times are parsed.
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
        seconds = np.zeros(n, dtype=np.int64)
        plain = np.zeros(n, dtype=np.bool_)
        month = np.zeros(n, dtype=np.int64)
        candidates = np.flatnonzero((lengths == 16) | (lengths == _WIDTH))
        if len(candidates):
            codes, found_lengths = _codes([texts[i] for i in candidates.tolist()])
            found = self._parse(codes, found_lengths)
            seconds[candidates], plain[candidates], month[candidates] = found
        return seconds, plain, lengths == 0, month

    def _parse(self, codes: NDArray[np.uint32], lengths: Ints) -> tuple[Ints, Flags, Ints]:
        """`read` of texts given as `_codes` gives them: (seconds, plain, month)."""
        n = len(lengths)
        plain = (lengths == 16) | (lengths == _WIDTH)
        seconds = np.zeros(n, dtype=np.int64)
        if not plain.any():
            return seconds, plain, seconds
        c = codes - np.uint32(_ZERO)  # unsigned: a character below "0" wraps round to large
        plain &= c[:, _DATE_DIGITS].max(axis=1) <= 9
        plain &= (c[:, 4] == _DASH) & (c[:, 7] == _DASH) & (c[:, 13] == _COLON)
        plain &= (c[:, 10] == _T) | (c[:, 10] == _SPACE)
        long = lengths == _WIDTH
        plain &= ~long | ((c[:, 16] == _COLON) & (c[:, 17] <= 9) & (c[:, 18] <= 9))
        d = c.astype(np.int64)  # the digits where plain
        year = d[:, 0] * 1000 + d[:, 1] * 100 + d[:, 2] * 10 + d[:, 3]
        month = d[:, 5] * 10 + d[:, 6]
        day = d[:, 8] * 10 + d[:, 9]
        hour = d[:, 11] * 10 + d[:, 12]
        minute = d[:, 14] * 10 + d[:, 15]
        second = np.where(long, d[:, 17] * 10 + d[:, 18], 0)
        plain &= (month >= 1) & (month <= 12) & (day >= 1) & (hour < 24) & (minute < 60)
        plain &= second < 60
        plain &= (year >= _FIRST_YEAR) & (year < _END_YEAR)
        # days since 1970 of the first of each month of the years handled, and their lengths
        at = np.where(plain, (year - _FIRST_YEAR) * 12 + month - 1, 0)
        plain &= day <= _MONTH_LENGTHS[at]
        days = _MONTH_STARTS[at] + day - 1
        if not plain.any():
            return seconds, plain, seconds
        found = days[plain]
        low, high = int(found.min()), int(found.max()) + 1
        if high - low > _MAX_SPAN_DAYS // 2:  # a far-off date among many usual ones is left out
            middle = int(np.median(found))
            low, high = (
                max(low, middle - _MAX_SPAN_DAYS // 2),
                min(high, middle + _MAX_SPAN_DAYS // 2),
            )
        self._cover_days(low, high)
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
