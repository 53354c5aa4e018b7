"""A deliberately slow, obviously correct service clock, to check engine.clock.business_time
against.

It walks real time one minute at a time and asks of each minute: does the wall clock in
Europe/Amsterdam show a time inside a window of that local date? The windows come straight
from the rule files and the holiday set straight from the `holidays` package; nothing here uses
the engine's compiled intervals. Starts and durations must be whole minutes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import yaml

RULES = Path(__file__).resolve().parent.parent / "rules" / "calendars"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTE = timedelta(minutes=1)


def rule(name: str) -> dict[str, Any]:
    """A shipped calendar rule file, as plain data."""
    with (RULES / f"{name}.yaml").open(encoding="utf-8") as f:
        data: dict[str, Any] = yaml.safe_load(f)
    return data


def _minutes(text: str) -> tuple[int, int]:
    start, end = text.split("-")
    h1, m1 = start.split(":")
    h2, m2 = end.split(":")
    return int(h1) * 60 + int(m1), int(h2) * 60 + int(m2)


class ReferenceClock:
    """Office hours from `kantooruren.yaml`, optionally widened by `avond-weekend.yaml`."""

    def __init__(self, with_aws: bool) -> None:
        self.base = rule("kantooruren")
        self.ext = rule("avond-weekend") if with_aws else None
        self.zone = ZoneInfo(self.base["timezone"])

    @cache  # noqa: B019 - a handful of long-lived instances in tests
    def _closed_holiday(self, day: date) -> bool:
        spec = self.base["holidays"]
        table = holidays.country_holidays(
            spec["country"], language=spec["language"], years=day.year
        )
        names = table.get_list(day)
        extra = {str(d) for d in spec["extra_closed"]}
        return str(day) in extra or any(n not in spec["keep_open"] for n in names)

    @cache  # noqa: B019
    def windows(self, day: date) -> tuple[tuple[int, int], ...]:
        name = DAYS[day.weekday()]
        if self._closed_holiday(day):
            texts = self.ext["holiday_windows"]["windows"] if self.ext else []
        else:
            texts = self.base["weekly"][name] + (self.ext["weekly"][name] if self.ext else [])
        return tuple(_minutes(t) for t in texts)

    def minute_is_open(self, minute_start: datetime) -> bool:
        local = minute_start.astimezone(self.zone)
        clock = local.hour * 60 + local.minute
        return any(a <= clock < b for a, b in self.windows(local.date()))

    def deadline(self, start: datetime, minutes: int) -> datetime:
        """Step until `minutes` open minutes are counted; the deadline is the end of the last."""
        t = start.astimezone(UTC)
        if minutes == 0:
            while not self.minute_is_open(t):
                t += MINUTE
            return t
        counted = 0
        while True:
            if self.minute_is_open(t):
                counted += 1
                if counted == minutes:
                    return t + MINUTE
            t += MINUTE

    def elapsed_minutes(self, start: datetime, end: datetime) -> int:
        t, stop, counted = start.astimezone(UTC), end.astimezone(UTC), 0
        while t < stop:
            counted += self.minute_is_open(t)
            t += MINUTE
        return counted
