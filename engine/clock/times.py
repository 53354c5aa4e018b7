"""Instants as users write them, and as the engine writes them back.

Input is ISO 8601 with a date and a time to the minute or second, as people and helpdesk tools
write it: `2026-11-23T16:00`, `2026-11-23 16:00`, `2026-11-23T15:00Z`,
`2026-11-23T16:00+01:00`, `2021-02-11T06:32:36.303+0000` (TOPdesk), `2026-11-23 16:00:00 +0100`.
Fractional seconds are read and cut to the whole second, as the engine counts service time
in seconds (a TOPdesk `.303` would otherwise show as `59m59s`); an offset may be `Z`,
`+HH:MM`, `+HHMM` or `+HH`, with or without one space before it. A time with an offset is
taken as given. A time without one is local time in the zone (Europe/Amsterdam by default).
A local time that does not exist (the spring-forward gap) is refused; one that happens twice
(the autumn fall-back) is refused too, unless the caller says which of the two is meant
(`ambiguous="earlier"` or `"later"`), because guessing would move a deadline by an hour.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Literal, get_args
from zoneinfo import ZoneInfo

from engine.errors import InputError

DEFAULT_ZONE = ZoneInfo("Europe/Amsterdam")
Ambiguous = Literal["earlier", "later", "reject"]
"""What a local time in the repeated autumn hour means: the first pass, the second, or an error."""
AMBIGUOUS_CHOICES: tuple[str, ...] = get_args(Ambiguous)

_FORM = re.compile(
    r"^(?P<day>\d{4}-\d{2}-\d{2})[Tt ](?P<clock>\d{2}:\d{2}(?::\d{2})?)"
    r"(?:[.,](?P<fraction>\d+))?"
    r" ?(?P<zone>[Zz]|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)?$"
)
_EXAMPLE = "write e.g. 2026-11-23T16:00, 2026-11-23T15:00Z or 2026-11-23T16:00+01:00"


def parse_time(
    text: str, zone: ZoneInfo | None = None, ambiguous: Ambiguous = "reject"
) -> datetime:
    """An aware datetime from ISO 8601 text; local times are read in `zone`, and a local time
    in the repeated autumn hour as `ambiguous` says (refused by default)."""
    zone = zone or DEFAULT_ZONE
    cleaned = text.strip() if isinstance(text, str) else ""
    match = _FORM.match(cleaned)
    if not match or (match["fraction"] and len(match["clock"]) != 8):
        raise InputError.at(f"{text!r} is not a date and time; {_EXAMPLE}")
    try:
        value = datetime.fromisoformat(_normal_form(match))
    except ValueError:
        raise InputError.at(f"{text!r} is not a valid date and time; {_EXAMPLE}") from None
    if value.tzinfo is not None:
        return value
    return _localize(value, zone, cleaned, ambiguous)


def _normal_form(match: re.Match[str]) -> str:
    """The matched text in the one form `datetime.fromisoformat` reads on every Python:
    `T`, no fraction (cut, not rounded), offset as `+HH:MM`."""
    out = f"{match['day']}T{match['clock']}"
    offset = match["zone"]
    if offset in ("Z", "z"):
        out += "+00:00"
    elif offset:
        digits = offset[1:].replace(":", "")
        out += f"{offset[0]}{digits[:2]}:{digits[2:] or '00'}"
    return out


def _localize(wall: datetime, zone: ZoneInfo, text: str, ambiguous: Ambiguous) -> datetime:
    first, second = wall.replace(tzinfo=zone, fold=0), wall.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    # The two readings differ, so this wall time is at a DST change: either it never shows on
    # the clock (the round trip through UTC lands elsewhere) or it shows twice.
    offsets = [_offset_text(first), _offset_text(second)]
    on_clock = first.astimezone(UTC).astimezone(zone)
    if on_clock.replace(tzinfo=None) != wall:
        raise InputError.at(
            f"{text!r} does not exist in {zone.key}: the clocks skip that hour (daylight saving "
            f"time starts); give a time that exists, or an offset: {text}{offsets[0]} is "
            f"{on_clock:%H:%M} on the clock"
        )
    if ambiguous != "reject":
        # With the offset it has, not the zone: a datetime in the fold compares unequal to
        # every datetime of another zone (PEP 495), so it would not equal its own instant.
        chosen = first if ambiguous == "earlier" else second
        offset = chosen.utcoffset()
        assert offset is not None
        return wall.replace(tzinfo=timezone(offset))
    raise InputError.at(
        f"{text!r} is ambiguous in {zone.key}: the clocks go back and that hour happens twice; "
        f"give an offset, e.g. {text}{offsets[0]} (the first) or {offsets[1]} (the second)"
    )


def _offset_text(moment: datetime) -> str:
    return moment.isoformat()[-6:]


def format_time(moment: datetime) -> str:
    """ISO 8601 with seconds and offset: `2026-11-24T16:00:00+01:00` (sub-seconds dropped)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment} has no time zone; the engine writes only aware times")
    return moment.isoformat(timespec="seconds")


def parse_interval(
    text: str, zone: ZoneInfo | None = None, ambiguous: Ambiguous = "reject"
) -> tuple[datetime, datetime]:
    """`FROM/TO`, both as parse_time reads them; TO before FROM is an InputError."""
    parts = text.split("/") if isinstance(text, str) else []
    if len(parts) != 2:
        raise InputError.at(
            f"{text!r} is not an interval; write FROM/TO, e.g. 2026-11-23T16:00/2026-11-24T10:00"
        )
    start, end = parse_time(parts[0], zone, ambiguous), parse_time(parts[1], zone, ambiguous)
    if end < start:
        raise InputError.at(f"{text!r} ends before it starts; write FROM/TO with FROM first")
    return start, end


# -- whole epoch seconds to and from text, fast (batch evaluation's hot path) ------------------

_CLOCK = {f"{h:02d}:{m:02d}": h * 3600 + m * 60 for h in range(24) for m in range(60)}
_SECONDS = {f"{s:02d}": s for s in range(60)}
_MM_SS = tuple(f"{m:02d}:{s:02d}" for m in range(60) for s in range(60))
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_SECOND = timedelta(seconds=1)
_CACHE_LIMIT = 100_000  # days or hours remembered; beyond, each is worked out again


class EpochTimes:
    """Local times of one zone as whole seconds since the epoch, read and written fast.

    `read` takes the common form of a local time, `YYYY-MM-DDTHH:MM` or `…THH:MM:SS` (`T` or a
    space), on a day the zone keeps one UTC offset, and gives the instant parse_time gives;
    any other text (an offset, a DST-change day, a date that does not exist, spaces) gives
    None, and the caller asks parse_time, which accepts it or says what is wrong.
    `write` gives format_time of the instant in the zone. Both remember what they worked out
    per local date and per hour, so a row costs a few dictionary look-ups.
    """

    __slots__ = ("_days", "_hours", "zone")

    def __init__(self, zone: ZoneInfo | None = None) -> None:
        self.zone = zone or DEFAULT_ZONE
        self._days: dict[str, int | None] = {}  # date -> epoch second of its local 00:00
        self._hours: dict[int, tuple[str, str] | None] = {}  # epoch hour -> text around MM:SS

    def read(self, text: str) -> int | None:
        """The epoch second of a local time in the common form; None for any other text."""
        day = self._days.get(text[:10])
        if day is None:
            day = self._day(text[:10])
            if day is None:
                return None
        if text[10:11] not in ("T", " "):
            return None
        size = len(text)
        if size == 16:
            clock = _CLOCK.get(text[11:])
            return None if clock is None else day + clock
        if size == 19 and text[16] == ":":
            clock, second = _CLOCK.get(text[11:16]), _SECONDS.get(text[17:])
            if clock is None or second is None:
                return None
            return day + clock + second
        return None

    def _day(self, text: str) -> int | None:
        """Local midnight of the date `text` in epoch seconds; None when the date is not
        `YYYY-MM-DD`, does not exist, or the zone changes its UTC offset during it."""
        if text in self._days:
            return None
        found = None
        if (
            len(text) == 10
            and text.isascii()
            and text[4] == text[7] == "-"
            and (text[:4] + text[5:7] + text[8:]).isdigit()
        ):
            try:
                day = date.fromisoformat(text)
                noon = datetime(day.year, day.month, day.day, 12, tzinfo=self.zone)
                before, after = noon - timedelta(hours=13), noon + timedelta(hours=13)
                offset = noon.utcoffset()
                if offset is not None and before.utcoffset() == offset == after.utcoffset():
                    found = (day.toordinal() - _EPOCH_ORDINAL) * 86_400 - offset // _SECOND
            except (ValueError, OverflowError):
                pass
        if len(self._days) < _CACHE_LIMIT:
            self._days[text] = found
        return found

    def write(self, second: int) -> str:
        """format_time of the instant `second` (epoch seconds) in the zone."""
        hour, rest = divmod(second, 3600)
        around = self._hours.get(hour)
        if around is None:
            around = self._hour(hour)
            if around is None:
                return format_time(datetime.fromtimestamp(second, self.zone))
        return around[0] + _MM_SS[rest] + around[1]

    def _hour(self, hour: int) -> tuple[str, str] | None:
        """The text before and after `MM:SS` for the instants of one hour (epoch seconds
        hour * 3600 …), or None when they do not share it (an offset that is not whole hours,
        a change of offset within the hour)."""
        if hour in self._hours:
            return None
        first = datetime.fromtimestamp(hour * 3600, self.zone)
        last = datetime.fromtimestamp(hour * 3600 + 3599, self.zone)
        found = None
        if first.utcoffset() == last.utcoffset() and first.minute == first.second == 0:
            text = format_time(first)
            found = (text[:14], text[19:])
        if len(self._hours) < _CACHE_LIMIT:
            self._hours[hour] = found
        return found

    def local(self, second: int) -> datetime:
        """The instant as an aware datetime in the zone."""
        return datetime.fromtimestamp(second, self.zone)

    def epoch(self, moment: datetime) -> int:
        """The epoch second of an aware datetime; sub-seconds are dropped."""
        return (moment - _EPOCH) // _SECOND


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
