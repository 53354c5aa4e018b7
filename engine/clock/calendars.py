"""Build a business-time `Calendar` from the calendar rules (rules/calendars/*.yaml).

A base calendar (office hours) has weekly windows and public holidays (D-2): the holidays of
its country, in its language, are closed days, except names listed under `keep_open`; dates
under `extra_closed` are closed too. An extension (evening and weekend service, AWS) adds its
weekly windows; on a day the base keeps closed (a holiday or an extra closed date) it opens its
`holiday_windows` instead of its weekday windows (D-3). An extension without `holiday_windows`
stays closed on those days.

Holidays are looked up only for the years a calendar is asked about, and built calendars are
cached, so a deadline never rebuilds one.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Mapping, Sequence
from datetime import date
from difflib import get_close_matches
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine.clock.business_time import Calendar, Window
from engine.errors import Location, Problem, ValidationError

_NAME_CHECK_YEARS = range(2026, 2031)
# (country, language, year) -> {day: holiday names}: each year is asked of the holidays
# package once per process; engine/rules/cache.py keeps a filled table between runs.
HOLIDAY_NAMES: dict[tuple[str, str | None, int], dict[date, list[str]]] = {}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WINDOW = re.compile(r"^(\d\d):(\d\d)-(\d\d):(\d\d)$")


def build_calendar(
    base: Mapping[str, Any], extensions: Sequence[Mapping[str, Any]] = ()
) -> Calendar:
    """The calendar of `base` widened by each extension; the same rules give the same object."""
    # Fast path for hot loops (batch evaluation): the same rule dicts, by identity, give the
    # cached calendar without serialising them again. The entry keeps the dicts alive, so an
    # id is never reused by another dict while it is cached; rule dicts are never mutated.
    ident = (id(base), *map(id, extensions))
    hit = _BY_IDENTITY.get(ident)
    if hit is not None and hit[0] is base and all(map(operator.is_, hit[1], extensions)):
        return hit[2]
    key = json.dumps([base, list(extensions)], sort_keys=True, default=str)
    calendar = _build(key)
    if len(_BY_IDENTITY) < _IDENTITY_CACHE_SIZE:
        _BY_IDENTITY[ident] = (base, tuple(extensions), calendar)
    return calendar


_IDENTITY_CACHE_SIZE = 256
_BY_IDENTITY: dict[
    tuple[int, ...], tuple[Mapping[str, Any], tuple[Mapping[str, Any], ...], Calendar]
] = {}


@lru_cache(maxsize=64)
def _build(key: str) -> Calendar:
    base, extensions = json.loads(key)
    cal_id = base.get("id", "?")
    zone = _zone(base, cal_id)
    weekly = _weekly(base, cal_id)
    holiday_windows: list[Window] = []
    for ext in extensions:
        ext_id = ext.get("id", "?")
        if ext.get("extends") not in (None, cal_id):
            raise _invalid(f"extends {ext['extends']!r}, not {cal_id!r}", ext_id, "extends")
        if ext.get("timezone", zone.key) != zone.key:
            raise _invalid(f"its zone differs from {cal_id}'s {zone.key}", ext_id, "timezone")
        for day, windows in _weekly(ext, ext_id).items():
            weekly[day].extend(windows)
        spec = ext.get("holiday_windows") or {}
        holiday_windows += _windows(spec.get("windows", []), ext_id, "holiday_windows.windows")
    closed = _ClosedDays(base.get("holidays"), cal_id)
    overrides_windows = tuple(holiday_windows)

    def overrides(year: int) -> dict[date, tuple[Window, ...]]:
        return dict.fromkeys(closed.in_year(year), overrides_windows)

    name = "+".join([cal_id, *(ext.get("id", "?") for ext in extensions)])
    return Calendar(zone, weekly, overrides, name=name)


class _ClosedDays:
    """Public holidays not kept open, plus extra closed dates, for any year on demand."""

    def __init__(self, spec: Mapping[str, Any] | None, cal_id: str) -> None:
        spec = spec or {}
        self.cal_id = cal_id
        self.country: str | None = spec.get("country")
        self.language: str | None = spec.get("language")
        self.keep_open = frozenset(spec.get("keep_open", []))
        self.extra = {_date(d, cal_id, i) for i, d in enumerate(spec.get("extra_closed", []))}
        if self.country is not None:
            self._check_names()

    def _check_names(self) -> None:
        # Names are checked over a fixed run of five years, so that holidays held once a
        # lustrum (NL's Bevrijdingsdag) are known and the check does not change with today's
        # date; a typo would otherwise silently close the day.
        known = {n for names in self._names(_NAME_CHECK_YEARS).values() for n in names}
        for name in sorted(self.keep_open - known):
            hint = get_close_matches(name, known, n=1)
            fix = f"; did you mean {hint[0]!r}?" if hint else f"; known: {', '.join(sorted(known))}"
            raise _invalid(
                f"{name!r} is not a holiday of {self.country}{fix}",
                self.cal_id,
                "holidays.keep_open",
            )

    def _names(self, years: range) -> dict[date, list[str]]:
        return holiday_names(str(self.country), self.language, years, self.cal_id)

    def in_year(self, year: int) -> set[date]:
        closed = {d for d in self.extra if d.year == year}
        if self.country is not None:
            for day, names in self._names(range(year, year + 1)).items():
                # A day with two holidays stays closed unless both are kept open.
                if any(n not in self.keep_open for n in names):
                    closed.add(day)
        return closed


def holiday_names(
    country: str, language: str | None, years: range, cal_id: str = "?"
) -> dict[date, list[str]]:
    """The public holidays of `country` in `years`, by day, named in `language`."""
    missing = [y for y in years if (country, language, y) not in HOLIDAY_NAMES]
    if missing:
        import holidays  # a tenth of a second and more: only for a year not in HOLIDAY_NAMES

        try:
            table = holidays.country_holidays(country, language=language, years=missing)
        except NotImplementedError:
            raise _invalid(
                f"the holidays package does not know country {country!r}; write e.g. NL",
                cal_id,
                "holidays.country",
            ) from None
        found: dict[int, dict[date, list[str]]] = {year: {} for year in missing}
        for day in table:
            found.setdefault(day.year, {})[day] = table.get_list(day)
        for year in missing:
            HOLIDAY_NAMES[(country, language, year)] = found[year]
    return {d: n for y in years for d, n in HOLIDAY_NAMES[(country, language, y)].items()}


def _zone(rule: Mapping[str, Any], cal_id: str) -> ZoneInfo:
    try:
        return ZoneInfo(rule["timezone"])
    except (KeyError, ZoneInfoNotFoundError, ValueError):
        raise _invalid(
            f"{rule.get('timezone')!r} is not a time zone; write e.g. Europe/Amsterdam",
            cal_id,
            "timezone",
        ) from None


def _weekly(rule: Mapping[str, Any], cal_id: str) -> dict[int, list[Window]]:
    spec = rule.get("weekly") or {}
    for day in spec:
        if day not in WEEKDAYS:
            raise _invalid(f"{day!r} is not a weekday; use {', '.join(WEEKDAYS)}", cal_id, "weekly")
    return {
        i: _windows(spec.get(day, []), cal_id, f"weekly.{day}") for i, day in enumerate(WEEKDAYS)
    }


def _windows(texts: Sequence[str], cal_id: str, path: str) -> list[Window]:
    return [_window(text, cal_id, f"{path}[{i}]") for i, text in enumerate(texts)]


def _window(text: str, cal_id: str, path: str) -> Window:
    match = _WINDOW.match(str(text))
    if match:
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if h1 < 24 and m1 < 60 and m2 < 60 and start < end <= 1440:
            return Window(start, end)
    raise _invalid(
        f"{text!r} is not a window; write e.g. 09:00-17:00 (end after start, at most 24:00)",
        cal_id,
        path,
    )


def _date(value: object, cal_id: str, index: int) -> date:
    try:
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        raise _invalid(
            f"{value!r} is not a date; write e.g. 2026-12-24",
            cal_id,
            f"holidays.extra_closed[{index}]",
        ) from None


def _invalid(message: str, cal_id: str, path: str) -> ValidationError:
    return ValidationError(Problem(message, Location(path=f"calendars.{cal_id}.{path}")))
