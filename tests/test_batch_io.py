"""Reading exports row by row (line numbers as a person counts them) and writing atomically."""

from __future__ import annotations

import csv
import gc
import json
import random
import weakref
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from engine.clock.times import parse_time
from engine.contract.load import resolve_target
from engine.errors import InputError, Problem
from engine.evaluate.export import (
    OUTPUT_COLUMNS,
    RowWriter,
    evaluate_export,
    input_format,
    output_format,
    read_rows,
)
from engine.evaluate.gc_pacing import paced_collection
from engine.evaluate.rows import ParsedRow, RowError, RowReader
from engine.evaluate.run import Evaluator, Summary, SummaryBuilder, run
from engine.evaluate.vector import VectorBatch
from engine.incident.vector_clocks import VectorClocks
from engine.rules.ruleset import RuleSet

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


def _row_by_row(
    tmp_path: Path, rules: RuleSet, contract: Any, source: Path, moment: datetime
) -> tuple[bytes, list[str], Summary]:
    """The reference the faster paths must equal: `source` evaluated by `run`, one parsed
    row at a time, written as CSV; its bytes, its rejections as text and its summary."""
    reader = RowReader(str(source), rules.exception_rules().keys())
    evaluator = Evaluator(rules, contract, moment)
    builder = SummaryBuilder(rules.settings.breach_list_limit, moment)
    rejected: list[Problem] = []
    general_out = tmp_path / "general.csv"
    with general_out.open("w", encoding="utf-8", newline="") as stream:
        writer = RowWriter(stream, "csv")
        for result in run(read_rows(source, reader), evaluator, builder, rejected.append):
            writer.write(result)
    return general_out.read_bytes(), [str(p) for p in rejected], builder.summary()


@pytest.mark.parametrize("chunk", [1, 2, 3, 100])
def test_the_array_path_numbers_lines_as_the_general_path_does(
    tmp_path: Path, rules: RuleSet, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """Blank lines, line breaks (\n, \r\n, \r) in quoted cells, short rows and a record the
    csv module refuses, read in chunks: the rows and rejections at the lines a person counts."""
    monkeypatch.setattr("engine.evaluate.export.CHUNK_ROWS", chunk)
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
        + f'T-6,1,"{"x" * 200_000}",\n'  # line 12: larger than the csv module's field limit
        + "T-7,2,2026-11-24T03:30,45\n"  # line 13: no service at night
        + "T-8,1,2026-11-23T09:00,10\n",  # line 14
        encoding="utf-8",
        newline="",
    )
    contract = resolve_target(rules, "advanced")
    moment = parse_time("2026-12-01T09:00")
    fast_out, fast_rejected = tmp_path / "fast.csv", list[Problem]()
    fast = evaluate_export(
        rules, contract, source, moment, output=fast_out, on_reject=fast_rejected.append
    )
    assert [p.location.line for p in fast_rejected] == [10, 11, 12]
    assert "not CSV" in fast_rejected[2].message
    with fast_out.open(encoding="utf-8", newline="") as stream:
        written = list(csv.DictReader(stream))
    assert [(r["row"], r["ticket"]) for r in written] == [
        ("2", "T-1"),
        ("4", "T-2\nsecond line"),
        ("6", "T-3\r\nx\ry"),
        ("13", "T-7"),
        ("14", "T-8"),
    ]
    general_out, general_rejected, general = _row_by_row(tmp_path, rules, contract, source, moment)
    assert fast_out.read_bytes() == general_out
    assert [str(p) for p in fast_rejected] == general_rejected
    assert fast == general


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


# -- the integer path (RowReader.epoch_row, Clocks.judge_epoch, ...) against the general one ---

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


@pytest.mark.parametrize("target", ["advanced", "contracts/advocatenkantoor-meijer.yaml"])
@pytest.mark.parametrize("as_of", ["2026-12-01T09:00", "2026-10-25T14:30:00.250000+01:00"])
def test_the_integer_path_writes_what_the_general_path_writes(
    tmp_path: Path, rules: RuleSet, target: str, as_of: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Byte for byte the same CSV, the same rejections and the same summary, over rows on
    DST days, holidays, nights and weekends, with and without every optional column; in
    chunks of 97 rows, so the arrays (engine.evaluate.vector) judge most rows of many chunks and
    the per-row path the others, in between."""
    monkeypatch.setattr("engine.evaluate.export.CHUNK_ROWS", 97)
    judged = _count_vector_rows(monkeypatch)
    closed = _count_no_service_notes(monkeypatch)
    paused = _count_vector_pauses(monkeypatch)
    changed = _count_vector_histories(monkeypatch)
    source = tmp_path / "in.csv"
    source.write_text(_varied_rows(1500, seed=len(target) + len(as_of)), encoding="utf-8")
    contract = resolve_target(rules, target)
    moment = parse_time(as_of)
    fast_out, fast_rejected = tmp_path / "fast.csv", list[Problem]()
    fast = evaluate_export(
        rules, contract, source, moment, output=fast_out, on_reject=fast_rejected.append
    )
    general_out, general_rejected, general = _row_by_row(tmp_path, rules, contract, source, moment)
    assert fast_out.read_bytes() == general_out
    assert [str(p) for p in fast_rejected] == general_rejected
    assert fast == general
    # the rows really were varied: every status, some rejected, some breaches listed
    statuses = {status for counts in fast.statuses.values() for status in counts}
    assert statuses == {"met", "breached", "open", "at_risk", "best_effort", "n/a"}
    assert 10 < fast.rows_rejected < 400 and fast.breaches and fast.not_priced
    assert 500 < sum(judged) < fast.rows_out - 100 and len(judged) == 16
    # calls at night got their "no service" note from the arrays, not one by one
    assert 20 < sum(closed) < fast.not_priced
    # rows with one and with two pauses (after merging) were judged by the arrays
    assert sum(one for one, _ in paused) > 50 and sum(two for _, two in paused) > 10
    # rows with a priority history too; on Meijer's contract (P1/P2 on 24/7 hours, P3/P4 on
    # office hours) those mixing the two calendars went row by row
    arrays, rows = (sum(counts) for counts in zip(*changed, strict=True))
    if "meijer" in target:
        assert 15 < arrays < rows / 2
    else:  # the others have a priority the history contradicts, or a change after resolving
        assert arrays > rows / 2


def _count_vector_rows(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of rows the arrays judged, per chunk."""
    counts: list[int] = []
    count = VectorBatch._count

    def counting(self: VectorBatch, plan: Any, *rest: Any) -> None:
        counts.append(len(plan))
        count(self, plan, *rest)

    monkeypatch.setattr(VectorBatch, "_count", counting)
    return counts


def _count_vector_histories(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Per chunk, the rows with a priority history the arrays judged, and all such rows
    that were otherwise plain."""
    counts: list[tuple[int, int]] = []
    changes = VectorBatch._priority_changes

    def counting(self: VectorBatch, texts: Any, rows: Any, ok: Any, *rest: Any) -> Any:
        found = changes(self, texts, rows, ok, *rest)
        counts.append((int(ok[rows].sum()), len(rows)))
        return found

    monkeypatch.setattr(VectorBatch, "_priority_changes", counting)
    return counts


def _count_vector_pauses(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Per chunk, the rows with one and with two merged pauses the arrays judged."""
    counts: list[tuple[int, int]] = []
    judge = VectorClocks.judge

    def counting(self: VectorClocks, *args: Any) -> Any:
        found = judge(self, *args)
        count, ok = args[-1].count, found[3]
        counts.append((int((ok & (count == 1)).sum()), int((ok & (count == 2)).sum())))
        return found

    monkeypatch.setattr(VectorClocks, "judge", counting)
    return counts


def _count_no_service_notes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of rows whose no-service note the arrays wrote, per chunk."""
    counts: list[int] = []
    no_service = VectorBatch._no_service

    def counting(self: VectorBatch, at: Any) -> Any:
        numbers = no_service(self, at)
        counts.append(int((numbers >= 0).sum()))
        return numbers

    monkeypatch.setattr(VectorBatch, "_no_service", counting)
    return counts


@pytest.mark.parametrize(
    ("chunk", "mode", "target"),
    [
        (1, "carry_over", "advanced"),
        (7, "carry_over", "advanced"),
        (20_000, "carry_over", "advanced"),
        (7, "recompute", "advanced"),
        # P1/P2 on 24/7 hours, P3/P4 on office hours: a priority history moves a clock
        # from one calendar to the other
        (97, "recompute", "contracts/advocatenkantoor-meijer.yaml"),
    ],
)
def test_the_array_path_writes_what_the_general_path_writes_in_any_chunks(
    tmp_path: Path,
    rules: RuleSet,
    monkeypatch: pytest.MonkeyPatch,
    chunk: int,
    mode: str,
    target: str,
) -> None:
    """More rows (seeded), as-of in the middle of the rows' year, chunks of one row, a few
    rows and all rows, under either priority_change setting: the same bytes, rejections and
    summary as the general path. The arrays' caches of cell texts and costs hold only 50
    entries here, so they are emptied and refilled many times."""
    monkeypatch.setattr("engine.evaluate.export.CHUNK_ROWS", chunk)
    monkeypatch.setattr("engine.evaluate.vector._CACHE", 50)
    rules = rules.with_settings(priority_change=mode)
    source = tmp_path / "in.csv"
    source.write_text(_varied_rows(4000, seed=20261123), encoding="utf-8")
    contract = resolve_target(rules, target)
    moment = parse_time("2026-10-25T02:30:00+01:00")
    fast_out, fast_rejected = tmp_path / "fast.csv", list[Problem]()
    fast = evaluate_export(
        rules, contract, source, moment, output=fast_out, on_reject=fast_rejected.append
    )
    general_out, general_rejected, general = _row_by_row(tmp_path, rules, contract, source, moment)
    assert fast_out.read_bytes() == general_out
    assert [str(p) for p in fast_rejected] == general_rejected
    assert fast == general
    assert fast.breaches_total > len(fast.breaches) > 0


def test_evaluating_creates_no_reference_cycles(tmp_path: Path, rules: RuleSet) -> None:
    """engine.evaluate.gc_pacing turns automatic collection off while rows are evaluated, so the
    rows
    (calls at night whose quote raises NoService, rejected rows, pauses, priority changes)
    must be freed by reference counting alone: nothing is left for the collector."""
    source = tmp_path / "in.csv"
    source.write_text(_varied_rows(600, seed=7), encoding="utf-8")
    contract = resolve_target(rules, "advanced")
    moment = parse_time("2026-12-01T09:00")

    def evaluate() -> Any:
        return evaluate_export(
            rules, contract, source, moment, output=tmp_path / "out.csv", on_reject=print
        )

    evaluate()  # first use: imports and caches
    gc.collect()
    gc.disable()
    try:
        summary = evaluate()
        assert gc.collect() == 0
    finally:
        gc.enable()
    assert summary.rows_rejected and summary.not_priced  # the rows that used to leave cycles


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


def test_a_chunk_keeps_only_the_costs_of_known_call_facts_from_the_chunks_before(
    tmp_path: Path, rules: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A no-service note is one start's; the arrays number it for its chunk only, so the cost
    table holds the call facts seen so far plus at most one chunk's notes: memory stays flat."""
    monkeypatch.setattr("engine.evaluate.export.CHUNK_ROWS", 10)
    notes_held: list[int] = []
    run_chunk = VectorBatch.run

    def recording(self: VectorBatch, *args: Any) -> None:
        run_chunk(self, *args)
        notes_held.append(len(self._costs) - 1 - len(self._cost_numbers))

    monkeypatch.setattr(VectorBatch, "run", recording)
    closed = _count_no_service_notes(monkeypatch)
    source = tmp_path / "in.csv"
    source.write_text(_varied_rows(1500, seed=3), encoding="utf-8")
    moment = parse_time("2026-12-01T09:00")
    evaluate_export(
        rules, resolve_target(rules, "advanced"), source, moment, on_reject=lambda p: None
    )
    assert sum(closed) > 30  # many more notes than one chunk's rows
    assert max(notes_held) <= 10
