"""engine.clock.times: reading and writing instants (SPEC §3, last point)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.clock.times import EpochTimes, format_time, parse_interval, parse_time
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


# -- EpochTimes: the common local form read and any instant written, as parse/format_time ----


def test_epoch_times_read_the_common_form_as_parse_time() -> None:
    times = EpochTimes(AMS)
    for text in (
        "2026-11-23T16:00",
        "2026-11-23 16:00",
        "2026-11-23T16:00:59",
        "2026-07-01T00:00",
        "2026-03-28T23:59",
        "2026-03-30T00:00",
    ):
        assert times.read(text) == parse_time(text).timestamp(), text
    assert times.read("2026-11-23T16:00") == datetime(2026, 11, 23, 15, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-29T10:00",  # a DST-change day: left to parse_time, even when the time exists
        "2026-10-25T02:30",  # ambiguous
        "2026-11-23T16:00Z",  # an offset
        "2026-11-23T16:00:00.5",
        "2026-11-23t16:00",
        " 2026-11-23T16:00",
        "2026-11-23T24:00",
        "2026-02-30T10:00",
        "2026-W48-1T10:00",  # date.fromisoformat reads week dates; parse_time does not
        "2026-11-23",
        "gisteren",
        "",
    ],
)
def test_epoch_times_leave_every_other_form_to_parse_time(text: str) -> None:
    assert EpochTimes(AMS).read(text) is None


def test_epoch_times_write_as_format_time_across_dst_changes() -> None:
    times = EpochTimes(AMS)
    for start in (datetime(2026, 3, 29, tzinfo=UTC), datetime(2026, 10, 25, tzinfo=UTC)):
        for minutes in range(0, 6 * 60, 7):
            second = int(start.timestamp()) + minutes * 60 + minutes % 60
            expected = format_time(datetime.fromtimestamp(second, AMS))
            assert times.write(second) == expected
    assert times.write(1_795_446_000) == "2026-11-23T16:00:00+01:00"
    # an hour whose offset is not whole hours (Amsterdam before 1937) is written all the same
    old = int(datetime(1930, 6, 1, 12, tzinfo=UTC).timestamp())
    assert times.write(old) == format_time(datetime.fromtimestamp(old, AMS))


# -- times as helpdesk tools write them (issue 14) --------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-02-11T06:32:36.303+0000", datetime(2021, 2, 11, 6, 32, 36, tzinfo=UTC)),
        ("2026-11-23T15:00:00Z", datetime(2026, 11, 23, 15, tzinfo=UTC)),
        ("2026-11-23 16:00:00 +0100", datetime(2026, 11, 23, 15, tzinfo=UTC)),
        ("2026-11-23T16:00+01", datetime(2026, 11, 23, 15, tzinfo=UTC)),
        ("2026-11-23T16:00:00,5+01:00", datetime(2026, 11, 23, 15, 0, 0, tzinfo=UTC)),
        ("2021-11-03T11:51:13.7591234Z", datetime(2021, 11, 3, 11, 51, 13, tzinfo=UTC)),
        ("2026-11-23T16:59:59.999", datetime(2026, 11, 23, 15, 59, 59, tzinfo=UTC)),
    ],
)
def test_offsets_and_fractions_as_helpdesks_write_them(text: str, expected: datetime) -> None:
    """Fractions of a second are cut: the engine counts service time in whole seconds."""
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text",
    ["2026-11-23T16:00.5", "2026-11-23T16:00+1", "2026-11-23T16:00+01:0", "2026-11-23T16:00+2400"],
)
def test_half_written_fractions_and_offsets_are_input_errors(text: str) -> None:
    with pytest.raises(InputError):
        parse_time(text)


def test_the_repeated_autumn_hour_is_read_as_asked() -> None:
    assert parse_time("2026-10-25T02:30", ambiguous="earlier").utcoffset() == timedelta(hours=2)
    assert parse_time("2026-10-25T02:30", ambiguous="later").utcoffset() == timedelta(hours=1)
    with pytest.raises(InputError, match="ambiguous"):
        parse_time("2026-10-25T02:30", ambiguous="reject")


@pytest.mark.parametrize("ambiguous", ["earlier", "later", "reject"])
def test_the_spring_gap_stays_an_error_whatever_ambiguous_says(ambiguous: str) -> None:
    with pytest.raises(InputError, match="does not exist"):
        parse_time("2026-03-29T02:30", ambiguous=ambiguous)  # type: ignore[arg-type]


def _reference_local(wall: datetime, zone: ZoneInfo) -> list[datetime]:
    """Every instant whose local time in `zone` is `wall`, found by trying each UTC offset the
    zone has used near it: independent of fold and of parse_time."""
    found = set()
    for hours in range(-12, 15):
        for offset in (timedelta(hours=hours), timedelta(hours=hours, minutes=20)):
            instant = (wall - offset).replace(tzinfo=UTC)
            if instant.astimezone(zone).replace(tzinfo=None) == wall:
                found.add(instant)
    return sorted(found)


_WALLS = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2040, 12, 31))
_DST_WALLS = st.builds(
    lambda year, autumn, minute: (
        datetime(year, 10 if autumn else 3, 25, 0, 0)
        + timedelta(
            days=(6 - datetime(year, 10 if autumn else 3, 25).weekday()) % 7, minutes=minute
        )
    ),
    st.integers(1997, 2037),
    st.booleans(),
    st.integers(0, 4 * 60),
)


@settings(max_examples=300, deadline=None)
@given(
    wall=st.one_of(_WALLS, _DST_WALLS),
    zone=st.sampled_from([AMS, ZoneInfo("Europe/London"), ZoneInfo("America/New_York")]),
    ambiguous=st.sampled_from(["earlier", "later", "reject"]),
    separator=st.sampled_from(["T", " "]),
)
def test_local_times_agree_with_a_reference_that_tries_every_offset(
    wall: datetime, zone: ZoneInfo, ambiguous: str, separator: str
) -> None:
    wall = wall.replace(second=0, microsecond=0)
    text = wall.strftime(f"%Y-%m-%d{separator}%H:%M")
    candidates = _reference_local(wall, zone)
    if not candidates or (len(candidates) == 2 and ambiguous == "reject"):
        with pytest.raises(InputError):
            parse_time(text, zone, ambiguous)  # type: ignore[arg-type]
        return
    expected = candidates[-1] if ambiguous == "later" else candidates[0]
    assert parse_time(text, zone, ambiguous) == expected  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(
    instant=st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2040, 12, 31), timezones=st.just(UTC)
    ),
    offset_minutes=st.integers(-14 * 60, 14 * 60).map(lambda m: m - m % 15),
    offset_form=st.sampled_from(["{sign}{hh}:{mm}", "{sign}{hh}{mm}", "Z"]),
    fraction_digits=st.integers(0, 9),
    space=st.booleans(),
)
def test_times_with_an_offset_agree_with_fromisoformat(
    instant: datetime, offset_minutes: int, offset_form: str, fraction_digits: int, space: bool
) -> None:
    if offset_form == "Z":
        offset_minutes = 0
    offset = timedelta(minutes=offset_minutes)
    wall = instant.astimezone(timezone(offset)).replace(tzinfo=None)
    sign = "-" if offset_minutes < 0 else "+"
    hh, mm = divmod(abs(offset_minutes), 60)
    zone_text = offset_form.format(sign=sign, hh=f"{hh:02d}", mm=f"{mm:02d}")
    fraction = f"{wall.microsecond:06d}000"[:fraction_digits]
    text = wall.strftime("%Y-%m-%dT%H:%M:%S") + (f".{fraction}" if fraction else "")
    text += (" " if space else "") + zone_text
    # The reference: Python's own reader, given the offset as +HH:MM and the whole second.
    reference = datetime.fromisoformat(
        wall.strftime("%Y-%m-%dT%H:%M:%S") + f"{sign}{hh:02d}:{mm:02d}"
    )
    assert parse_time(text) == reference
