"""`sla evaluate`: the shipped example exports end to end, bad rows, outputs and exit codes.

examples/exports/november.csv under Advanced as of Tue 1 Dec 2026 09:00, by hand:
P1 first response 3 met; resolution 2 met, 1 breached (T-1006: 4h20m from 09:10); time on site
1 met (T-1006 arrived 12:00, due 13:00). P2 first response and resolution each 1 met
(T-1004), 1 breached (T-1002, never answered), 1 best effort (T-1007, derde-partij). P3 first
response 4 met, 1 best effort; resolution 2 breached (T-1003, T-1005), 1 open (T-1008: 5h30m
of 8h), 1 at risk (T-1009: 7h of 8h), 1 best effort. P4 first response 1 open. Met 12,
breached 5: 70.6 %. Costs 0 + 90 + 45 + 145 + 45 + 0 = € 325,00; T-1012 (geen-betrokkenheid)
cannot be priced; 5 rows have no minutes.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from click.testing import CliRunner

from cli import main

NOVEMBER = "examples/exports/november.csv"
AS_OF = ["--as-of", "2026-12-01T09:00"]


def invoke(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(main, ["evaluate", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def test_summary_of_the_november_export(runner: CliRunner) -> None:
    code, out, err = invoke(runner, "advanced", NOVEMBER, *AS_OF, "--lang", "en")
    assert (code, err) == (0, "")
    assert out.startswith("Rows: 12 read, 12 evaluated, 0 rejected\n")
    assert "1     resolution        2         1        0     0            0       66.7%" in out
    assert "3     resolution        0         2        1     1            1        0.0%" in out
    assert "all                    12         5        1     2            4       70.6%" in out
    assert "Breached: 5\n" in out
    assert "7    T-1006  1     resolution      2026-11-26T13:10:00+01:00" in out
    assert out.endswith(
        "Costs: €325.00 (6 rows priced, 1 not priceable, 5 without minutes worked)\n"
    )


def test_rows_written_to_csv(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    code, out, _ = invoke(runner, "advanced", NOVEMBER, *AS_OF, "-o", str(target))
    assert code == 0
    assert out.endswith(f"wrote {target}\n")
    rows = {r["ticket"]: r for r in csv.DictReader(target.open(encoding="utf-8"))}
    assert len(rows) == 12
    assert rows["T-1011"]["first_response_due"] == "2026-11-30T12:00:00+01:00"
    assert rows["T-1009"]["resolution_status"] == "at_risk"
    assert rows["T-1005"]["cost"] == "145.00"
    assert rows["T-1012"]["cost"] == ""
    assert "not supported" in rows["T-1012"]["note"]
    assert rows["T-1007"]["exceptions"] == "derde-partij"


def test_malformed_rows_are_reported_and_the_rest_evaluated(runner: CliRunner) -> None:
    code, out, err = invoke(
        runner, "advanced", "examples/exports/malformed.csv", *AS_OF, "--lang", "en"
    )
    assert code == 1
    assert err.splitlines() == [
        "error: examples/exports/malformed.csv:3: reported: 'gisteren' is not a time; "
        "write e.g. 2026-11-23T16:00",
        "error: examples/exports/malformed.csv:4: priority: '7' is not a priority; "
        "use 1, 2, 3 or 4",
        "error: examples/exports/malformed.csv:5: resolved is before the report; check both times",
        "error: examples/exports/malformed.csv:6: ticket: missing; every incident has a "
        "ticket id (§2.9)",
        "error: examples/exports/malformed.csv:7: causes: unknown cause 'derde-partj'; "
        "did you mean 'derde-partij'?",
        "error: examples/exports/malformed.csv:8: minutes: 'twintig' is not a whole number "
        "of minutes; write e.g. 45",
        "error: examples/exports/malformed.csv:10: 3 cells, the header has 7; check the "
        "separators and quotes",
    ]
    assert out.startswith("Rows: 10 read, 3 evaluated, 7 rejected\n")


def test_jsonl_in_and_out(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "out.ndjson"
    code, _, err = invoke(
        runner, "advanced", "examples/exports/mixed.jsonl", *AS_OF, "-o", str(target)
    )
    assert code == 1
    assert "mixed.jsonl:4: minutes: 1.5 is not a whole number" in err
    assert "mixed.jsonl:5: not JSON" in err
    assert len(target.read_text(encoding="utf-8").splitlines()) == 4


def test_html_report(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    code, _, _ = invoke(runner, "advanced", NOVEMBER, *AS_OF, "-o", str(target), "--lang", "nl")
    assert code == 0
    html = target.read_text(encoding="utf-8")
    assert "<svg" in html and "<script" not in html
    assert "70,6%" in html


def test_never_overwrites_the_input(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    shutil.copy(NOVEMBER, source)
    before = source.read_bytes()
    code, _, err = invoke(runner, "advanced", str(source), *AS_OF, "-o", str(source))
    assert code == 1
    assert "would overwrite an input file" in err
    assert source.read_bytes() == before


def test_usage_errors(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = invoke(runner, "advanced", NOVEMBER, "--as-of", "gisteren")
    assert code == 2
    assert "'gisteren' is not a date and time" in err
    code, _, err = invoke(runner, "advanced", "incidents.xlsx")
    assert code == 1
    assert "name it .csv, .jsonl (JSON Lines, also .ndjson) or .parquet" in err
    code, _, err = invoke(runner, "advanced", NOVEMBER, "-o", str(tmp_path / "x.pdf"))
    assert code == 1
    assert "unknown kind of output" in err


def test_no_progress_when_stderr_is_not_a_terminal(runner: CliRunner) -> None:
    _, _, err = invoke(runner, "advanced", NOVEMBER, *AS_OF)
    assert "rows evaluated" not in err


def test_help_has_an_example(runner: CliRunner) -> None:
    result = runner.invoke(main, ["evaluate", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
