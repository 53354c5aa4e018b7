"""Durations as written in the rules: `4h`, `30m`, `1h30m`.

Only hours and minutes: a service-level target is never finer than a minute, and a number
without a unit is refused because `8` could mean hours or minutes.
"""

from __future__ import annotations

import re
from datetime import timedelta

from engine.errors import InputError

_DURATION = re.compile(r"^(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?$")
MAX_HOURS, MAX_MINUTES = 10_000, 999
"""The largest duration parts: no service-time target is more than a few years of service
hours, and counting further would only make a deadline computation run for minutes."""

DURATION_PATTERN = r"^(?=\d)((?:10000|\d{1,4})h)?(\d{1,3}m)?$"
"""The same grammar as a JSON Schema pattern (the lookahead refuses the empty string)."""


def parse_duration(text: str) -> timedelta:
    """Read `4h`, `30m` or `1h30m`; anything else is an InputError that says how to write it."""
    match = _DURATION.match(text.strip()) if isinstance(text, str) else None
    if not match or not text.strip():
        raise InputError.at(f"{text!r} is not a duration; write e.g. 4h, 30m or 1h30m")
    hours_text, minutes_text = match["h"] or "0", match["m"] or "0"
    if len(hours_text) > 5 or int(hours_text) > MAX_HOURS or len(minutes_text) > 3:
        raise InputError.at(
            f"{text[:40]!r} is longer than a duration may be: at most {MAX_HOURS}h and "
            f"{MAX_MINUTES}m"
        )
    hours, minutes = int(hours_text), int(minutes_text)
    return timedelta(hours=hours, minutes=minutes)


def format_duration(value: timedelta) -> str:
    """The inverse of parse_duration for whole minutes: 90 minutes is `1h30m`, 0 is `0m`."""
    total_minutes, seconds = divmod(int(value.total_seconds()), 60)
    if seconds or value < timedelta(0):
        raise ValueError(f"{value} is not a whole, non-negative number of minutes")
    hours, minutes = divmod(total_minutes, 60)
    if hours and minutes:
        return f"{hours}h{minutes}m"
    if hours:
        return f"{hours}h"
    return f"{minutes}m"
