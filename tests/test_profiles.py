"""engine.evaluate.profiles: helpdesk exports, as each tool writes them, read through the shipped
profiles into the native columns; and the key property: the same rows give the same incidents
and the same outcomes through a profile as written by hand in the native format.

The sample exports in tests/data/exports/<tool>/ are written from each tool's documented field
names (see the comments of rules/profiles/<tool>.yaml); native.csv beside each holds the same
tickets as `sla evaluate` reads them, written by hand from the same facts.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from engine.contract.load import resolve_target
from engine.errors import InputError, SlaError, ValidationError
from engine.evaluate.profile_export import detect_delimiter, read_export
from engine.evaluate.profiles import (
    CONTRACT,
    Converted,
    ProfileConverter,
    find_profile,
    load_profile,
)
from engine.evaluate.rows import ParsedRow, RowReader
from engine.evaluate.run import Evaluator
from engine.paths import PROJECT_ROOT, RULES_DIR
from engine.rules.ruleset import RuleSet

DATA = Path(__file__).parent / "data" / "exports"
TOOLS = ("topdesk", "zendesk", "freshdesk", "jira", "glpi", "zammad")
AS_OF = datetime.fromisoformat("2026-12-01T09:00+01:00")


def convert(profile_name: str, path: Path, **options: Any) -> tuple[Converted, ProfileConverter]:
    """Every batch of the export converted, joined into one."""
    profile = find_profile(profile_name, RULES_DIR)
    converter = ProfileConverter(profile, str(path), **options)
    batches, lines, rejected = [], [], []
    for raw in read_export(path, profile):
        if profile.format == "csv":
            converter.check_header(raw.batch.schema.names)
        converted = converter.convert(raw.batch, raw.lines)
        batches.append(converted.batch)
        lines.extend(converted.lines.to_pylist())
        rejected.extend(raw.rejected + converted.rejected)
    table = pa.Table.from_batches(batches).combine_chunks()
    batch = table.to_batches()[0] if table.num_rows else batches[0]
    return Converted(batch, pa.array(lines, pa.int64()), tuple(rejected), converter.held), converter


def parsed_through_profile(
    rules: RuleSet, tool: str, path: Path
) -> list[tuple[ParsedRow, str | None]]:
    converted, _ = convert(tool, path)
    assert converted.rejected == ()
    reader = RowReader(str(path), rules.exception_rules().keys())
    out = []
    for line, row in zip(converted.lines.to_pylist(), converted.batch.to_pylist(), strict=True):
        contract = row.pop(CONTRACT)
        values = {key: value for key, value in row.items() if value is not None}
        out.append((reader.parse(line, values), contract))
    return out


def parsed_native(rules: RuleSet, path: Path) -> list[tuple[ParsedRow, str | None]]:
    reader = RowReader(str(path), rules.exception_rules().keys())
    out = []
    with path.open(newline="", encoding="utf-8") as stream:
        for number, row in enumerate(csv.DictReader(stream), start=2):
            contract = row.pop(CONTRACT) or None
            out.append((reader.parse(number, row), contract))
    return out


@pytest.mark.parametrize("tool", TOOLS)
def test_every_shipped_profile_is_valid(tool: str) -> None:
    profile = load_profile(RULES_DIR / "profiles" / f"{tool}.yaml")
    assert profile.id == tool


@pytest.mark.parametrize("tool", TOOLS)
def test_a_tools_export_gives_the_incidents_of_the_same_rows_written_natively(
    rules: RuleSet, tool: str
) -> None:
    export = next((DATA / tool).glob("export.*"))
    through_profile = parsed_through_profile(rules, tool, export)
    native = parsed_native(rules, DATA / tool / "native.csv")
    assert len(through_profile) == len(native) == 5
    for (mine, contract), (theirs, their_contract) in zip(through_profile, native, strict=True):
        assert mine.incident == theirs.incident
        assert mine.work == theirs.work
        assert mine.history == theirs.history
        assert contract == their_contract


@pytest.mark.parametrize("tool", TOOLS)
def test_a_tools_export_gives_the_outcomes_of_the_same_rows_written_natively(
    rules: RuleSet, tool: str
) -> None:
    contract = resolve_target(rules, "advanced")
    evaluator = Evaluator(rules, contract, AS_OF)
    export = next((DATA / tool).glob("export.*"))
    mine = [evaluator.evaluate(row) for row, _ in parsed_through_profile(rules, tool, export)]
    theirs = [
        evaluator.evaluate(row) for row, _ in parsed_native(rules, DATA / tool / "native.csv")
    ]
    for a, b in zip(mine, theirs, strict=True):
        assert (a.ticket, a.priority, a.reported, a.outcome, a.cost, a.note) == (
            b.ticket,
            b.priority,
            b.reported,
            b.outcome,
            b.cost,
            b.note,
        )
    assert any(result.cost is not None for result in mine) == (
        tool in ("topdesk", "jira", "glpi", "zammad")
    )


def test_freshdesk_priorities_count_the_other_way() -> None:
    converted, _ = convert("freshdesk", DATA / "freshdesk" / "export.jsonl")
    # Freshdesk 4 (urgent) is PRIO 1; Freshdesk 1 (low) is PRIO 4.
    assert converted.batch.column("priority").to_pylist() == ["1", "2", "3", "2", "4"]


@pytest.mark.parametrize("tool", ["topdesk", "glpi", "zendesk"])
def test_a_total_time_on_hold_is_a_warning_and_no_pause(tool: str) -> None:
    export = next((DATA / tool).glob("export.*"))
    converted, converter = convert(tool, export)
    assert converted.held == 1
    assert all(p is None for p in converted.batch.column("pauses").to_pylist())
    (warning,) = converter.warnings()
    assert "1 row(s)" in str(warning)
    assert "cannot be placed on the business-hours clock" in str(warning)
    assert f"rules/profiles/{tool}.yaml" in str(warning)


def test_the_dutch_excel_example_reads_with_its_bom_semicolons_and_pause() -> None:
    path = PROJECT_ROOT / "examples" / "exports" / "servicedesk-excel.csv"
    converted, _ = convert("servicedesk-excel", path)
    assert converted.rejected == ()
    assert converted.lines.to_pylist() == [2, 3, 4, 5, 6]
    rows = converted.batch.to_pylist()
    assert rows[0]["ticket"] == "M-2611-001"
    assert rows[0]["reported"] == "2026-11-23T16:00:00"
    assert rows[2]["pauses"] == "2026-11-24T12:00:00/2026-11-25T09:00:00"
    assert [r["work"] for r in rows] == [
        "incident",
        None,
        "outside-sla",
        "config-change",
        "incident",
    ]
    assert rows[3]["on_site"] == "true"


def test_the_delimiter_is_detected_from_the_header() -> None:
    assert detect_delimiter("Melding;Prioriteit;Aangemeld\n") == ";"
    assert detect_delimiter("a\tb\tc\n") == "\t"
    assert detect_delimiter("Issue key,Priority\n") == ","
    assert detect_delimiter("alone\n") == ","


def write_excel(tmp_path: Path, *rows: str, header: str | None = None) -> Path:
    header = (
        header
        or "Melding;Klantnummer;Prioriteit;Aangemeld;Eerste reactie;Afgemeld;"
        "Wacht vanaf;Wacht tot;Minuten;Soort werk;Op locatie"
    )
    path = tmp_path / "export.csv"
    path.write_bytes(("\ufeff" + "\n".join([header, *rows]) + "\n").encode("utf-8"))
    return path


def test_an_unknown_priority_is_rejected_naming_the_line_and_the_profile_key(
    tmp_path: Path,
) -> None:
    path = write_excel(
        tmp_path,
        "M-1;K-1;P1 - Kritiek;23-11-2026 16:00;;;;;;;",
        "M-2;K-1;Spoed!;23-11-2026 16:00;;;;;;;",
    )
    converted, _ = convert("servicedesk-excel", path)
    assert converted.lines.to_pylist() == [2]
    (rejection,) = converted.rejected
    assert rejection.line == 3
    (problem,) = rejection.problems
    text = str(problem)
    assert text.startswith(f"{path}:3: Prioriteit: 'Spoed!' is not one of the priorities")
    assert "add it under priorities (rules/profiles/servicedesk-excel.yaml:" in text


def test_priorities_match_without_regard_to_case(tmp_path: Path) -> None:
    path = write_excel(tmp_path, "M-1;K-1;p1 - kritiek;23-11-2026 16:00;;;;;;;")
    converted, _ = convert("servicedesk-excel", path)
    assert converted.batch.column("priority").to_pylist() == ["1"]


def test_an_unreadable_time_is_rejected_naming_time_format(tmp_path: Path) -> None:
    path = write_excel(
        tmp_path,
        "M-1;K-1;P2 - Hoog;2026-11-23 16:00;;;;;;;",
        "M-2;K-1;P2 - Hoog;30-02-2026 16:00;;;;;;;",
        "M-3;K-1;P2 - Hoog;23-11-2026 16:00;23-11-2026 15:00;;;;;;",
    )
    converted, _ = convert("servicedesk-excel", path)
    lines = {r.line: str(r.problems[0]) for r in converted.rejected}
    assert set(lines) == {2, 3}
    assert "Aangemeld: '2026-11-23 16:00' is not a time as time_format '%d-%m-%Y %H:%M'" in lines[2]
    assert "(rules/profiles/servicedesk-excel.yaml:" in lines[2]
    assert "'30-02-2026 16:00' is not a time" in lines[3]
    # A first response before the report is the native reader's to refuse: it passes through.
    assert converted.batch.column("first_response").to_pylist() == ["2026-11-23T15:00:00"]


def test_a_time_in_the_repeated_autumn_hour_is_refused_unless_told_which(tmp_path: Path) -> None:
    path = write_excel(tmp_path, "M-1;K-1;P2 - Hoog;25-10-2026 02:30;;;;;;;")
    converted, _ = convert("servicedesk-excel", path)
    (rejection,) = converted.rejected
    assert "happens twice in Europe/Amsterdam" in str(rejection.problems[0])
    assert "--ambiguous earlier or later" in str(rejection.problems[0])
    earlier, _ = convert("servicedesk-excel", path, ambiguous="earlier")
    later, _ = convert("servicedesk-excel", path, ambiguous="later")
    assert earlier.batch.column("reported").to_pylist() == ["2026-10-25T02:30:00+02:00"]
    assert later.batch.column("reported").to_pylist() == ["2026-10-25T02:30:00+01:00"]


def test_a_time_in_the_spring_gap_stays_an_error(tmp_path: Path) -> None:
    path = write_excel(tmp_path, "M-1;K-1;P2 - Hoog;29-03-2026 02:30;;;;;;;")
    for ambiguous in ("reject", "earlier", "later"):
        converted, _ = convert("servicedesk-excel", path, ambiguous=ambiguous)
        (rejection,) = converted.rejected
        assert "does not exist in Europe/Amsterdam" in str(rejection.problems[0])


def test_a_missing_csv_column_names_the_profile_key(tmp_path: Path) -> None:
    path = write_excel(tmp_path, "M-1;P2 - Hoog", header="Melding;Prio")
    with pytest.raises(InputError) as info:
        convert("servicedesk-excel", path)
    text = str(info.value)
    assert "the export has no column 'Prioriteit'" in text
    assert "maps to priority (rules/profiles/servicedesk-excel.yaml:" in text
    assert "columns.priority" in text


def test_a_missing_json_field_is_rejected_per_row_naming_the_profile_key(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    path.write_text(
        '{"id": 1, "priority": 4, "created_at": "2026-11-23T15:00:00Z"}\n'
        '{"priority": 4, "created_at": "2026-11-23T15:00:00Z"}\n'
        '{"id": 3, "priority": 9, "created_at": "gisteren"}\n'
        "not json\n"
    )
    converted, _ = convert("freshdesk", path)
    assert converted.lines.to_pylist() == [1]
    by_line = {r.line: [str(p) for p in r.problems] for r in converted.rejected}
    assert set(by_line) == {2, 3, 4}
    assert "id: missing; profile freshdesk reads ticket from here" in by_line[2][0]
    assert "columns.ticket" in by_line[2][0]
    assert any("created_at: 'gisteren' is not a time" in p for p in by_line[3])
    assert any("priority: '9' is not one of the priorities" in p for p in by_line[3])
    assert "not JSON" in by_line[4][0]


def test_undecodable_bytes_name_their_line(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(b"Melding;Prioriteit;Aangemeld\nM-1;P2 - Hoog;23-11-2026 16:00\nM-\xff;x;y\n")
    with pytest.raises(InputError) as info:
        convert("servicedesk-excel", path)
    assert f"{path}:3: bytes that are not utf-8 text" in str(info.value)


def test_a_cp1252_export_reads_with_its_encoding(tmp_path: Path) -> None:
    profile_path = tmp_path / "excel-1252.yaml"
    text = (RULES_DIR / "profiles" / "servicedesk-excel.yaml").read_text()
    profile_path.write_text(
        text.replace("id: servicedesk-excel", "id: excel-1252").replace(
            "encoding: utf-8", "encoding: cp1252"
        )
    )
    path = tmp_path / "export.csv"
    path.write_bytes(
        "Melding;Klantnummer;Prioriteit;Aangemeld;Eerste reactie;Afgemeld;Wacht vanaf;"
        "Wacht tot;Minuten;Soort werk;Op locatie\n"
        "Café-1;K-1;P2 - Hoog;23-11-2026 16:00;;;;;;;\n".encode("cp1252")
    )
    converted, _ = convert(str(profile_path), path)
    assert converted.batch.column("ticket").to_pylist() == ["Café-1"]


def test_minutes_in_seconds_count_a_started_minute(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "Issue key,Priority,Created,Resolved,Time Spent,Custom field (Organizations)\n"
        "SD-1,High,23/Nov/26 4:00 PM,,90,x\n"
        "SD-2,High,23/Nov/26 4:00 PM,,3600,x\n"
        "SD-3,High,23/Nov/26 4:00 PM,,1h,x\n"
    )
    converted, _ = convert("jira", path)
    assert converted.batch.column("minutes").to_pylist() == ["2", "60"]
    (rejection,) = converted.rejected
    assert "'1h' is not a number of seconds" in str(rejection.problems[0])


def test_an_unknown_profile_name_suggests_the_shipped_ones() -> None:
    with pytest.raises(SlaError) as info:
        find_profile("zendsk", RULES_DIR)
    assert "did you mean 'zendesk'" in str(info.value)
    assert "servicedesk-excel" in str(info.value)


def test_a_profile_with_an_unknown_zone_or_pattern_is_refused_at_its_key(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "id: bad\nformat: csv\ntimezone: Europe/Amsterdamm\ntime_format: '%d-%m-%Y %H:%M %Z'\n"
        "columns:\n  ticket: a\n  priority: b\n  reported: c\npriorities:\n  x: 1\n"
    )
    with pytest.raises(ValidationError) as info:
        load_profile(path)
    text = str(info.value)
    assert f"{path}:3:11: timezone: 'Europe/Amsterdamm' is not a known time zone" in text
    assert f"{path}:4:14: time_format: %Z cannot be used here" in text


def test_a_profile_must_map_the_required_fields(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "id: bad\nformat: csv\ntime_format: iso\ncolumns:\n  ticket: a\n  prioriteit: b\n"
        "priorities:\n  x: 5\n"
    )
    with pytest.raises(ValidationError) as info:
        load_profile(path)
    text = str(info.value)
    assert "unknown key 'prioriteit'; did you mean 'priority'" in text
    assert "missing required key 'reported'" in text
    assert "priorities.x: 5" in text


@pytest.mark.parametrize("tool", TOOLS)
def test_the_stage_gives_the_same_columns_whichever_reader_gives_it_the_raw_ones(tool: str) -> None:
    """pyarrow's own readers (nested structs, numbers as numbers) feed the stage as well as
    the line reader of profile_export does: the columnar reader can plug it in."""
    import pyarrow.csv as pacsv
    import pyarrow.json as pajson

    profile = find_profile(tool, RULES_DIR)
    export = next((DATA / tool).glob("export.*"))
    if profile.format == "jsonl":
        options = pajson.ParseOptions(explicit_schema=profile.json_schema())
        raw = pajson.read_json(export, parse_options=options)
    else:
        raw = pacsv.read_csv(
            export,
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in profile.columns.values()}
            ),
        )
    lines = list(range(2 if profile.format == "csv" else 1, raw.num_rows + 2))[: raw.num_rows]
    theirs = ProfileConverter(profile, str(export)).convert(raw, pa.array(lines, pa.int64()))
    mine, _ = convert(tool, export)
    assert theirs.rejected == ()
    assert theirs.batch.to_pylist() == mine.batch.to_pylist()


def test_a_time_column_read_as_a_naive_timestamp_is_refused() -> None:
    """pyarrow.json infers `2026-11-23T15:00:00Z` as a timestamp without zone: taken as local
    time it would be an hour off, so the stage refuses such a column rather than guess."""
    import pyarrow.json as pajson

    export = DATA / "freshdesk" / "export.jsonl"
    raw = pajson.read_json(export)
    converter = ProfileConverter(find_profile("freshdesk", RULES_DIR), str(export))
    with pytest.raises(InputError, match="read as a time without zone"):
        converter.convert(raw, pa.array(range(1, 6), pa.int64()))


def test_the_readme_shows_the_dutch_excel_profile_as_shipped(tmp_path: Path) -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```yaml\nid: servicedesk-excel", 1)[1].split("```", 1)[0]
    path = tmp_path / "servicedesk-excel.yaml"
    path.write_text("id: servicedesk-excel" + block)
    shown = load_profile(path)
    shipped = find_profile("servicedesk-excel", RULES_DIR)
    assert (shown.columns, shown.priorities, shown.values, shown.time_format) == (
        shipped.columns,
        shipped.priorities,
        shipped.values,
        shipped.time_format,
    )
    sample = (PROJECT_ROOT / "examples" / "exports" / "servicedesk-excel.csv").read_text(
        encoding="utf-8-sig"
    )
    assert "\n".join(sample.splitlines()[:2]) in readme


def write_profile(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(text)
    return path


MINE = """id: mine
format: csv
time_format: iso
minutes_unit: hours
columns:
  ticket: Ticket
  priority: Prio
  reported: Gemeld
  resolved: Opgelost
  pauses: Pauzes
  pause_start: Wacht van
  pause_end: Wacht tot
  causes: Oorzaak
  minutes: Uren
  priority_history: Historie
  hold_total: Wachttijd
priorities: {Hoog: 1, Laag: 4}
values:
  causes: {Derde partij: derde-partij}
"""


def test_value_maps_units_pauses_and_histories(tmp_path: Path, rules: RuleSet) -> None:
    profile = write_profile(tmp_path, MINE)
    path = tmp_path / "export.csv"
    path.write_text(
        "Ticket,Prio,Gemeld,Opgelost,Pauzes,Wacht van,Wacht tot,Oorzaak,Uren,Historie,Wachttijd\n"
        "T-1,Hoog,2026-11-23T10:00,2026-11-23T15:00,2026-11-23T11:00/2026-11-23T11:30,"
        '2026-11-23T12:00,2026-11-23T12:15,Derde partij,"1,5",,00:00\n'
        "T-2,,2026-11-23T10:00,,,,,derde-partij,0.25,2026-11-23T10:00=4;2026-11-23T11:00=1,PT0S\n"
        "T-3,Laag,2026-11-23T10:00,,,2026-11-23T12:00,,Brand,x,,1:30\n"
    )
    converted, converter = convert(str(profile), path)
    rows = converted.batch.to_pylist()
    assert [r["ticket"] for r in rows] == ["T-1", "T-2"]
    assert rows[0]["pauses"] == (
        "2026-11-23T11:00/2026-11-23T11:30;2026-11-23T12:00:00/2026-11-23T12:15:00"
    )
    assert rows[0]["causes"] == "derde-partij"
    assert rows[1]["causes"] == "derde-partij"  # an engine id passes as it is
    assert [r["minutes"] for r in rows] == ["90", "15"]
    assert rows[1]["priority"] is None  # the history gives it
    assert rows[1]["priority_history"] == "2026-11-23T10:00=4;2026-11-23T11:00=1"
    assert converted.held == 0  # 00:00 and PT0S are no time on hold
    (rejection,) = converted.rejected
    problems = [str(p) for p in rejection.problems]
    assert any("Wacht tot: missing while the pause has a start" in p for p in problems)
    assert any("Oorzaak: 'Brand' is not in the causes values" in p for p in problems)
    assert any("Uren: 'x' is not a number of hours" in p for p in problems)
    assert converter.warnings() == []  # the row on hold was rejected, so it is not counted
    reader = RowReader(str(path), rules.exception_rules().keys())
    parsed = []
    for line, row in zip(converted.lines.to_pylist(), rows, strict=True):
        row.pop(CONTRACT)
        parsed.append(reader.parse(line, {k: v for k, v in row.items() if v is not None}))
    assert len(parsed[0].incident.pauses) == 2
    assert parsed[1].incident.priority == 1
    assert [change.priority for change in parsed[1].history] == [4, 1]


def test_json_schema_keeps_time_fields_as_text() -> None:
    schema = find_profile("freshdesk", RULES_DIR).json_schema()
    assert schema.field("created_at").type == pa.string()
    assert schema.field("stats").type == pa.struct(
        [pa.field("first_responded_at", pa.string()), pa.field("resolved_at", pa.string())]
    )
    assert "priority" not in schema.names  # left to inference


def test_a_quoted_cell_over_two_lines_keeps_the_lines_of_the_rows_after_it(tmp_path: Path) -> None:
    path = write_excel(
        tmp_path,
        'M-1;K-1;P2 - Hoog;23-11-2026 16:00;;;;;;;;"twee\nregels"',
        "M-2;K-1;Spoed;23-11-2026 16:00;;;;;;;;",
        header="Melding;Klantnummer;Prioriteit;Aangemeld;Eerste reactie;Afgemeld;"
        "Wacht vanaf;Wacht tot;Minuten;Soort werk;Op locatie;Omschrijving",
    )
    converted, _ = convert("servicedesk-excel", path)
    assert converted.lines.to_pylist() == [2]
    assert [r.line for r in converted.rejected] == [4]


def test_a_record_with_too_many_cells_is_rejected_and_the_rest_read(tmp_path: Path) -> None:
    path = write_excel(
        tmp_path,
        "M-1;K-1;P2 - Hoog;23-11-2026 16:00;;;;;;;;extra",
        "M-2;K-1;P2 - Hoog;23-11-2026 16:00;;;;;;;",
    )
    converted, _ = convert("servicedesk-excel", path)
    assert converted.lines.to_pylist() == [3]
    (rejection,) = converted.rejected
    assert str(rejection.problems[0]) == f"{path}:2: 12 cells where the header has 11"


def test_a_mapped_column_twice_in_the_header_is_refused(tmp_path: Path) -> None:
    path = write_excel(
        tmp_path,
        "M-1;K-1;P2 - Hoog;23-11-2026 16:00;;;;;;;;x",
        header="Melding;Klantnummer;Prioriteit;Aangemeld;Eerste reactie;Afgemeld;"
        "Wacht vanaf;Wacht tot;Minuten;Soort werk;Op locatie;Prioriteit",
    )
    with pytest.raises(InputError, match="the export has two columns 'Prioriteit'"):
        convert("servicedesk-excel", path)
