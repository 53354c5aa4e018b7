"""Reading exports row by row (line numbers as a person counts them) and writing atomically."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from engine.batch_io import (
    OUTPUT_COLUMNS,
    evaluate_export,
    input_format,
    output_format,
    read_rows,
)
from engine.batch_rows import ParsedRow, RowError, RowReader
from engine.contracts import resolve_target
from engine.errors import InputError, Problem
from engine.rules import RuleSet
from engine.times import parse_time

HEADER = "ticket,priority,reported,minutes\n"


@pytest.fixture
def reader(rules: RuleSet) -> RowReader:
    return RowReader("in.csv", rules.exception_rules().keys())


def lines_of(items: list[ParsedRow | RowError]) -> list[tuple[int, str]]:
    out = []
    for item in items:
        if isinstance(item, RowError):
            line = item.problems[0].location.line
            assert line is not None
            out.append((line, "error"))
        else:
            out.append((item.line, item.incident.ticket or ""))
    return out


def test_csv_line_numbers_count_the_header_blank_lines_and_quoted_newlines(
    tmp_path: Path, reader: RowReader
) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        HEADER
        + "T-1,1,2026-11-23T09:00,\n"  # line 2
        + "\n"  # line 3: blank, no row
        + '"T-2\nsecond line",2,2026-11-23T09:00,\n'  # lines 4-5, numbered 4
        + "T-3,9,2026-11-23T09:00,\n"  # line 6: bad priority
        + "T-4,1,2026-11-23T09:00\n",  # line 7: a cell short
        encoding="utf-8",
    )
    assert lines_of(list(read_rows(source, reader))) == [
        (2, "T-1"),
        (4, "T-2\nsecond line"),
        (6, "error"),
        (7, "error"),
    ]


def test_csv_with_a_byte_order_mark(tmp_path: Path, reader: RowReader) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(("\ufeff" + HEADER + "T-1,1,2026-11-23T09:00,\n").encode())
    assert lines_of(list(read_rows(source, reader))) == [(2, "T-1")]


def test_csv_header_problems_are_all_reported(tmp_path: Path, reader: RowReader) -> None:
    source = tmp_path / "in.csv"
    source.write_text("ticket,prioritiy,reportd,ticket\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        list(read_rows(source, reader))
    assert [str(p) for p in caught.value.problems] == [
        "in.csv:1:2: unknown column 'prioritiy'; did you mean 'priority'?",
        "in.csv:1:3: unknown column 'reportd'; did you mean 'reported'?",
        "in.csv:1:4: column 'ticket' appears twice",
        "in.csv:1: the header lacks the column(s) reported, priority",
    ]


def test_empty_and_non_utf8_files(tmp_path: Path, reader: RowReader) -> None:
    empty = tmp_path / "in.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="the file is empty"):
        list(read_rows(empty, reader))
    latin = tmp_path / "latin.csv"
    latin.write_bytes(HEADER.encode() + "T-1,1,2026-11-23T09:00,caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        list(read_rows(latin, reader))


def test_jsonl_rows_bad_json_and_non_objects(tmp_path: Path, reader: RowReader) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"ticket": "T-1", "priority": 1, "reported": "2026-11-23T09:00"}\n'
        "\n"
        "{not json}\n"
        "[1, 2]\n"
        '{"ticket": "T-5", "priority": 2, "reported": "2026-11-23T09:00"}\n',
        encoding="utf-8",
    )
    items = list(read_rows(source, reader))
    assert lines_of(items) == [(1, "T-1"), (3, "error"), (4, "error"), (5, "T-5")]
    assert str(items[1]).startswith("in.csv:3: not JSON")


def test_formats_by_extension() -> None:
    assert input_format(Path("a.CSV")) == "csv"
    assert input_format(Path("a.ndjson")) == "jsonl"
    assert output_format(Path("r.html")) == "html"
    with pytest.raises(InputError, match=r"name it \.csv or \.jsonl"):
        input_format(Path("a.xlsx"))
    with pytest.raises(InputError, match="unknown kind of output"):
        output_format(Path("a.pdf"))


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_evaluate_export_writes_every_good_row(tmp_path: Path, rules: RuleSet, suffix: str) -> None:
    """Standaard P1 reported Mon 16:00 (§1.2.11): first response due Tue 16:00."""
    source = tmp_path / "in.csv"
    source.write_text(HEADER + "T-1,1,2026-11-23T16:00,45\nT-2,1,gisteren,\n", encoding="utf-8")
    target = tmp_path / f"out{suffix}"
    rejected: list[Problem] = []
    summary = evaluate_export(
        rules,
        resolve_target(rules, "standaard"),
        source,
        parse_time("2026-11-23T17:00"),
        output=target,
        on_reject=rejected.append,
        name="in.csv",
    )
    assert (summary.rows_in, summary.rows_out, summary.rows_rejected) == (2, 1, 1)
    assert [str(p) for p in rejected] == [
        "in.csv:3: reported: 'gisteren' is not a time; write e.g. 2026-11-23T16:00"
    ]
    text = target.read_text(encoding="utf-8")
    if suffix == ".csv":
        records = list(csv.DictReader(text.splitlines()))
        assert tuple(records[0]) == OUTPUT_COLUMNS
        record = records[0]
        assert record["first_response_due"] == "2026-11-24T16:00:00+01:00"
        assert record["first_response_status"] == "open"
        assert record["time_on_site_status"] == "n/a"  # no visit
        assert record["cost"] == "0.00"
    else:
        record = json.loads(text.splitlines()[0])
        assert record["first_response"] == {
            "target": "8h",
            "priority": 1,
            "due": "2026-11-24T16:00:00+01:00",
            "status": "open",
        }
        assert record["cost"] == "0.00"
        assert record["row"] == 2
