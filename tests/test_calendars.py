"""engine.clock.calendars: the shipped calendar rules turned into calendars (D-2, D-3)."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engine.clock.business_time import deadline, elapsed, is_open, open_segments
from engine.clock.calendars import build_calendar
from engine.errors import ValidationError
from tests.reference_clock import rule

AMS = ZoneInfo("Europe/Amsterdam")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMS)  # type: ignore[misc]


def office(**holidays: Any) -> dict[str, Any]:
    data = copy.deepcopy(rule("kantooruren"))
    data["holidays"].update(holidays)
    return data


@pytest.mark.parametrize(
    "day",
    [at(2026, 4, 27), at(2026, 12, 25), at(2026, 4, 6), at(2026, 5, 14), at(2027, 1, 1)],
    ids=["koningsdag", "eerste-kerstdag", "tweede-paasdag", "hemelvaart", "nieuwjaar-2027"],
)
def test_public_holidays_are_closed_days(day: datetime) -> None:
    cal = build_calendar(rule("kantooruren"))
    assert elapsed(day, day + timedelta(days=1), cal) == timedelta(0)


def test_an_ordinary_weekday_is_open_nine_to_five() -> None:
    cal = build_calendar(rule("kantooruren"))
    day = at(2026, 4, 28)
    assert elapsed(day, day + timedelta(days=1), cal) == timedelta(hours=8)


def test_a_holiday_listed_under_keep_open_is_worked() -> None:
    cal = build_calendar(office(keep_open=["Koningsdag"]))
    assert is_open(at(2026, 4, 27, 12), cal)
    assert not is_open(at(2026, 12, 25, 12), cal)


def test_extra_closed_dates_are_closed() -> None:
    cal = build_calendar(office(extra_closed=["2026-12-24"]))
    assert not is_open(at(2026, 12, 24, 12), cal)
    assert is_open(at(2026, 12, 23, 12), cal)


def test_a_keep_open_name_that_is_no_holiday_is_an_error_with_a_suggestion() -> None:
    with pytest.raises(ValidationError, match="did you mean 'Koningsdag'"):
        build_calendar(office(keep_open=["Koningdag"]))


def test_holidays_are_computed_for_the_years_queried() -> None:
    cal = build_calendar(rule("kantooruren"))
    # Koningsdag 2035 is a Friday, Tweede kerstdag 2040 a Wednesday.
    assert not is_open(at(2035, 4, 27, 12), cal)
    assert is_open(at(2035, 4, 26, 12), cal)
    assert not is_open(at(2040, 12, 26, 12), cal)


def test_the_extension_adds_its_weekly_windows() -> None:
    cal = build_calendar(rule("kantooruren"), [rule("avond-weekend")])
    assert is_open(at(2026, 11, 23, 21, 59), cal)
    assert not is_open(at(2026, 11, 23, 22), cal)
    assert is_open(at(2026, 11, 28, 10), cal)
    assert not is_open(at(2026, 11, 28, 16), cal)


def test_d3_a_holiday_on_a_weekday_gets_the_weekend_window_under_aws() -> None:
    cal = build_calendar(rule("kantooruren"), [rule("avond-weekend")])
    day = at(2026, 4, 27)  # Koningsdag, a Monday
    segments = open_segments(day, day + timedelta(days=1), cal)
    assert [(s.start, s.end) for s in segments] == [(at(2026, 4, 27, 10), at(2026, 4, 27, 16))]
    # Kerst on Friday 2026-12-25: no evening window either, only 10:00-16:00.
    assert deadline(at(2026, 12, 24, 21), timedelta(hours=2), cal) == at(2026, 12, 25, 11)


def test_building_the_same_rules_twice_returns_the_cached_calendar() -> None:
    assert build_calendar(rule("kantooruren")) is build_calendar(rule("kantooruren"))
    assert build_calendar(rule("kantooruren")) is not build_calendar(
        rule("kantooruren"), [rule("avond-weekend")]
    )


def test_a_malformed_window_is_a_validation_error_naming_the_key() -> None:
    data = rule("kantooruren")
    data["weekly"]["mon"] = ["9:00-17:00"]
    with pytest.raises(ValidationError, match=r"calendars.kantooruren.weekly.mon\[0\]"):
        build_calendar(data)
    data["weekly"]["mon"] = ["17:00-09:00"]
    with pytest.raises(ValidationError, match="end after start"):
        build_calendar(data)


def test_a_window_may_end_at_2400() -> None:
    data = rule("kantooruren")
    data["weekly"]["mon"] = ["20:00-24:00"]
    data["weekly"]["tue"] = ["00:00-02:00"]
    cal = build_calendar(data)
    (segment,) = open_segments(at(2026, 11, 23), at(2026, 11, 25), cal)
    assert (segment.start, segment.end) == (at(2026, 11, 23, 20), at(2026, 11, 24, 2))


def test_an_extension_of_another_base_is_refused() -> None:
    ext = rule("avond-weekend")
    ext["extends"] = "iets-anders"
    with pytest.raises(ValidationError, match="extends"):
        build_calendar(rule("kantooruren"), [ext])


def test_an_unknown_time_zone_is_a_validation_error() -> None:
    data = rule("kantooruren")
    data["timezone"] = "Europe/Amsterdm"
    with pytest.raises(ValidationError, match="not a time zone"):
        build_calendar(data)
