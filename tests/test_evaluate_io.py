"""Exports read and written: CSV, JSON Lines and Parquet, line numbers, rejections, output."""

from __future__ import annotations

import csv
import gc
import json
import random
import weakref
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from engine.clock.times import parse_time
from engine.contract.load import resolve_target
from engine.errors import InputError, Problem
from engine.evaluate.export import evaluate_export, output_format
from engine.evaluate.gc_pacing import paced_collection
from engine.evaluate.read import input_format
from engine.evaluate.write import OUTPUT_COLUMNS
from engine.rules.ruleset import RuleSet

HEADER = "ticket,priority,reported,minutes\n"
AS_OF = parse_time("2026-12-01T09:00")


def run(
    rules: RuleSet, source: Path, target: Path | None = None, contract: str = "advanced"
) -> tuple[list[dict[str, str]], list[Problem], Any]:
    """`source` evaluated: the output rows (CSV), the rejections and the summary."""
    out = target or source.with_name("out.csv")
    rejected: list[Problem] = []
    summary = evaluate_export(
        rules,
        resolve_target(rules, contract),
        source,
        AS_OF,
        output=out,
        on_reject=rejected.append,
        name=source.name,
    )
    rows: list[dict[str, str]] = []
    if out.suffix == ".csv":
        with out.open(encoding="utf-8", newline="") as stream:
            rows = list(csv.DictReader(stream))
    return rows, rejected, summary


def test_csv_line_numbers_count_the_header_blank_lines_and_quoted_newlines(
    tmp_path: Path, rules: RuleSet
) -> None:
    """Blank lines, line breaks (\n, \r\n, \r) in quoted cells and short rows: the rows and
    rejections at the lines a person counts."""
    source = tmp_path / "in.csv"
    source.write_text(
        HEADER
        + "T-1,1,2026-11-23T09:00,\n"  # line 2
        + "\n"  # line 3: blank, no row
        + '"T-2\nsecond line",2,2026-11-23T09:00,\n'  # lines 4-5
        + '"T-3\r\nx\ry",3,2026-11-23T09:00,30\n'  # lines 6-8
        + ",,,\n"  # line 9: no row
        + "T-4,9,2026-11-23T09:00,\n"  # line 10: bad priority
        + "T-5,1,2026-11-23T09:00\n"  # line 11: a cell short
        + "T-7,2,2026-11-24T03:30,45\r\n"  # line 12: no service at night
        + "T-8,1,2026-11-23T09:00,10\r"  # line 13
        + "T-9,1,2026-11-23T09:00,10",  # line 14, no line break at the end
        encoding="utf-8",
        newline="",
    )
    rows, rejected, summary = run(rules, source)
    assert [str(p) for p in rejected] == [
        "in.csv:10: priority: '9' is not a priority; use 1, 2, 3 or 4",
        "in.csv:11: 3 cells, the header has 4; check the separators and quotes",
    ]
    assert [(r["row"], r["ticket"]) for r in rows] == [
        ("2", "T-1"),
        ("4", "T-2\nsecond line"),
        ("6", "T-3\r\nx\ry"),
        ("12", "T-7"),
        ("13", "T-8"),
        ("14", "T-9"),
    ]
    assert (summary.rows_in, summary.rows_out, summary.rows_rejected) == (8, 6, 2)


def test_csv_with_a_byte_order_mark(tmp_path: Path, rules: RuleSet) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(("\ufeff" + HEADER + "T-1,1,2026-11-23T09:00,\n").encode())
    rows, _, _ = run(rules, source)
    assert [(r["row"], r["ticket"]) for r in rows] == [("2", "T-1")]


def test_csv_header_problems_are_all_reported(tmp_path: Path, rules: RuleSet) -> None:
    source = tmp_path / "in.csv"
    source.write_text("ticket,prioritiy,reportd,ticket\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        run(rules, source)
    assert [str(p) for p in caught.value.problems] == [
        "in.csv:1:2: unknown column 'prioritiy'; did you mean 'priority'?",
        "in.csv:1:3: unknown column 'reportd'; did you mean 'reported'?",
        "in.csv:1:4: column 'ticket' appears twice",
        "in.csv:1: the header lacks the column(s) reported, priority",
    ]


def test_empty_and_non_utf8_files(tmp_path: Path, rules: RuleSet) -> None:
    empty = tmp_path / "in.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="the file is empty"):
        run(rules, empty)
    latin = tmp_path / "latin.csv"
    latin.write_bytes(HEADER.encode() + "T-1,1,2026-11-23T09:00,caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        run(rules, latin)


def test_jsonl_rows_bad_json_and_non_objects(tmp_path: Path, rules: RuleSet) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"ticket": "T-1", "priority": 1, "reported": "2026-11-23T09:00"}\n'
        "\n"
        "{not json}\n"
        "[1, 2]\n"
        '{"ticket": "T-5", "priority": 2, "reported": "2026-11-23T09:00"}\n',
        encoding="utf-8",
    )
    rows, rejected, _ = run(rules, source)
    assert [(r["row"], r["ticket"]) for r in rows] == [("1", "T-1"), ("5", "T-5")]
    assert [str(p) for p in rejected] == [
        "in.jsonl:3: not JSON (Expecting property name enclosed in double quotes at column 2); "
        "write one JSON object per line",
        "in.jsonl:4: not a JSON object; write one {...} per line",
    ]


def test_formats_by_extension() -> None:
    assert input_format(Path("a.CSV")) == "csv"
    assert input_format(Path("a.ndjson")) == "jsonl"
    assert input_format(Path("a.parquet")) == "parquet"
    assert output_format(Path("r.html")) == "html"
    with pytest.raises(InputError, match=r"name it \.csv, \.jsonl"):
        input_format(Path("a.xlsx"))
    with pytest.raises(InputError, match="unknown kind of output"):
        output_format(Path("a.pdf"))


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
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
    if suffix == ".csv":
        records = list(csv.DictReader(target.read_text(encoding="utf-8").splitlines()))
        assert tuple(records[0]) == OUTPUT_COLUMNS
        record = records[0]
        assert record["first_response_due"] == "2026-11-24T16:00:00+01:00"
        assert record["first_response_status"] == "open"
        assert record["time_on_site_status"] == "n/a"  # no visit
        assert record["cost"] == "0.00"
    elif suffix == ".jsonl":
        record = json.loads(target.read_text(encoding="utf-8").splitlines()[0])
        assert record["first_response"] == {
            "target": "8h",
            "priority": 1,
            "due": "2026-11-24T16:00:00+01:00",
            "status": "open",
        }
        assert record["cost"] == "0.00"
        assert record["row"] == 2
    else:
        table = pq.read_table(target)
        assert table.column_names == list(OUTPUT_COLUMNS)
        assert table.to_pylist()[0]["first_response_due"] == "2026-11-24T16:00:00+01:00"


_DAYS = (
    "2026-01-01",  # Nieuwjaarsdag, a Thursday
    "2026-03-27",  # the Friday before the spring DST change
    "2026-03-28",
    "2026-03-29",  # clocks forward 02:00 -> 03:00
    "2026-03-30",
    "2026-04-06",  # Tweede Paasdag
    "2026-04-27",  # Koningsdag, a Monday
    "2026-05-14",  # Hemelvaart
    "2026-10-23",
    "2026-10-24",
    "2026-10-25",  # clocks back 03:00 -> 02:00
    "2026-10-26",
    "2026-11-23",
    "2026-11-27",
    "2026-11-28",
    "2026-11-29",
    "2026-12-24",
    "2026-12-25",  # Kerstmis
    "2026-12-31",
)


def _varied_rows(count: int, seed: int) -> str:
    """Rows in every form the reader takes, and some it rejects, as CSV text."""
    rng = random.Random(seed)

    def moment(after: datetime | None = None) -> datetime:
        if after is not None and rng.random() < 0.98:
            return after + timedelta(minutes=rng.choice((0, 1, 7, 30, 59, 60, 90, 240, 600, 3000)))
        day = datetime.fromisoformat(rng.choice(_DAYS))
        return day + timedelta(minutes=rng.randrange(24 * 60))

    def text(value: datetime) -> str:
        form = rng.random()
        if form < 0.8:
            return value.strftime("%Y-%m-%dT%H:%M")
        if form < 0.88:
            return value.strftime("%Y-%m-%d %H:%M:%S")
        if form < 0.92:
            return value.strftime("%Y-%m-%dT%H:%M:30")
        if form < 0.96:
            return value.strftime("%Y-%m-%dT%H:%MZ")
        return value.strftime(" %Y-%m-%dT%H:%M")

    def pauses(reported: datetime) -> list[tuple[datetime, datetime]]:
        form = rng.random()
        start = moment(reported)
        if form < 0.25:  # often over open hours
            return [(start, moment(start))]
        if form < 0.35:  # a night, outside office hours
            night = reported.replace(hour=20, minute=0)
            return [(night, night + timedelta(hours=rng.choice((10, 11))))]
        if form < 0.45:  # from before the report to after any due time
            return [(reported - timedelta(hours=2), reported + timedelta(days=rng.choice((3, 9))))]
        if form < 0.6:  # two overlapping
            end = moment(start)
            middle = start + (end - start) / 2
            return [(start, end), (middle.replace(second=0, microsecond=0), moment(end))]
        found = [(start, moment(start))]  # two or three apart (three: judged row by row)
        for _ in range(rng.choice((1, 1, 2))):
            after = found[-1][1] + timedelta(minutes=rng.choice((1, 30, 600, 1500)))
            found.append((after, moment(after)))
        return found

    out = [
        "ticket,priority,reported,first_response,resolved,on_site_arrival,start,pauses,"
        "causes,minutes,work,on_site,travel_minutes,priority_history"
    ]
    for index in range(count):
        prio = rng.choice("1234" * 8 + " ")
        reported = moment()
        cells = [f"T-{index}", prio.strip(), text(reported)] + [""] * 11
        first = moment(reported) if rng.random() < 0.7 else None
        resolved = moment(first or reported) if rng.random() < 0.6 else None
        if first is not None:
            cells[3] = text(first)
        if resolved is not None:
            cells[4] = text(resolved)
        if rng.random() < 0.2:
            cells[5] = text(moment(reported))
        if rng.random() < 0.1:
            cells[6] = text(moment(reported))
        if rng.random() < 0.2:
            cells[7] = ";".join(f"{text(a)}/{text(b)}" for a, b in pauses(reported))
        if rng.random() < 0.1:
            cells[8] = rng.choice(("derde-partij", "misbruik", "overmacht", "geen-betrokkenheid"))
        if rng.random() < 0.8:
            cells[9] = rng.choice(("0", "10", "45", "60", "125", " 20") * 9 + ("x",))
            kinds = ("", "incident", "config-change", "outside-sla")
            cells[10] = rng.choice(kinds * 9 + ("other",))
            cells[11] = rng.choice(("", "", "true", "false", "TRUE"))
            if cells[11] == "true":
                cells[12] = rng.choice(("", "", "", "15", "30"))
        elif rng.random() < 0.3:
            cells[11] = "true"
        if rng.random() < 0.15:
            change = moment(reported)
            new = rng.choice("1234")
            cells[13] = f"{cells[2].strip()}={prio.strip() or '3'};{text(change)}={new}"
            cells[1] = rng.choice(("", new, new, "4"))
        if rng.random() < 0.01:
            cells[rng.randrange(14)] = rng.choice(("gisteren", "5", "-1", "2026-02-30T10:00"))
        out.append(",".join(f'"{cell}"' if "," in cell else cell for cell in cells))
    return "\n".join(out) + "\n"


def _as_jsonl(text: str) -> str:
    """CSV rows as JSON Lines with typed values (numbers, lists), as a helpdesk writes them."""
    out = []
    for record in csv.DictReader(text.splitlines()):
        values: dict[str, Any] = {k: v for k, v in record.items() if v != ""}
        for name in ("priority", "minutes", "travel_minutes"):
            if name in values and values[name].isdigit():
                values[name] = int(values[name])
        for name in ("pauses", "causes", "priority_history"):
            if name in values:
                values[name] = values[name].split(";")
        out.append(json.dumps(values))
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("target", ["advanced", "contracts/advocatenkantoor-meijer.yaml"])
def test_the_same_rows_as_csv_json_lines_and_parquet_give_the_same_results(
    tmp_path: Path, rules: RuleSet, target: str
) -> None:
    """Rows in every form the reader takes, and some it rejects: written as CSV, as JSON Lines
    with typed values and as Parquet, they are evaluated alike."""
    text = _varied_rows(400, seed=7)
    as_csv = tmp_path / "in.csv"
    as_csv.write_text(text, encoding="utf-8")
    as_jsonl = tmp_path / "in.jsonl"
    as_jsonl.write_text(_as_jsonl(text), encoding="utf-8")
    as_parquet = tmp_path / "in.parquet"
    import pyarrow.csv as pa_csv

    table = pa_csv.read_csv(
        as_csv,
        convert_options=pa_csv.ConvertOptions(
            column_types={name: "string" for name in text.split("\n")[0].split(",")},
            strings_can_be_null=True,
        ),
    )
    pq.write_table(table, as_parquet)
    results = {}
    for source in (as_csv, as_jsonl, as_parquet):
        rows, rejected, summary = run(rules, source, tmp_path / "out.csv", target)
        line = {"in.csv": 1, "in.jsonl": 0, "in.parquet": 0}[source.name]
        results[source.suffix] = (
            [{k: v for k, v in r.items() if k != "row"} for r in rows],
            [int(r["row"]) - line for r in rows],
            len(rejected),
            summary.statuses,
            summary.cost_total,
        )
    assert results[".csv"] == results[".jsonl"] == results[".parquet"]
    assert results[".csv"][2] > 0  # some rows were rejected


def test_paced_collection_collects_every_so_many_rows_and_restores_the_collector() -> None:
    class Node:
        other: Any = None

    assert gc.isenabled()
    with paced_collection(every=10) as done:
        assert not gc.isenabled()
        node = Node()
        node.other = node  # a cycle: only the collector frees it
        freed = weakref.ref(node)
        del node
        done(5)
        assert freed() is not None  # fewer than 10 rows: not yet
        done(10)
        assert freed() is None
    assert gc.isenabled()
