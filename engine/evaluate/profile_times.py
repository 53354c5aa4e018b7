"""Columns of time text, as helpdesk tools write them, read to instants and written back in the
form `sla evaluate` reads: a whole column at a time (pyarrow.compute), for a million rows.

It reads what `engine.clock.times.parse_time` reads, row by row the same instant (the tests
check one against the other): ISO 8601 with `T` or a space, to the minute or second, fractional
seconds, an offset `Z`, `+HH:MM`, `+HHMM` or `+HH` (one space before it allowed), or else a
strptime pattern such as `%d-%m-%Y %H:%M`. A time without an offset is local time in the
profile's zone; a local time in the spring gap is an error, one in the repeated autumn hour
is read as `ambiguous` says (an error by default). Instants are whole seconds: fractional
seconds are cut, as the engine's batch clock does.

Written back, a time is local time in the evaluation's zone without offset
(`2026-11-23T16:00:00`), the form the row reader reads fastest, except in the repeated autumn
hour, where the offset is added so that the instant stays the one that was read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc

from engine.clock.times import Ambiguous

ISO = "iso"
READABLE, UNREADABLE, IN_GAP, REPEATED = 0, 1, 2, 3
"""Codes of what became of each time text."""

_COMMON = r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d)?$"
_FULL = (
    r"^(?P<day>\d{4}-\d{2}-\d{2})[Tt ](?P<clock>\d{2}:\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?"
    r" ?(?P<zone>[Zz]|[+-]\d{2}(?::?\d{2})?)?$"
)
_OFFSET = r"^(?P<sign>[+-])(?P<hours>\d{2}):?(?P<minutes>\d{2})?$"
_WALL = "%Y-%m-%dT%H:%M:%S"


@dataclass(frozen=True)
class ReadTimes:
    """A column of times read: epoch seconds (null where absent or not readable) and a code
    per row (READABLE, UNREADABLE, IN_GAP, REPEATED; READABLE also for an absent time)."""

    seconds: pa.Array
    codes: pa.Array


def read_times(
    texts: pa.Array, time_format: str, zone: ZoneInfo, ambiguous: Ambiguous = "reject"
) -> ReadTimes:
    """The instants of a string column (nulls for empty cells)."""
    if pa.types.is_null(texts.type):
        texts = texts.cast(pa.string())
    if texts.null_count > len(texts) // 2:
        # A sparse column (pauses, times of open tickets): read only its values.
        given = pc.is_valid(texts)
        read = read_times(pc.filter(texts, given), time_format, zone, ambiguous)
        seconds = pc.replace_with_mask(pa.nulls(len(texts), pa.int64()), given, read.seconds)
        codes = pc.replace_with_mask(
            pc.cast(pc.fill_null(pa.nulls(len(texts), pa.int8()), READABLE), pa.int8()),
            given,
            read.codes,
        )
        return ReadTimes(seconds, codes)
    if time_format == ISO:
        wall, offset = _iso_parts(texts)
    else:
        wall, offset = _pattern_parts(texts, time_format), pa.nulls(len(texts), pa.int64())
    local, in_gap, repeated = _localize(wall, zone, ambiguous)
    naive = pc.cast(wall, pa.int64())
    seconds = pc.if_else(pc.is_valid(offset), pc.subtract(naive, offset), local)
    has_offset = pc.is_valid(offset)
    in_gap = pc.and_(in_gap, pc.invert(has_offset))
    repeated = pc.and_(repeated, pc.invert(has_offset))
    return _finish(texts, seconds, in_gap, repeated)


def _finish(texts: pa.Array, seconds: pa.Array, in_gap: pa.Array, repeated: pa.Array) -> ReadTimes:
    unreadable = pc.and_(pc.is_valid(texts), pc.is_null(seconds))
    codes = pc.if_else(unreadable, UNREADABLE, READABLE)
    codes = pc.if_else(pc.fill_null(in_gap, False), IN_GAP, codes)
    codes = pc.if_else(pc.fill_null(repeated, False), REPEATED, codes)
    seconds = pc.if_else(pc.equal(codes, READABLE), seconds, pa.scalar(None, pa.int64()))
    return ReadTimes(seconds, pc.cast(codes, pa.int8()))


def _iso_parts(texts: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Wall-clock times (naive timestamps) and UTC offsets in seconds (null: none written)."""
    common = pc.fill_null(pc.match_substring_regex(texts, _COMMON), False)
    offset = pa.nulls(len(texts), pa.int64())
    if pc.all(pc.or_(common, pc.is_null(texts))).as_py():
        # The usual export: every time local and in the common form. Arrow's own ISO reader
        # reads the column at once, refusing it whole if any date does not exist (30
        # February); then the row-by-row path below finds which.
        try:
            return pc.cast(texts, pa.timestamp("s")), offset
        except pa.ArrowInvalid:
            pass
    wall_text = pc.if_else(common, _as_wall_text(texts), pa.scalar(None, pa.string()))
    other = pc.and_(pc.is_valid(texts), pc.invert(common))
    if pc.any(other).as_py():
        parts = pc.extract_regex(pc.filter(texts, other), _FULL)
        matched = pc.is_valid(parts)
        day, clock, second, zone = (pc.struct_field(parts, [i]) for i in range(4))
        second = pc.if_else(pc.equal(second, ""), "00", second)
        text = pc.binary_join_element_wise(day, "T", clock, ":", second, "")
        seconds, possible = _offset_seconds(zone)
        text = pc.if_else(pc.and_(matched, possible), text, pa.scalar(None, pa.string()))
        wall_text = pc.replace_with_mask(wall_text, other, text)
        offset = pc.replace_with_mask(offset, other, seconds)
    wall = pc.strptime(wall_text, format=_WALL, unit="s", error_is_null=True)
    day = pc.utf8_slice_codeunits(wall_text, 8, 10)
    second = pc.utf8_slice_codeunits(wall_text, 17, 19)
    return _exact(wall, day, second), offset


def _exact(wall: pa.Array, day: pa.Array | None, second: pa.Array | None) -> pa.Array:
    """`wall` with null where strptime rolled over instead of refusing: a day past the end of
    its month (30 February reads as 2 March) or a 60th or 61st second."""
    keep = pc.is_valid(wall)
    if day is not None:
        keep = pc.and_(keep, pc.equal(pc.day(wall), pc.cast(day, pa.int64())))
    if second is not None:
        keep = pc.and_(keep, pc.less(pc.cast(second, pa.int64()), 60))
    return pc.if_else(pc.fill_null(keep, False), wall, pa.scalar(None, wall.type))


def _pattern_parts(texts: pa.Array, pattern: str) -> pa.Array:
    """Wall-clock times of texts in a strptime pattern; null where a text does not fit it
    exactly (strptime alone would skip spaces, and roll 30 February over to March)."""
    regex = pattern_regex(pattern)
    fits = pc.fill_null(pc.match_substring_regex(texts, regex), False)
    fitting = pc.if_else(fits, texts, pa.scalar(None, pa.string()))
    wall = pc.strptime(fitting, format=pattern, unit="s", error_is_null=True)
    # strptime rolls a day past the end of its month over to day 1, 2 or 3 of the next (30
    # February is 2 March) and a 60th second to the next minute: only such rows are read
    # again, to compare with the day and second as written.
    suspect = pc.fill_null(pc.less_equal(pc.day(wall), 3), False)
    if "second" in regex:
        suspect = pc.or_(suspect, pc.fill_null(pc.equal(pc.second(wall), 0), False))
    if "?P<" not in regex or not pc.any(suspect).as_py():
        return wall
    parts = pc.extract_regex(pc.filter(texts, suspect), regex)
    names = [field.name for field in parts.type]
    day = pc.struct_field(parts, [names.index("day")]) if "day" in names else None
    second = pc.struct_field(parts, [names.index("second")]) if "second" in names else None
    checked = _exact(pc.filter(wall, suspect), day, second)
    return pc.replace_with_mask(wall, suspect, checked)


_DIRECTIVES = {
    "d": r"(?P<day>[0-9]{1,2})",
    "e": r"(?P<day> ?[0-9]{1,2})",
    "m": r"[0-9]{1,2}",
    "Y": r"[0-9]{4}",
    "y": r"[0-9]{2}",
    "H": r"[0-9]{1,2}",
    "I": r"[0-9]{1,2}",
    "M": r"[0-9]{2}",
    "S": r"(?P<second>[0-9]{2})",
    "p": r"(?:[AaPp][Mm])",
    "b": r"[A-Za-z]{3}",
    "h": r"[A-Za-z]{3}",
    "B": r"[A-Za-z]+",
    "%": "%",
}
DIRECTIVES = tuple(sorted(_DIRECTIVES))
"""The strptime directives a profile's time_format may use."""


def pattern_regex(pattern: str) -> str:
    """A regular expression a text must match in full to be read by `pattern`; ValueError
    names a directive that is not in DIRECTIVES (or a pattern that ends in %)."""
    out, rest = ["^"], pattern
    while rest:
        at = rest.find("%")
        if at < 0:
            out.append(re.escape(rest))
            break
        out.append(re.escape(rest[:at]))
        directive = rest[at + 1 : at + 2]
        if directive not in _DIRECTIVES:
            raise ValueError(f"%{directive}")
        if "?P<day>" in _DIRECTIVES[directive] and "?P<day>" in "".join(out):
            raise ValueError(f"%{directive} twice")
        out.append(_DIRECTIVES[directive])
        rest = rest[at + 2 :]
    out.append("$")
    return "".join(out)


def _as_wall_text(texts: pa.Array) -> pa.Array:
    """`YYYY-MM-DD HH:MM[:SS]` as `YYYY-MM-DDTHH:MM:SS`."""
    text = pc.utf8_replace_slice(texts, start=10, stop=11, replacement="T")
    short = pc.equal(pc.utf8_length(text), 16)
    return pc.if_else(short, pc.binary_join_element_wise(text, ":00", ""), text)


def _offset_seconds(zone: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Seconds east of UTC of each offset text (null where none is written), and whether each
    is a possible offset (under 24 hours, under 60 minutes)."""
    parts = pc.extract_regex(zone, _OFFSET)
    sign = pc.if_else(pc.equal(pc.struct_field(parts, [0]), "-"), -1, 1)
    hours = pc.cast(pc.struct_field(parts, [1]), pa.int64())
    minutes_text = pc.struct_field(parts, [2])
    minutes = pc.cast(pc.if_else(pc.equal(minutes_text, ""), "0", minutes_text), pa.int64())
    seconds = pc.multiply(sign, pc.add(pc.multiply(hours, 3600), pc.multiply(minutes, 60)))
    possible = pc.and_(pc.less(hours, 24), pc.less(minutes, 60))
    utc = pc.is_in(zone, pa.array(["Z", "z"]))
    seconds = pc.if_else(utc, 0, seconds)
    possible = pc.or_(utc, pc.fill_null(possible, True))
    written = pc.not_equal(zone, "")
    return pc.if_else(written, seconds, pa.scalar(None, pa.int64())), possible


def _localize(
    wall: pa.Array, zone: ZoneInfo, ambiguous: Ambiguous
) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Epoch seconds of wall-clock times in `zone`, and which fall in the spring gap and which
    in the repeated autumn hour (taken as `ambiguous` says, or left to be refused). Only the
    rows on a day the zone changes its offset are looked at twice."""
    earliest = _assume(wall, zone, "earliest", "earliest")
    none = falses(len(wall))
    near = _on_change_days(wall, zone)
    if near is None:
        return earliest, none, none
    some = pc.filter(wall, near)
    first = pc.filter(earliest, near)
    last = _assume(some, zone, "latest", "latest")
    differ = pc.fill_null(pc.not_equal(first, last), False)
    # Only the handling of the gap differs between these two, so where they differ is a gap.
    in_gap = pc.fill_null(pc.not_equal(first, _assume(some, zone, "earliest", "latest")), False)
    repeated = pc.and_(differ, pc.invert(in_gap))
    if ambiguous == "later":
        earliest = pc.replace_with_mask(earliest, near, last)
    if ambiguous != "reject":
        repeated = pc.and_(repeated, False)
    return (
        earliest,
        pc.replace_with_mask(none, near, in_gap),
        pc.replace_with_mask(none, near, repeated),
    )


def _on_change_days(wall: pa.Array, zone: ZoneInfo) -> pa.Array | None:
    """Which wall-clock times fall on a local day during which `zone` changes its UTC offset;
    None when none does."""
    days = pc.cast(wall, pa.date32())
    bounds = pc.min_max(days).as_py()
    if bounds["min"] is None:
        return None
    changes = []
    day = bounds["min"]
    while day <= bounds["max"]:
        noon = datetime(day.year, day.month, day.day, 12, tzinfo=zone)
        if (noon - _HALF_DAY).utcoffset() != (noon + _HALF_DAY).utcoffset():
            changes.append(day)
        day += timedelta(days=1)
    if not changes:
        return None
    near = pc.fill_null(pc.is_in(days, value_set=pa.array(changes, pa.date32())), False)
    return near if pc.any(near).as_py() else None


_HALF_DAY = timedelta(hours=13)
"""From local noon, 13 hours either way covers the whole local day, whatever its offset."""


def _assume(wall: pa.Array, zone: ZoneInfo, ambiguous: str, nonexistent: str) -> pa.Array:
    aware = pc.assume_timezone(
        wall, timezone=zone.key, ambiguous=ambiguous, nonexistent=nonexistent
    )
    return pc.cast(aware, pa.int64())


def write_times(seconds: pa.Array, zone: ZoneInfo) -> pa.Array:
    """Epoch seconds as local time text in `zone`, `2026-11-23T16:00:00`; in the repeated
    autumn hour with its offset, `2026-10-25T02:30:00+01:00`; null stays null."""
    if seconds.null_count > len(seconds) // 2:
        given = pc.is_valid(seconds)
        texts = write_times(pc.filter(seconds, given), zone)
        return pc.replace_with_mask(pa.nulls(len(seconds), pa.string()), given, texts)
    aware = pc.cast(pc.cast(seconds, pa.timestamp("s")), pa.timestamp("s", zone.key))
    wall = pc.local_timestamp(aware)
    text = pc.utf8_replace_slice(pc.cast(wall, pa.string()), start=10, stop=11, replacement="T")
    near = _on_change_days(wall, zone)
    if near is None:
        return text
    some = pc.filter(wall, near)
    first = _assume(some, zone, "earliest", "earliest")
    second = _assume(some, zone, "latest", "latest")
    twice = pc.replace_with_mask(
        falses(len(wall)), near, pc.fill_null(pc.not_equal(first, second), False)
    )
    if pc.any(twice).as_py():
        offsets = pc.strftime(pc.filter(aware, twice), format="%Ez")
        with_offset = pc.binary_join_element_wise(pc.filter(text, twice), offsets, "")
        text = pc.replace_with_mask(text, twice, with_offset)
    return text


def falses(size: int) -> pa.Array:
    """A boolean column of `size` rows, all false."""
    return pc.fill_null(pa.nulls(size, pa.bool_()), False)


def as_array(column: Any) -> pa.Array:
    """One array from a column of a RecordBatch (an Array) or a Table (a ChunkedArray)."""
    if isinstance(column, pa.ChunkedArray):
        return column.combine_chunks()
    return column
