"""Local times read from and written to text a column at a time: the plain form only, exactly
as parse_time reads and format_time writes them."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pyarrow as pa

from engine.clock.times import DEFAULT_ZONE, format_time, parse_time
from engine.clock.vector_times import LocalTimes

US = 1_000_000


def utc(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp()) * US  # type: ignore[misc]


def read(texts: list[str]) -> tuple[list[int], list[bool]]:
    micros, plain = LocalTimes(DEFAULT_ZONE).read(pa.array(texts, type=pa.string()))
    return micros.tolist(), plain.tolist()


def test_plain_local_times_are_read_and_every_other_form_is_left_alone() -> None:
    texts = [
        "2026-11-23T16:00",  # winter: UTC+1
        "2026-07-01 09:30:15",  # summer: UTC+2, a space and seconds
        "",
        "2026-03-29T10:00",  # the day the clocks go forward: left to parse_time
        "2026-10-25T12:00",  # the day they go back
        "2026-02-30T10:00",  # no such date
        "2026-11-23T24:00",
        " 2026-11-23T16:00",
        "2026-11-23T16:00Z",
        "2026-11-23t16:00",
        "2026-11-23T16:00:60",
        "2026-11-23T16:00:5",
        "2024-02-29T00:00",  # a leap day
        "٢026-11-23T16:00",  # a digit, but not an ASCII one
        "2026-11-23T16:00\x00",
    ]
    micros, plain = read(texts)
    assert plain == [True, True] + [False] * 10 + [True, False, False]
    assert micros[0] == utc(2026, 11, 23, 15, 0)
    assert micros[1] == utc(2026, 7, 1, 7, 30, 15)
    assert micros[12] == utc(2024, 2, 28, 23, 0)


def test_month_ends_and_leap_days_as_parse_time_reads_them() -> None:
    """Every month of years with and without 29 February (2100 not leap, 2000 and 2024 leap),
    at noon on its 1st and 28th–31st; dates that do not exist are left to parse_time."""
    for year in (1971, 1972, 1999, 2000, 2024, 2026, 2100, 2199):
        texts = [
            f"{year}-{month:02d}-{day:02d}T12:00"
            for month in range(1, 13)
            for day in (1, 28, 29, 30, 31)
        ]
        micros, plain = read(texts)
        for text, value, ok in zip(texts, micros, plain, strict=True):
            if ok:
                assert value == int(parse_time(text).timestamp()) * US, text
        assert sum(plain) >= 12 * 4 - 3


def test_written_times_are_format_time_across_both_dst_changes() -> None:
    times = LocalTimes(DEFAULT_ZONE)
    spring, autumn = utc(2026, 3, 29, 1, 0), utc(2026, 10, 25, 1, 0)
    values = [spring - US, spring, autumn - US, autumn, utc(2026, 11, 23, 15, 0), utc(2300, 1, 1)]
    assert times.write(np.array(values)).to_pylist() == [
        "2026-03-29T01:59:59+01:00",
        "2026-03-29T03:00:00+02:00",
        "2026-10-25T02:59:59+02:00",
        "2026-10-25T02:00:00+01:00",
        "2026-11-23T16:00:00+01:00",
        format_time(parse_time("2300-01-01T00:00Z").astimezone(DEFAULT_ZONE)),
    ]
    every = np.arange(spring - 7200 * US, spring + 7200 * US, 61 * US + 250)
    assert times.write(every).to_pylist() == [
        format_time(datetime.fromtimestamp(int(s) // US, DEFAULT_ZONE)) for s in every
    ]


def test_every_second_of_a_day_is_written_as_format_time_writes_it() -> None:
    day = np.arange(utc(2026, 11, 22, 23, 0), utc(2026, 11, 23, 23, 0), US)  # a local day
    written = LocalTimes(DEFAULT_ZONE).write(day).to_pylist()
    assert written[0] == "2026-11-23T00:00:00+01:00" and len(set(written)) == 86_400
    assert written[::997] == [
        format_time(datetime.fromtimestamp(int(s) // US, DEFAULT_ZONE)) for s in day[::997]
    ]
