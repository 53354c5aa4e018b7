"""Local times of one zone read from text and written back as text, a column at a time.

- `read` marks the cells in the plain form (`YYYY-MM-DDTHH:MM` or `…THH:MM:SS`, `T` or a
  space, a date that exists, in 1971–2199, on a day the zone keeps one UTC offset) and gives
  their instant in epoch microseconds, exactly as engine.clock.times.parse_time reads them;
  every other cell is left to the caller, who asks parse_time (which reads it, or says what
  is wrong).
- `write` gives engine.clock.times.format_time of each instant (`2026-11-24T16:00:00+01:00`)
  as an Arrow string array, built from tables of dates, clock times and offsets (pyarrow's
  strftime is twenty times slower).
The days' UTC offsets come from zoneinfo, one call per day or hour seen.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from engine.clock.times import format_time

Ints = NDArray[np.int64]
Flags = NDArray[np.bool_]
US = 1_000_000
_DAY = 86_400
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_FIRST_DAY = date(1971, 1, 1).toordinal() - _EPOCH_ORDINAL
_END_DAY = date(2200, 1, 1).toordinal() - _EPOCH_ORDINAL
_WIDTH = 25  # YYYY-MM-DDTHH:MM:SS+HH:MM


def _clock_texts() -> NDArray[np.void]:
    """Every second of a day as b"HH:MM:SS"."""
    at = np.arange(_DAY, dtype=np.int64)
    digits = [
        (number // 10 + 48, number % 10 + 48) for number in (at // 3600, at // 60 % 60, at % 60)
    ]
    colon = np.full(_DAY, ord(":"))
    parts = [digits[0][0], digits[0][1], colon, digits[1][0], digits[1][1], colon]
    codes = np.stack([*parts, digits[2][0], digits[2][1]], axis=1).astype(np.uint8)
    return codes.view(np.dtype((np.void, 8))).reshape(_DAY)


_CLOCKS = _clock_texts()
_PIECES = np.dtype([("date", "V11"), ("clock", "V8"), ("offset", "V6")])


_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15]


def _bytes(texts: pa.Array) -> tuple[NDArray[np.uint8], Ints]:
    """The first 19 bytes of each text as a (rows, 19) array (0 past its end), and each
    text's length in bytes; straight from the Arrow buffers."""
    texts = pc.fill_null(texts, "")
    n = len(texts)
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int32)[texts.offset : texts.offset + n + 1]
    data = texts.buffers()[2]
    raw = (
        np.frombuffer(data, dtype=np.uint8)
        if data is not None and data.size
        else np.zeros(1, np.uint8)
    )
    raw = np.append(raw, np.zeros(19, dtype=np.uint8))  # reads past the last text stay inside
    starts = offsets[:-1].astype(np.int64)
    length = (offsets[1:] - offsets[:-1]).astype(np.int64)
    codes = raw[starts[:, None] + np.arange(19)]
    codes[np.arange(19) >= length[:, None]] = 0
    return codes, length


class LocalTimes:
    """`read` and `write` for one zone; remembers the days and offsets it worked out."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self._day_base = 0
        self._midnight_offsets: Ints = np.zeros(0, dtype=np.int64)  # -1: offset changes
        self._span = (0, 0)  # UTC days covered by the writing tables, [first, end)
        self._bounds: Ints = np.zeros(0, dtype=np.int64)
        self._offsets: Ints = np.zeros(1, dtype=np.int64)
        self._suffixes = np.zeros(1, dtype="V6")
        self._dates = np.zeros(0, dtype="V11")
        self._whole_minutes = True

    # -- reading ------------------------------------------------------------------------------

    def read(self, texts: pa.Array) -> tuple[Ints, Flags]:
        """(epoch microseconds, plain) of each cell; empty and other cells are not plain."""
        n = len(texts)
        codes, length = _bytes(texts)
        plain = (length == 16) | (length == 19)
        if not plain.any():
            return np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.bool_)
        d = codes.astype(np.int64) - 48  # digits where plain
        plain &= (d[:, _DIGITS] >= 0).all(axis=1) & (d[:, _DIGITS] <= 9).all(axis=1)
        plain &= (codes[:, 4] == 45) & (codes[:, 7] == 45) & (codes[:, 13] == 58)
        plain &= (codes[:, 10] == 84) | (codes[:, 10] == 32)  # T or a space
        long = length == 19
        seconds_ok = (codes[:, 16] == 58) & (d[:, 17] >= 0) & (d[:, 17] <= 9)
        plain &= ~long | (seconds_ok & (d[:, 18] >= 0) & (d[:, 18] <= 9))
        year = d[:, 0] * 1000 + d[:, 1] * 100 + d[:, 2] * 10 + d[:, 3]
        month = d[:, 5] * 10 + d[:, 6]
        day = d[:, 8] * 10 + d[:, 9]
        hour = d[:, 11] * 10 + d[:, 12]
        minute = d[:, 14] * 10 + d[:, 15]
        second = np.where(long, d[:, 17] * 10 + d[:, 18], 0)
        known = plain & (month >= 1) & (month <= 12)
        known &= (hour < 24) & (minute < 60) & (second < 60) & (year >= 1971) & (year < 2200)
        month = np.where(known, month, 1)
        first = (np.where(known, year, 1971) - 1970) * 12 + month - 1
        starts = first.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
        ends = (first + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
        known &= (day >= 1) & (day <= ends - starts)
        wall = (starts + day - 1) * _DAY + hour * 3600 + minute * 60 + second
        days = wall // _DAY
        known &= (days >= _FIRST_DAY) & (days < _END_DAY)
        if known.any():
            self._cover_days(int(days[known].min()), int(days[known].max()) + 1)
            index = np.clip(days - self._day_base, 0, len(self._midnight_offsets) - 1)
            offset = self._midnight_offsets[index]
            known &= (days >= self._day_base) & (offset != -1)
        else:
            offset = np.zeros(n, dtype=np.int64)
        micros: Ints = np.where(known, (wall - offset) * US, 0)
        return micros, known

    def _cover_days(self, first: int, end: int) -> None:
        base, size = self._day_base, len(self._midnight_offsets)
        if size and base <= first and end <= base + size:
            return
        if size:
            first, end = min(first, base), max(end, base + size)
        if end - first > 200 * 366:  # a far-off date among usual ones: left to parse_time
            end = min(end, first + 200 * 366)
        table = np.empty(end - first, dtype=np.int64)
        for i in range(end - first):
            number = first + i
            if size and base <= number < base + size:
                table[i] = self._midnight_offsets[number - base]
                continue
            day = date.fromordinal(number + _EPOCH_ORDINAL)
            noon = datetime(day.year, day.month, day.day, 12, tzinfo=self.zone)
            offsets = {(noon + timedelta(hours=h)).utcoffset() for h in (-13, 0, 13)}
            offset = offsets.pop() if len(offsets) == 1 else None
            table[i] = -1 if offset is None else offset // timedelta(seconds=1)
        self._day_base, self._midnight_offsets = first, table

    # -- writing ------------------------------------------------------------------------------

    def write(self, micros: Ints) -> pa.Array:
        """format_time of each instant in the zone, as Arrow strings."""
        seconds = micros // US
        n = len(seconds)
        if n == 0:
            return pa.array([], type=pa.string())
        days = seconds // _DAY
        ours = (days >= _FIRST_DAY) & (days < _END_DAY)
        if ours.any():
            self._cover_utc(int(days[ours].min()), int(days[ours].max()) + 1)
        ours &= (days >= self._span[0]) & (days < self._span[1]) & self._whole_minutes
        if not ours.all():
            texts = self._write_tables(np.where(ours, seconds, self._span[0] * _DAY)).to_pylist()
            for i in np.flatnonzero(~ours).tolist():
                texts[i] = format_time(datetime.fromtimestamp(int(seconds[i]), self.zone))
            return pa.array(texts, type=pa.string())
        return self._write_tables(seconds)

    def _write_tables(self, seconds: Ints) -> pa.Array:
        which = np.searchsorted(self._bounds, seconds, side="right")
        days, rest = np.divmod(seconds + self._offsets[which], _DAY)
        out = np.empty(len(seconds), dtype=_PIECES)
        out["date"] = self._dates[days - self._span[0] + 1]
        out["clock"] = _CLOCKS[rest]
        out["offset"] = self._suffixes[which]
        offsets = np.arange(0, (len(seconds) + 1) * _WIDTH, _WIDTH, dtype=np.int32)
        return pa.StringArray.from_buffers(
            len(seconds), pa.py_buffer(offsets), pa.py_buffer(out.tobytes())
        )

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
        self._suffixes = np.array([s.encode() for s in suffixes], dtype="S6").view("V6")
        texts = [
            (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(days=day)).strftime("%Y-%m-%dT")
            for day in range(first - 1, end + 1)
        ]
        self._dates = np.array([t.encode() for t in texts], dtype="S11").view("V11")

    def _offset_at(self, second: int) -> int:
        offset = datetime.fromtimestamp(second, self.zone).utcoffset()
        assert offset is not None
        return int(offset.total_seconds())
