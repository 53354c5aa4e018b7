"""engine.clock.business_time: the service clock, checked against hand-worked examples, the shipped
rules and a slow minute-by-minute reference (tests/reference_clock.py)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.clock.business_time import (
    Calendar,
    Window,
    deadline,
    elapsed,
    is_open,
    next_opening,
    open_segments,
)
from engine.clock.calendars import build_calendar
from tests.reference_clock import ReferenceClock, rule

AMS = ZoneInfo("Europe/Amsterdam")
OFFICE = build_calendar(rule("kantooruren"))
AWS = build_calendar(rule("kantooruren"), [rule("avond-weekend")])
H = timedelta(hours=1)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMS)  # type: ignore[misc]


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def daily(start: int, end: int) -> Calendar:
    """A calendar open every day in one window (minutes after midnight), for DST cases."""
    return Calendar(AMS, {day: [Window(start, end)] for day in range(7)})


# -- the semantics in the module docstring, sentence by sentence -----------------------------


def test_an_instant_is_open_when_the_wall_clock_shows_a_time_inside_a_window() -> None:
    assert is_open(at(2026, 11, 23, 12), OFFICE)  # Monday noon
    assert not is_open(at(2026, 11, 23, 20), OFFICE)  # Monday evening
    assert not is_open(at(2026, 11, 28, 12), OFFICE)  # Saturday
    # 11:00 UTC is 12:00 in Amsterdam in winter: open, whatever zone the instant is given in.
    assert is_open(datetime(2026, 11, 23, 11, tzinfo=UTC), OFFICE)
    assert not is_open(datetime(2026, 11, 23, 7, 30, tzinfo=UTC), OFFICE)  # 08:30 local
    assert is_open(datetime(2026, 11, 23, 8, 30, tzinfo=UTC), OFFICE)  # 09:30 local


def test_windows_are_half_open_nine_is_open_and_five_is_closed() -> None:
    assert is_open(at(2026, 11, 23, 9), OFFICE)
    assert not is_open(at(2026, 11, 23, 8, 59, 59), OFFICE)
    assert is_open(at(2026, 11, 23, 16, 59, 59), OFFICE)
    assert not is_open(at(2026, 11, 23, 17), OFFICE)


@pytest.mark.parametrize(
    ("start", "opening"),
    [
        (at(2026, 11, 23, 23), at(2026, 11, 24, 9)),  # a report at 23:00 starts at 09:00
        (at(2026, 11, 24, 3), at(2026, 11, 24, 9)),  # at night
        (at(2026, 11, 28, 12), at(2026, 11, 30, 9)),  # on a Saturday
        (at(2026, 4, 27, 10), at(2026, 4, 28, 9)),  # on Koningsdag (Monday)
        (at(2026, 12, 24, 17), at(2026, 12, 28, 9)),  # Christmas Eve evening: Fri 25 is Kerst
        (at(2026, 11, 23, 17), at(2026, 11, 24, 9)),  # exactly at 17:00
    ],
)
def test_a_start_outside_open_hours_starts_at_the_next_opening(
    start: datetime, opening: datetime
) -> None:
    assert next_opening(start, OFFICE) == opening
    assert deadline(start, hours(1), OFFICE) == opening + H


def test_a_duration_that_runs_out_exactly_at_closing_is_due_at_closing() -> None:
    assert deadline(at(2026, 11, 23, 9), hours(8), OFFICE) == at(2026, 11, 23, 17)
    assert deadline(at(2026, 11, 23, 16), hours(9), OFFICE) == at(2026, 11, 24, 17)


def test_a_zero_duration_from_inside_open_time_is_the_start_itself() -> None:
    start = at(2026, 11, 23, 9)
    assert deadline(start, timedelta(0), OFFICE) == start
    assert deadline(at(2026, 11, 23, 12, 34), timedelta(0), OFFICE) == at(2026, 11, 23, 12, 34)


def test_a_zero_duration_from_outside_is_the_next_opening() -> None:
    assert deadline(at(2026, 11, 23, 17), timedelta(0), OFFICE) == at(2026, 11, 24, 9)
    assert deadline(at(2026, 11, 27, 20), timedelta(0), OFFICE) == at(2026, 11, 30, 9)


def test_results_are_aware_datetimes_in_the_calendars_zone() -> None:
    due = deadline(datetime(2026, 11, 23, 15, tzinfo=UTC), hours(8), OFFICE)
    assert due.tzinfo is AMS
    assert due.isoformat() == "2026-11-24T16:00:00+01:00"
    assert next_opening(datetime(2026, 11, 23, 12, tzinfo=UTC), OFFICE).tzinfo is AMS


def test_a_naive_start_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        deadline(datetime(2026, 11, 23, 16), hours(8), OFFICE)
    with pytest.raises(ValueError, match="no time zone"):
        elapsed(datetime(2026, 11, 23, 16), at(2026, 11, 24, 16), OFFICE)


def test_a_negative_duration_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="negative"):
        deadline(at(2026, 11, 23, 16), -H, OFFICE)


def test_elapsed_is_the_open_time_in_start_end_and_zero_when_end_is_not_after_start() -> None:
    assert elapsed(at(2026, 11, 23, 16), at(2026, 11, 24, 16), OFFICE) == hours(8)
    assert elapsed(at(2026, 11, 23, 17), at(2026, 11, 24, 9), OFFICE) == timedelta(0)
    assert elapsed(at(2026, 11, 27, 12), at(2026, 11, 30, 12), OFFICE) == hours(8)
    assert elapsed(at(2026, 11, 24, 16), at(2026, 11, 23, 16), OFFICE) == timedelta(0)
    assert elapsed(at(2026, 11, 24, 16), at(2026, 11, 24, 16), OFFICE) == timedelta(0)


# -- daylight saving time -------------------------------------------------------------------


def test_a_window_on_a_dst_day_is_wall_clock_time() -> None:
    for sunday in (date(2026, 3, 29), date(2026, 10, 25)):
        day = at(sunday.year, sunday.month, sunday.day)
        segments = open_segments(day, day + timedelta(days=1), daily(9 * 60, 17 * 60))
        assert [(s.start.hour, s.end.hour, s.duration) for s in segments] == [(9, 17, hours(8))]


def test_a_window_spanning_the_spring_forward_gap_is_an_hour_shorter() -> None:
    cal = daily(60, 4 * 60)
    assert elapsed(at(2026, 3, 29), at(2026, 3, 30), cal) == hours(2)
    assert deadline(at(2026, 3, 29, 1), hours(2), cal) == at(2026, 3, 29, 4)


def test_a_window_spanning_the_repeated_autumn_hour_is_an_hour_longer() -> None:
    cal = daily(60, 4 * 60)
    assert elapsed(at(2026, 10, 25), at(2026, 10, 26), cal) == hours(4)
    assert deadline(at(2026, 10, 25, 1), hours(4), cal) == at(2026, 10, 25, 4)


def test_a_window_bound_inside_the_gap_falls_on_the_moment_the_clocks_jump() -> None:
    cal = daily(150, 5 * 60)  # 02:30 does not exist on 2026-03-29; 03:00 follows 02:00
    (segment,) = open_segments(at(2026, 3, 29), at(2026, 3, 30), cal)
    assert segment.start == datetime(2026, 3, 29, 1, tzinfo=UTC)  # 03:00 summer time
    assert segment.duration == hours(2)


def test_office_hours_across_the_spring_dst_weekend() -> None:
    # Friday 16:00 (+01:00) plus 2h: 1h on Friday, 1h on Monday in summer time.
    due = deadline(at(2026, 3, 27, 16), hours(2), OFFICE)
    assert due.isoformat() == "2026-03-30T10:00:00+02:00"
    assert elapsed(at(2026, 3, 27, 16), due, OFFICE) == hours(2)


def test_office_hours_across_the_autumn_dst_weekend() -> None:
    due = deadline(at(2026, 10, 23, 16), hours(2), OFFICE)
    assert due.isoformat() == "2026-10-26T10:00:00+01:00"


def test_aws_weekend_windows_across_both_dst_weekends() -> None:
    # Sat and Sun 10:00-16:00 are 6 real hours each, also on the day the clocks change.
    for saturday in (at(2026, 3, 28), at(2026, 10, 24)):
        assert elapsed(saturday, saturday + timedelta(days=2), AWS) == hours(12)
    # Fri 21:00 + 10h: Fri 21-22 (1h), Sat 10-16 (6h), Sun 10-13 (3h).
    assert deadline(at(2026, 3, 27, 21), hours(10), AWS).isoformat() == "2026-03-29T13:00:00+02:00"
    assert deadline(at(2026, 10, 23, 21), hours(10), AWS).isoformat() == "2026-10-25T13:00:00+01:00"


# -- the seed, the shipped rules ------------------------------------------------------------


def test_seed_example_8h_reported_monday_1600_is_due_tuesday_1600() -> None:
    start = at(2026, 11, 23, 16)
    due = deadline(start, hours(8), OFFICE)
    assert due == at(2026, 11, 24, 16)
    spans = [(s.start, s.end, s.duration) for s in open_segments(start, due, OFFICE)]
    assert spans == [
        (at(2026, 11, 23, 16), at(2026, 11, 23, 17), hours(1)),
        (at(2026, 11, 24, 9), at(2026, 11, 24, 16), hours(7)),
    ]


def test_a_start_exactly_at_nine_counts_from_nine() -> None:
    assert deadline(at(2026, 11, 23, 9), hours(1), OFFICE) == at(2026, 11, 23, 10)


def test_a_start_exactly_at_five_counts_from_the_next_morning() -> None:
    assert deadline(at(2026, 11, 23, 17), hours(1), OFFICE) == at(2026, 11, 24, 10)


def test_adjacent_windows_merge_into_one_interval() -> None:
    segments = open_segments(at(2026, 11, 23), at(2026, 11, 24), AWS)
    assert [(s.start.hour, s.end.hour) for s in segments] == [(9, 22)]


def test_an_open_moment_is_its_own_next_opening() -> None:
    moment = datetime(2026, 11, 23, 11, 15, tzinfo=UTC)
    assert next_opening(moment, OFFICE) == moment


def test_open_segments_are_clipped_to_the_range() -> None:
    segments = open_segments(at(2026, 11, 23, 10, 30), at(2026, 11, 24, 11), OFFICE)
    assert [(s.start, s.end) for s in segments] == [
        (at(2026, 11, 23, 10, 30), at(2026, 11, 23, 17)),
        (at(2026, 11, 24, 9), at(2026, 11, 24, 11)),
    ]
    assert open_segments(at(2026, 11, 24), at(2026, 11, 23), OFFICE) == []


def test_sub_second_starts_keep_their_fraction() -> None:
    start = at(2026, 11, 23, 16, 59, 59).replace(microsecond=500_000)
    assert deadline(start, timedelta(seconds=1), OFFICE) == at(2026, 11, 24, 9, 0, 0, 500_000)
    assert elapsed(start, at(2026, 11, 24, 9), OFFICE) == timedelta(microseconds=500_000)


def test_years_are_compiled_on_demand_forwards_and_backwards() -> None:
    cal = build_calendar(rule("kantooruren"), ())
    # Christmas 2031 is a Thursday, Tweede kerstdag Friday: 8h from Wed 16:00 is Mon 16:00.
    assert deadline(at(2031, 12, 24, 16), hours(8), cal) == at(2031, 12, 29, 16)
    # Koninginnedag, Friday 30 April 1999: 8h from Thursday 16:00 is Monday 16:00.
    assert deadline(at(1999, 4, 29, 16), hours(8), cal) == at(1999, 5, 3, 16)
    # A count across New Year spans two compiled years.
    assert elapsed(at(2029, 12, 31, 9), at(2030, 1, 2, 17), cal) == hours(16)


def test_a_deadline_on_a_calendar_without_open_time_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="no open time"):
        deadline(at(2026, 1, 1), H, Calendar(AMS, {}))


def test_overrides_replace_the_weekday_windows() -> None:
    cal = Calendar(
        AMS,
        {day: [Window(540, 1020)] for day in range(5)},
        {date(2026, 11, 24): [], date(2026, 11, 28): [Window(600, 720)]},
    )
    assert not is_open(at(2026, 11, 24, 12), cal)
    assert is_open(at(2026, 11, 28, 11), cal)
    assert deadline(at(2026, 11, 23, 16), hours(2), cal) == at(2026, 11, 25, 10)


# -- properties --------------------------------------------------------------------------

EPOCH_2024 = at(2024, 1, 1)
MINUTES_2024_2030 = 7 * 366 * 24 * 60
starts = st.integers(0, MINUTES_2024_2030).map(
    lambda m: (EPOCH_2024.astimezone(UTC) + timedelta(minutes=m)).astimezone(AMS)
)
durations = st.integers(0, 80 * 60).map(lambda m: timedelta(minutes=m))
calendars = st.sampled_from([OFFICE, AWS])


@settings(max_examples=300, derandomize=True, deadline=None)
@given(calendars, starts, durations)
def test_elapsed_up_to_the_deadline_is_the_duration(
    cal: Calendar, start: datetime, duration: timedelta
) -> None:
    assert elapsed(start, deadline(start, duration, cal), cal) == duration


@settings(max_examples=300, derandomize=True, deadline=None)
@given(calendars, starts, durations, durations)
def test_the_deadline_is_monotonic_in_the_duration(
    cal: Calendar, start: datetime, a: timedelta, b: timedelta
) -> None:
    shorter, longer = sorted((a, b))
    assert deadline(start, shorter, cal) <= deadline(start, longer, cal)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(calendars, starts, durations, durations)
def test_deadlines_compose_except_a_zero_step_from_a_closing_time(
    cal: Calendar, start: datetime, a: timedelta, b: timedelta
) -> None:
    """deadline(deadline(s, a), b) == deadline(s, a + b), whether s is open or not, for b > 0.
    For b == 0 it holds exactly when deadline(s, a) is open: a deadline that lands at closing
    time is closed, and a zero duration from a closed instant is the next opening."""
    middle = deadline(start, a, cal)
    holds = deadline(middle, b, cal) == deadline(start, a + b, cal)
    assert holds == (b > timedelta(0) or is_open(middle, cal))


def test_deadline_and_elapsed_agree_with_the_minute_by_minute_reference() -> None:
    rng = random.Random(20261123)
    first = EPOCH_2024.astimezone(UTC)
    for cal, ref in ((OFFICE, ReferenceClock(False)), (AWS, ReferenceClock(True))):
        for _ in range(1500):
            start = first + timedelta(minutes=rng.randrange(MINUTES_2024_2030))
            minutes = rng.choice((0, rng.randrange(1, 60), rng.randrange(60, 16 * 60)))
            expected = ref.deadline(start, minutes)
            assert deadline(start, timedelta(minutes=minutes), cal) == expected, (start, minutes)
        for _ in range(300):
            start = first + timedelta(minutes=rng.randrange(MINUTES_2024_2030))
            end = start + timedelta(minutes=rng.randrange(3 * 24 * 60))
            assert elapsed(start, end, cal) == timedelta(minutes=ref.elapsed_minutes(start, end))
