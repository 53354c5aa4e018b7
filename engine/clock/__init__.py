"""The service clock: calendars compiled from the rules, business time (adding and counting service
hours), and reading and writing times and durations.

Public names are imported on first use (engine/_lazy.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine._lazy import surface

_NAMES = {
    "Calendar": ".business_time",
    "build_calendar": ".calendars",
    "DEFAULT_ZONE": ".times",
    "parse_time": ".times",
    "parse_interval": ".times",
    "format_time": ".times",
    "parse_duration": ".durations",
}
__all__ = [
    "DEFAULT_ZONE",
    "Calendar",
    "build_calendar",
    "format_time",
    "parse_duration",
    "parse_interval",
    "parse_time",
]
__getattr__, __dir__ = surface(__name__, _NAMES)

if TYPE_CHECKING:
    from engine.clock.business_time import Calendar
    from engine.clock.calendars import build_calendar
    from engine.clock.durations import parse_duration
    from engine.clock.times import DEFAULT_ZONE, format_time, parse_interval, parse_time
