"""engine.evaluate.profile_times: a column of time text read at once must give, row by row,
what engine.clock.times.parse_time (one text at a time) gives, or refuse what it refuses;
a strptime pattern must read what Python's datetime.strptime reads, and no more."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.clock.times import parse_time
from engine.errors import InputError
from engine.evaluate.profile_times import (
    IN_GAP,
    READABLE,
    REPEATED,
    UNREADABLE,
    pattern_regex,
    read_times,
    write_times,
)

AMS = ZoneInfo("Europe/Amsterdam")
ZONES = [AMS, ZoneInfo("Europe/London"), ZoneInfo("America/New_York"), ZoneInfo("UTC")]


def _scalar(text: str, zone: ZoneInfo, ambiguous: str) -> tuple[int, int | None]:
    """(code, epoch seconds) as parse_time reads the text."""
    try:
        moment = parse_time(text, zone, ambiguous)  # type: ignore[arg-type]
    except InputError as error:
        message = str(error)
        if "does not exist" in message:
            return IN_GAP, None
        if "ambiguous" in message:
            return REPEATED, None
        return UNREADABLE, None
    return READABLE, math.floor(moment.timestamp())


_DIGITS = st.integers(0, 99).map(lambda n: f"{n:02d}")
_TEXTS = st.builds(
    lambda year, month, day, hour, minute, second, fraction, separator, offset: (
        f"{year}-{month}-{day}{separator}{hour}:{minute}{second}{fraction}{offset}"
    ),
    st.sampled_from(["2026", "1999", "2030"]),
    st.sampled_from(["01", "02", "03", "10", "11", "12", "13", "00", "3"]),
    st.sampled_from(["01", "25", "28", "29", "30", "31", "32", "00", "5"]),
    st.sampled_from(["00", "01", "02", "03", "09", "16", "23", "24", "7"]),
    st.sampled_from(["00", "30", "59", "60", "5"]),
    st.sampled_from(["", ":00", ":59", ":60", ":61", ":5"]),
    st.sampled_from(["", ".3", ".303", ".1234567", ",5", "."]),
    st.sampled_from(["T", " ", "t", "  ", "_"]),
    st.sampled_from(
        [
            "",
            "Z",
            "z",
            "+0000",
            "+01:00",
            "-05:00",
            "+0530",
            "+01",
            " +0100",
            "+2400",
            "+01:60",
            "+1",
        ]
    ),
)


@settings(max_examples=400, deadline=None)
@given(
    texts=st.lists(st.one_of(_TEXTS, st.none()), min_size=1, max_size=20),
    zone=st.sampled_from(ZONES),
    ambiguous=st.sampled_from(["earlier", "later", "reject"]),
)
def test_a_column_of_iso_times_reads_as_parse_time_reads_each(
    texts: list[str], zone: ZoneInfo, ambiguous: str
) -> None:
    read = read_times(pa.array(texts, pa.string()), "iso", zone, ambiguous)  # type: ignore[arg-type]
    for text, code, seconds in zip(
        texts, read.codes.to_pylist(), read.seconds.to_pylist(), strict=True
    ):
        expected = (READABLE, None) if text is None else _scalar(text, zone, ambiguous)
        assert (code, seconds) == expected, text


@pytest.mark.parametrize(
    "text", ["2026-10-25T02:30", "2026-10-25 02:30:59", "2026-03-29T02:00", "2026-03-29T03:00"]
)
@pytest.mark.parametrize("ambiguous", ["earlier", "later", "reject"])
def test_the_dst_changes_read_as_parse_time_reads_them(text: str, ambiguous: str) -> None:
    read = read_times(pa.array([text]), "iso", AMS, ambiguous)  # type: ignore[arg-type]
    assert (read.codes[0].as_py(), read.seconds[0].as_py()) == _scalar(text, AMS, ambiguous)


def _dutch(day: int, month: int, year: int, hour: int, minute: int, padded: bool) -> str:
    if padded:
        return f"{day:02d}-{month:02d}-{year} {hour:02d}:{minute:02d}"
    return f"{day}-{month}-{year} {hour}:{minute:02d}"


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(
        st.none()
        | st.builds(
            _dutch,
            st.integers(0, 32),
            st.integers(0, 13),
            st.sampled_from([2025, 2026, 2028]),
            st.integers(0, 24),
            st.integers(0, 60),
            st.booleans(),
        ),
        min_size=1,
        max_size=20,
    ),
    ambiguous=st.sampled_from(["earlier", "later"]),
)
def test_a_strptime_pattern_reads_what_datetime_strptime_reads(
    rows: list[str], ambiguous: str
) -> None:
    read = read_times(pa.array(rows), "%d-%m-%Y %H:%M", AMS, ambiguous)  # type: ignore[arg-type]
    for text, code, seconds in zip(
        rows, read.codes.to_pylist(), read.seconds.to_pylist(), strict=True
    ):
        if text is None:
            assert (code, seconds) == (READABLE, None)
            continue
        try:
            wall = datetime.strptime(text, "%d-%m-%Y %H:%M")
        except ValueError:
            assert code == UNREADABLE, text
            continue
        iso = wall.strftime("%Y-%m-%dT%H:%M")
        assert (code, seconds) == _scalar(iso, AMS, ambiguous), text


@settings(max_examples=200, deadline=None)
@given(
    instants=st.lists(
        st.one_of(
            st.none(),
            st.integers(
                int(datetime(1995, 1, 1, tzinfo=UTC).timestamp()),
                int(datetime(2035, 1, 1, tzinfo=UTC).timestamp()),
            ),
        ),
        min_size=1,
        max_size=20,
    ),
    zone=st.sampled_from(ZONES),
)
def test_written_times_read_back_as_the_same_instant(instants: list[int], zone: ZoneInfo) -> None:
    texts = write_times(pa.array(instants, pa.int64()), zone).to_pylist()
    for second, text in zip(instants, texts, strict=True):
        if second is None:
            assert text is None
            continue
        # parse_time refuses a repeated hour without offset: the written text must carry one.
        assert math.floor(parse_time(text, zone).timestamp()) == second, text
        local = datetime.fromtimestamp(second, zone)
        assert text.startswith(local.strftime("%Y-%m-%dT%H:%M:%S"))


def test_autumn_hour_is_written_with_its_offset() -> None:
    first = int(datetime(2026, 10, 25, 0, 30, tzinfo=UTC).timestamp())
    texts = write_times(pa.array([first, first + 3600, first + 7200, None]), AMS).to_pylist()
    assert texts == [
        "2026-10-25T02:30:00+02:00",
        "2026-10-25T02:30:00+01:00",
        "2026-10-25T03:30:00",
        None,
    ]


def test_fractional_seconds_are_cut_as_the_batch_clock_cuts_them() -> None:
    read = read_times(pa.array(["2021-02-11T06:32:36.999+0000"]), "iso", AMS)
    assert read.seconds.to_pylist() == [
        int(datetime(2021, 2, 11, 6, 32, 36, tzinfo=UTC).timestamp())
    ]


@pytest.mark.parametrize("pattern", ["%d-%m-%Y %H:%M %Z", "%s", "%d-%m-%Y %", "%d %d"])
def test_patterns_with_directives_that_cannot_be_checked_are_refused(pattern: str) -> None:
    with pytest.raises(ValueError):
        pattern_regex(pattern)


def test_a_jira_time_reads_with_its_pattern() -> None:
    read = read_times(
        pa.array(["23/Nov/26 4:00 PM", "23/nov/26 12:05 AM", "23/Nov/26 16:00"]),
        "%d/%b/%y %I:%M %p",
        AMS,
    )
    assert read.codes.to_pylist() == [READABLE, READABLE, UNREADABLE]
    expected = [datetime(2026, 11, 23, 16, 0, tzinfo=AMS), datetime(2026, 11, 23, 0, 5, tzinfo=AMS)]
    assert read.seconds.to_pylist()[:2] == [int(e.timestamp()) for e in expected]
    assert timedelta(0) == timedelta(0)
