"""Instants as users write them, and as the engine writes them back.

Input is ISO 8601 with a date and a time to the minute or second: `2026-11-23T16:00`,
`2026-11-23 16:00`, `2026-11-23T15:00Z`, `2026-11-23T16:00+01:00`. A time with an offset is
taken as given. A time without one is local time in the zone (Europe/Amsterdam by default);
a local time that does not exist (the spring-forward gap) or happens twice (the autumn
fall-back) is refused, because guessing would move a deadline by an hour.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from engine.errors import InputError

DEFAULT_ZONE = ZoneInfo("Europe/Amsterdam")
_FORM = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([Zz]|[+-]\d{2}:\d{2})?$"
)
_EXAMPLE = "write e.g. 2026-11-23T16:00, 2026-11-23T15:00Z or 2026-11-23T16:00+01:00"


def parse_time(text: str, zone: ZoneInfo | None = None) -> datetime:
    """An aware datetime from ISO 8601 text; local times are read in `zone`."""
    zone = zone or DEFAULT_ZONE
    cleaned = text.strip() if isinstance(text, str) else ""
    if not _FORM.match(cleaned):
        raise InputError.at(f"{text!r} is not a date and time; {_EXAMPLE}")
    try:
        value = datetime.fromisoformat(cleaned.upper().replace(" ", "T"))
    except ValueError:
        raise InputError.at(f"{text!r} is not a valid date and time; {_EXAMPLE}") from None
    if value.tzinfo is not None:
        return value
    return _localize(value, zone, cleaned)


def _localize(wall: datetime, zone: ZoneInfo, text: str) -> datetime:
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


def parse_interval(text: str, zone: ZoneInfo | None = None) -> tuple[datetime, datetime]:
    """`FROM/TO`, both as parse_time reads them; TO before FROM is an InputError."""
    parts = text.split("/") if isinstance(text, str) else []
    if len(parts) != 2:
        raise InputError.at(
            f"{text!r} is not an interval; write FROM/TO, e.g. 2026-11-23T16:00/2026-11-24T10:00"
        )
    start, end = parse_time(parts[0], zone), parse_time(parts[1], zone)
    if end < start:
        raise InputError.at(f"{text!r} ends before it starts; write FROM/TO with FROM first")
    return start, end
