"""engine.clock.times: reading and writing instants (SPEC §3, last point)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from engine.clock.times import format_time, parse_interval, parse_time
from engine.errors import InputError

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize("text", ["2026-11-23T16:00", "2026-11-23 16:00", "2026-11-23T16:00:00"])
def test_a_local_time_without_offset_is_europe_amsterdam(text: str) -> None:
    value = parse_time(text)
    assert value == datetime(2026, 11, 23, 15, tzinfo=UTC)
    assert value.tzinfo is AMS


def test_a_time_in_utc_is_taken_as_given() -> None:
    value = parse_time("2026-11-23T15:00Z")
    assert value == datetime(2026, 11, 23, 16, tzinfo=AMS)
    assert value.utcoffset() == timedelta(0)


def test_a_time_with_an_offset_is_taken_as_given() -> None:
    value = parse_time("2026-11-23T16:00+01:00")
    assert value == datetime(2026, 11, 23, 15, tzinfo=UTC)
    assert value.utcoffset() == timedelta(hours=1)
    assert parse_time("2026-11-23T16:00-05:00") == datetime(2026, 11, 23, 21, tzinfo=UTC)


def test_local_times_can_be_read_in_another_zone() -> None:
    value = parse_time("2026-11-23T16:00", ZoneInfo("Europe/London"))
    assert value == datetime(2026, 11, 23, 16, tzinfo=UTC)


def test_a_summer_time_is_read_with_the_summer_offset() -> None:
    assert parse_time("2026-07-01T12:00").utcoffset() == timedelta(hours=2)


def test_a_local_time_that_does_not_exist_is_an_input_error() -> None:
    with pytest.raises(InputError, match="does not exist") as info:
        parse_time("2026-03-29T02:30")
    assert "offset" in str(info.value)
    assert "03:30" in str(info.value)


def test_an_ambiguous_local_time_is_an_input_error_that_suggests_both_offsets() -> None:
    with pytest.raises(InputError, match="ambiguous") as info:
        parse_time("2026-10-25T02:30")
    assert "2026-10-25T02:30+02:00" in str(info.value)
    assert "+01:00" in str(info.value)


def test_an_ambiguous_time_with_an_offset_is_accepted() -> None:
    first = parse_time("2026-10-25T02:30+02:00")
    second = parse_time("2026-10-25T02:30+01:00")
    assert second - first == timedelta(hours=1)


@pytest.mark.parametrize(
    "text", ["", "gisteren", "2026-11-23", "23-11-2026 16:00", "2026-11-23T16", "2026-02-30T10:00"]
)
def test_garbage_is_an_input_error_with_an_example(text: str) -> None:
    with pytest.raises(InputError, match=r"e\.g\. 2026-11-23T16:00"):
        parse_time(text)


def test_format_time_writes_seconds_and_offset() -> None:
    assert format_time(datetime(2026, 11, 24, 16, tzinfo=AMS)) == "2026-11-24T16:00:00+01:00"
    assert format_time(datetime(2026, 7, 1, 9, 30, tzinfo=AMS)) == "2026-07-01T09:30:00+02:00"
    assert format_time(datetime(2026, 7, 1, 9, tzinfo=UTC)) == "2026-07-01T09:00:00+00:00"


def test_format_time_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        format_time(datetime(2026, 11, 24, 16))


def test_parse_interval_reads_from_and_to() -> None:
    start, end = parse_interval("2026-11-23T16:00/2026-11-24T10:00+01:00")
    assert (start, end) == (
        datetime(2026, 11, 23, 16, tzinfo=AMS),
        datetime(2026, 11, 24, 10, tzinfo=AMS),
    )


def test_an_interval_that_ends_before_it_starts_is_an_input_error() -> None:
    with pytest.raises(InputError, match="ends before it starts"):
        parse_interval("2026-11-24T10:00/2026-11-23T16:00")


@pytest.mark.parametrize("text", ["2026-11-23T16:00", "a/b/c", "2026-11-23T16:00/morgen"])
def test_a_malformed_interval_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError):
        parse_interval(text)
