"""Reading one export row: values in CSV and JSON form, and every kind of bad value."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from engine.clock.times import parse_time
from engine.evaluate.rows import Change, RowError, RowReader
from engine.rules.ruleset import RuleSet


@pytest.fixture
def reader(rules: RuleSet) -> RowReader:
    return RowReader("incidents.csv", rules.exception_rules().keys())


def t(text: str) -> datetime:
    return parse_time(text)


BASE = {"ticket": "T-1", "priority": "2", "reported": "2026-11-23T16:00"}


def error_of(reader: RowReader, line: int, **values: Any) -> str:
    with pytest.raises(RowError) as caught:
        reader.parse(line, {**BASE, **values})
    return str(caught.value)


def test_csv_row_with_every_column(reader: RowReader) -> None:
    row = reader.parse(
        5,
        {
            **BASE,
            "first_response": "2026-11-23T16:30",
            "resolved": "2026-11-24 10:00",
            "on_site_arrival": "",
            "pauses": "2026-11-23T17:00/2026-11-24T09:00;2026-11-24T09:30/2026-11-24T09:45",
            "causes": "derde-partij",
            "minutes": "45",
            "work": "config-change",
            "on_site": "true",
            "travel_minutes": "20",
            "priority_history": "",
        },
    )
    assert row.line == 5
    assert row.incident.ticket == "T-1"
    assert row.incident.priority == 2
    assert row.incident.resolved == t("2026-11-24T10:00")
    assert row.incident.pauses[1] == (t("2026-11-24T09:30"), t("2026-11-24T09:45"))
    assert row.incident.causes == ("derde-partij",)
    assert row.work is not None
    assert (row.work.minutes, row.work.kind, row.work.on_site, row.work.travel_minutes) == (
        45,
        "config-change",
        True,
        20,
    )
    assert row.work.start == t("2026-11-23T16:30")  # the first response starts the work
    assert row.visit


def test_json_row_with_typed_values(reader: RowReader) -> None:
    row = reader.parse(
        3,
        {
            "ticket": "T-2",
            "priority": 1,
            "reported": "2026-11-23T10:00",
            "pauses": [{"from": "2026-11-23T11:00", "to": "2026-11-23T12:00"}],
            "causes": ["misbruik"],
            "minutes": 30,
            "on_site": False,
            "priority_history": [
                {"from": "2026-11-23T10:00", "priority": 3},
                "2026-11-23T12:00=1",
            ],
        },
    )
    assert row.incident.pauses == ((t("2026-11-23T11:00"), t("2026-11-23T12:00")),)
    assert row.history == (Change(t("2026-11-23T10:00"), 3), Change(t("2026-11-23T12:00"), 1))
    assert row.work is not None and row.work.start == t("2026-11-23T10:00")


def test_no_minutes_no_work(reader: RowReader) -> None:
    assert reader.parse(2, BASE).work is None


def test_priority_may_come_from_the_history_alone(reader: RowReader) -> None:
    row = reader.parse(
        2,
        {
            **BASE,
            "priority": "",
            "priority_history": "2026-11-23T16:00=3;2026-11-24T10:00=1",
        },
    )
    assert row.incident.priority == 1


def test_single_entry_history_is_no_change(reader: RowReader) -> None:
    row = reader.parse(2, {**BASE, "priority_history": "2026-11-23T16:00=2"})
    assert row.history == ()


def test_times_with_offsets_and_utc_are_taken_as_given(reader: RowReader) -> None:
    row = reader.parse(2, {**BASE, "reported": "2026-11-23T15:00Z"})
    assert row.incident.reported == t("2026-11-23T16:00")
    row = reader.parse(2, {**BASE, "reported": "2026-07-01T16:00+02:00"})
    assert row.incident.reported == t("2026-07-01T16:00")


def test_summer_and_winter_local_times(reader: RowReader) -> None:
    assert reader.time("2026-07-01T16:00") == t("2026-07-01T14:00Z")
    assert reader.time("2026-11-23T16:00") == t("2026-11-23T15:00Z")


@pytest.mark.parametrize(
    ("text", "why"),
    [("2026-03-29T02:30", "does not exist"), ("2026-10-25T02:30", "is ambiguous")],
    ids=["spring-gap", "autumn-twice"],
)
def test_dst_change_times_are_refused_as_parse_time_does(
    reader: RowReader, text: str, why: str
) -> None:
    message = error_of(reader, 9, reported=text)
    assert message.startswith(f"incidents.csv:9: reported: '{text}' {why} in Europe/Amsterdam")


def test_other_times_on_a_dst_day_are_read(reader: RowReader) -> None:
    assert reader.time("2026-03-29T12:00") == t("2026-03-29T10:00Z")


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {"reported": "gisteren"},
            "incidents.csv:17: reported: 'gisteren' is not a time; write e.g. 2026-11-23T16:00",
        ),
        ({"reported": "2026-02-30T10:00"}, "incidents.csv:17: reported: '2026-02-30T10:00' is not"),
        ({"reported": "2026-11-23"}, "incidents.csv:17: reported: '2026-11-23' is not a time"),
        ({"reported": ""}, "incidents.csv:17: reported: missing"),
        ({"ticket": ""}, "incidents.csv:17: ticket: missing; every incident has a ticket id"),
        ({"priority": "5"}, "incidents.csv:17: priority: '5' is not a priority; use 1, 2, 3 or 4"),
        ({"priority": "urgent"}, "incidents.csv:17: priority: 'urgent' is not a priority"),
        ({"priority": ""}, "incidents.csv:17: priority: missing"),
        (
            {"resolved": "2026-11-23T15:00"},
            "incidents.csv:17: resolved is before the report; check both times",
        ),
        (
            {"first_response": "2026-11-24T10:00", "resolved": "2026-11-24T09:00"},
            "incidents.csv:17: resolved is before first_response",
        ),
        (
            {"causes": "derde-partj"},
            "incidents.csv:17: causes: unknown cause 'derde-partj'; did you mean 'derde-partij'?",
        ),
        (
            {"minutes": "4.5"},
            "incidents.csv:17: minutes: '4.5' is not a whole number of minutes; write e.g. 45",
        ),
        ({"minutes": "-5"}, "incidents.csv:17: minutes: '-5' is not a whole number"),
        ({"minutes": "30", "travel_minutes": "x"}, "incidents.csv:17: travel_minutes: 'x' is"),
        ({"minutes": "30", "work": "incdent"}, "incidents.csv:17: work: 'incdent' is not known"),
        ({"minutes": "30", "on_site": "ja"}, "incidents.csv:17: on_site: 'ja' is not true or"),
        (
            {"minutes": "30", "travel_minutes": "20"},
            "incidents.csv:17: minutes: travel time is only charged for an on-site visit",
        ),
        ({"pauses": "2026-11-23T17:00"}, "incidents.csv:17: pauses: '2026-11-23T17:00' is not"),
        (
            {"pauses": "2026-11-24T10:00/2026-11-24T09:00"},
            "incidents.csv:17: pauses: '2026-11-24T10:00/2026-11-24T09:00' ends before it starts",
        ),
        ({"resolvd": "2026-11-24T10:00"}, "incidents.csv:17: resolvd: unknown column"),
    ],
)
def test_bad_values_name_row_and_column(
    reader: RowReader, values: dict[str, str], expected: str
) -> None:
    assert error_of(reader, 17, **values).startswith(expected)


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        ("2026-11-23T16:00=3;2026-11-24T10:00=1", "priority: 2 differs from the last priority"),
        ("2026-11-23T17:00=3;2026-11-24T10:00=2", "the first entry is the priority at the report"),
        ("2026-11-23T16:00=3;2026-11-23T16:00=2", "the changes are not in time order"),
        ("2026-11-23T16:00=3;2026-11-24T10:00", "is not a change; write TIME=PRIORITY"),
        ("2026-11-23T16:00=3;2026-11-24T10:00=9", "'9' is not a priority"),
    ],
)
def test_bad_priority_history(reader: RowReader, history: str, expected: str) -> None:
    message = error_of(reader, 4, priority_history=history)
    assert message.startswith("incidents.csv:4: ")
    assert expected in message


def test_change_after_resolution_is_refused(reader: RowReader) -> None:
    message = error_of(
        reader,
        4,
        priority="1",
        resolved="2026-11-24T09:00",
        priority_history="2026-11-23T16:00=2;2026-11-24T10:00=1",
    )
    assert "priority_history: a change after the resolution" in message
