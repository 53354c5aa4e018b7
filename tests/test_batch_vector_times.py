"""Local times read from and written to text as arrays: the plain form only, to the second."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from engine.clock.times import EpochTimes, format_time, parse_time
from engine.clock.vector_times import VectorTimes, civil_from_days, days_from_civil


def utc(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp())  # type: ignore[misc]


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
    ]
    seconds, plain, empty, month = VectorTimes(EpochTimes()).read(texts)
    assert plain.tolist() == [True, True] + [False] * 10 + [True, False]
    assert empty.tolist() == [False, False, True] + [False] * 11
    assert seconds[0] == utc(2026, 11, 23, 15, 0)
    assert seconds[1] == utc(2026, 7, 1, 7, 30, 15)
    assert seconds[12] == utc(2024, 2, 28, 23, 0)
    assert month[[0, 1, 12]].tolist() == [202611, 202607, 202402]


def test_written_times_are_format_time_across_both_dst_changes() -> None:
    times = VectorTimes(EpochTimes())
    spring, autumn = utc(2026, 3, 29, 1, 0), utc(2026, 10, 25, 1, 0)
    seconds = np.array(
        [spring - 1, spring, autumn - 1, autumn, utc(2026, 11, 23, 15, 0), utc(2300, 1, 1)]
    )
    assert times.write(seconds) == [
        "2026-03-29T01:59:59+01:00",
        "2026-03-29T03:00:00+02:00",
        "2026-10-25T02:59:59+02:00",
        "2026-10-25T02:00:00+01:00",
        "2026-11-23T16:00:00+01:00",
        format_time(parse_time("2300-01-01T00:00Z").astimezone(EpochTimes().zone)),
    ]
    every = np.arange(spring - 7200, spring + 7200, 61)
    assert times.write(every) == [EpochTimes().write(int(s)) for s in every]


def test_days_and_dates_convert_both_ways() -> None:
    days = np.arange(-800_000, 800_000, 997)
    year, month, day = civil_from_days(days)
    assert (days_from_civil(year, month, day) == days).all()
    assert days_from_civil(
        np.array([1970, 2026]), np.array([1, 11]), np.array([1, 23])
    ).tolist() == [
        0,
        20_780,  # 56 years with 14 leap days, then 304 + 22 days
    ]


def test_a_sparse_column_reads_its_few_times_as_a_full_one_does() -> None:
    """On-site arrival and start of work are mostly empty: only their times are parsed."""
    texts = [
        "2026-11-23T16:00",
        "2026-07-01 09:30:15",
        "2026-03-29T10:00",
        "2026-02-30T10:00",
        "2026-11-23T16:00Z",
        "2024-02-29T00:00",
        "٢026-11-23T16:00",
    ]
    full = VectorTimes(EpochTimes()).read(texts)
    sparse = [""] * 40
    at = list(range(3, 40, 6))[: len(texts)]
    for i, text in zip(at, texts, strict=True):
        sparse[i] = text
    seconds, plain, empty, month = VectorTimes(EpochTimes()).read(sparse)
    assert plain[at].tolist() == full[1].tolist() and plain.sum() == full[1].sum()
    assert (seconds[at] == full[0]).all() and (month[at][full[1]] == full[3][full[1]]).all()
    assert empty.sum() == 40 - len(texts)


def test_every_second_of_a_day_is_written_as_format_time_writes_it() -> None:
    times = VectorTimes(EpochTimes())
    day = np.arange(utc(2026, 11, 22, 23, 0), utc(2026, 11, 23, 23, 0))  # a local day
    written = times.write(day)
    assert written[0] == "2026-11-23T00:00:00+01:00" and len(set(written)) == 86_400
    assert written == [EpochTimes().write(int(s)) for s in day]


def test_a_nul_is_a_character_not_the_end_of_a_cell() -> None:
    texts = ["2026-11-23T16:00\x00", "\x00", "2026-11-23T16:00"] * 30
    _, plain, empty, _ = VectorTimes(EpochTimes()).read(texts)
    assert plain.tolist() == [False, False, True] * 30
    assert not empty.any()


def test_month_ends_and_leap_days_as_the_per_row_reader_takes_them() -> None:
    """Every month of years with and without 29 February (2100 not leap, 2000 and 2024
    leap), at noon on its 1st and 28th–31st, read as EpochTimes.read reads each text (a
    column a year: a column spanning centuries leaves its far-off dates to the rows)."""
    times = VectorTimes(EpochTimes())
    for year in (1971, 1972, 1999, 2000, 2024, 2026, 2100, 2199):
        texts = [
            f"{year}-{month:02d}-{day:02d}T12:00"
            for month in range(1, 13)
            for day in (1, 28, 29, 30, 31)
        ]
        seconds, plain, _, _ = times.read(texts)
        expected = [EpochTimes().read(text) for text in texts]
        assert [int(s) if p else None for s, p in zip(seconds, plain, strict=True)] == expected
        assert plain.sum() >= 12 * 4 - 3  # all days that exist but February's and DST days
