"""Hostile inputs outside the batch reader (issue 12): each case is named after the defect it
guards against. Each one crashed ("internal error", a segfault, a hang) or was silently
misread before; now it is refused with a location (exit 1) or as a usage error (exit 2)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from engine.clock.durations import parse_duration
from engine.errors import InputError, YamlError
from engine.rules.yaml_loader import MAX_DEPTH, parse_yaml

BAKKERIJ = Path("contracts/bakkerij-de-vries.yaml").read_text(encoding="utf-8")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def bakkerij(tmp_path: Path, old: str, new: str, name: str = "c.yaml") -> Path:
    assert old in BAKKERIJ
    return write(tmp_path, name, BAKKERIJ.replace(old, new))


def no_internal_error(output: str) -> None:
    assert "internal error" not in output
    assert "Traceback" not in output


# Depth, digits and size.


def test_yaml_nested_500_deep_is_an_error_at_its_line_not_a_recursion_error() -> None:
    text = "customer: x\nextra: " + "[" * 500 + "]" * 500 + "\n"
    with pytest.raises(YamlError) as caught:
        parse_yaml(text.encode(), "deep.yaml")
    problem = caught.value.problems[0]
    assert problem.location.line == 2
    assert f"nested more than {MAX_DEPTH} levels deep" in problem.message


def test_yaml_nested_400000_deep_does_not_crash_the_interpreter() -> None:
    # libyaml's composer recursed in C: this file killed the process with SIGSEGV.
    text = "customer: x\nextra: " + "[" * 400_000 + "]" * 400_000 + "\n"
    with pytest.raises(YamlError, match="nested more than"):
        parse_yaml(text.encode(), "deep.yaml")


def test_nesting_up_to_the_limit_is_read() -> None:
    depth = MAX_DEPTH - 1  # the root mapping is one level
    text = "a: " + "[" * depth + "1" + "]" * depth + "\n"
    value = parse_yaml(text.encode(), "ok.yaml").data["a"]
    for _ in range(depth):
        value = value[0]
    assert value == 1


def test_deep_file_in_a_multi_file_validate_does_not_hide_the_other_files_problems(
    runner: CliRunner, tmp_path: Path
) -> None:
    deep = write(tmp_path, "deep.yaml", "customer: x\nextra: " + "[" * 500 + "]" * 500 + "\n")
    other = bakkerij(tmp_path, "period_months: 12", "period_months: 0", "other.yaml")
    result = runner.invoke(main, ["validate", "--format", "json", str(deep), str(other)])
    no_internal_error(result.output)
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    files = {row["file"] for row in rows}
    assert files == {str(deep), str(other)}


def test_a_5000_digit_integer_is_refused_with_its_location() -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml(b"customer: x\nperiod_months: " + b"9" * 5000 + b"\n", "big.yaml")
    problem = caught.value.problems[0]
    assert (problem.location.line, problem.location.path) == (2, "period_months")
    assert "5000 digits" in problem.message


def test_an_infinite_float_is_refused() -> None:
    with pytest.raises(YamlError, match="not a number this file can hold"):
        parse_yaml(b"a: 1.0e+999\n", "inf.yaml")


def test_a_30_digit_duration_is_a_schema_error_not_an_overflow(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = bakkerij(tmp_path, "first_response: 1h", "first_response: " + "9" * 30 + "h")
    result = runner.invoke(main, ["validate", str(path)])
    no_internal_error(result.output)
    assert result.exit_code == 1
    assert "overrides.targets.P1.first_response" in result.output


def test_first_response_99999999h_is_refused_by_validate_so_deadline_cannot_hang(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = bakkerij(tmp_path, "first_response: 1h", "first_response: 99999999h")
    result = runner.invoke(
        main, ["deadline", str(path), "--priority", "1", "--reported", "2026-11-23T16:00"]
    )
    assert result.exit_code == 1
    assert "at most 10000h" in result.output


@pytest.mark.parametrize("text", ["10001h", "99999999h", "1h1000m", "1" * 40 + "h"])
def test_parse_duration_refuses_more_than_10000_hours(text: str) -> None:
    with pytest.raises(InputError, match="at most 10000h"):
        parse_duration(text)


def test_parse_duration_takes_10000_hours() -> None:
    assert parse_duration("10000h").total_seconds() == 10000 * 3600


def test_new_with_a_10_to_the_32_hours_target_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "new.yaml"
    result = runner.invoke(
        main,
        [
            "new",
            "--no-input",
            "--customer",
            "Groot B.V.",
            "--tier",
            "maatwerk",
            "--base",
            "enterprise",
            "--start",
            "2026-01-01",
            "--period-months",
            "12",
            "--set",
            "targets.P1.first_response=1" + "0" * 32 + "h",
            "-o",
            str(out),
        ],
    )
    no_internal_error(result.output)
    assert result.exit_code in (1, 2)
    assert not out.exists()


# Years 0001 and 9999.


@pytest.mark.parametrize("year", ["0001", "9999"])
def test_a_contract_starting_in_year_0001_or_9999_is_refused_by_term(
    runner: CliRunner, tmp_path: Path, year: str
) -> None:
    path = bakkerij(tmp_path, "start: 2026-01-01", f"start: {year}-12-31")
    result = runner.invoke(main, ["term", str(path)])
    no_internal_error(result.output)
    assert result.exit_code == 1
    assert "start" in result.output and "1900–2999" in result.output


@pytest.mark.parametrize("on", ["9999-12-31", "0001-01-01"])
def test_term_on_a_date_outside_the_counted_years_is_refused(runner: CliRunner, on: str) -> None:
    result = runner.invoke(main, ["term", "contracts/bakkerij-de-vries.yaml", "--on", on])
    no_internal_error(result.output)
    assert result.exit_code == 1
    assert "1900-01-01 to 2999-12-31" in result.output


@pytest.mark.parametrize(
    "options",
    [
        ["--reported", "0001-01-01T10:00"],
        ["--reported", "9999-12-31T10:00"],
        ["--reported", "2026-11-23T10:00", "--pause", "2026-11-23T11:00/9999-12-31T12:00"],
    ],
)
def test_deadline_with_year_0001_or_9999_is_a_usage_error(
    runner: CliRunner, options: list[str]
) -> None:
    result = runner.invoke(main, ["deadline", "advanced", "--priority", "1", *options])
    no_internal_error(result.output)
    assert result.exit_code == 2
    assert "1900–2999" in result.output


def test_quote_incident_in_year_9999_is_refused_at_its_file(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "i.yaml",
        "ticket: T-1\npriority: 1\nreported: '9999-12-31T10:00'\nminutes: 10\n",
    )
    result = runner.invoke(main, ["quote", "advanced", "--incident", str(path)])
    no_internal_error(result.output)
    assert result.exit_code == 1
    assert "9999" in result.output


@pytest.mark.parametrize("option", ["--minutes", "--travel-minutes"])
def test_huge_minutes_on_the_command_line_are_a_usage_error(runner: CliRunner, option: str) -> None:
    args = ["quote", "advanced", "--priority", "1", "--start", "2026-11-23T10:00"]
    args += ["--minutes", "10", "--on-site"] if option == "--travel-minutes" else []
    result = runner.invoke(main, [*args, option, "9" * 29])
    no_internal_error(result.output)
    assert result.exit_code == 2


def test_a_40_digit_purchase_in_a_ledger_is_refused_with_its_location(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "l.yaml",
        "contract: standaard\npurchases:\n  - {date: 2026-01-05, hours: " + "9" * 40 + "}\n",
    )
    result = runner.invoke(main, ["hours", str(path)])
    no_internal_error(result.output)
    assert result.exit_code == 1
    assert "l.yaml:3:" in result.output and "purchases[0].hours" in result.output


# Silent misreads.


def test_period_months_12_0_is_refused_not_read_as_12(runner: CliRunner, tmp_path: Path) -> None:
    path = bakkerij(tmp_path, "period_months: 12", "period_months: 12.0")
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert "period_months: 12.0 is not a whole number" in result.output


def test_incident_priority_1_0_is_refused_not_quoted_as_prio_1_0(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "i.yaml",
        "ticket: T-1\npriority: 1.0\nreported: '2026-11-23T10:00'\nminutes: 10\n",
    )
    result = runner.invoke(main, ["quote", "advanced", "--incident", str(path)])
    assert result.exit_code == 1
    assert "PRIO 1.0" not in result.output
    assert "priority" in result.output


@pytest.mark.parametrize(
    ("name", "text"),
    [("escaped NUL", '"Bak\\0kerij"'), ("blank", '"   "'), ("newline", '"Bak\\nkerij"')],
)
def test_a_customer_name_with_nul_newline_or_only_blanks_is_refused(
    runner: CliRunner, tmp_path: Path, name: str, text: str
) -> None:
    path = bakkerij(tmp_path, "customer: Bakkerij De Vries B.V.", f"customer: {text}")
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 1, name
    assert ":2:11: customer:" in result.output


def test_a_ticket_with_a_control_character_in_a_ledger_is_refused(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "l.yaml",
        "# yaml-language-server: $schema=../schemas/ledger.schema.json\n"
        "contract: standaard\npurchases:\n  - {date: 2026-01-05, hours: 5}\n"
        'calls:\n  - {ticket: "T-1\\e[31m", date: 2026-01-06, minutes: 10}\n',
    )
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert "calls[0].ticket" in result.output
    assert "\x1b" not in result.output


def test_validate_of_dev_null_is_refused_not_0_files_valid(runner: CliRunner) -> None:
    result = runner.invoke(main, ["validate", os.devnull])
    assert result.exit_code == 1
    assert "not a regular file" in result.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a FIFO")
def test_validate_of_a_fifo_is_refused_without_blocking(runner: CliRunner, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    result = runner.invoke(main, ["validate", str(fifo)])
    assert result.exit_code == 1
    assert "not a regular file" in result.output


def test_a_date_of_year_0001_is_a_date_error_not_an_octal_number() -> None:
    document = parse_yaml(b"start: 0001-01-01\n", "c.yaml")
    assert document.data == {"start": "0001-01-01"}


# Prompts, notices and output names.


def test_new_at_a_prompt_with_empty_stdin_is_a_usage_error_not_an_internal_error(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(main, ["new", "-o", str(tmp_path / "x.yaml")], input="")
    no_internal_error(result.output)
    assert result.exit_code == 2
    assert "the input ended" in result.output and "--customer" in result.output
    assert not (tmp_path / "x.yaml").exists()


def test_new_at_a_prompt_with_ctrl_c_is_a_usage_error_not_an_internal_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import click

    from cli import _asker

    def interrupted(prompt: str) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(click.termui, "visible_prompt_func", interrupted)
    ask = _asker(no_input=False)
    with pytest.raises(click.UsageError, match="the input ended"):
        ask("--customer", "Customer (legal name)", check=str.strip)


NOTICE = Path("examples/maintenance/bakkerij-server-update.yaml").read_text(encoding="utf-8")


def test_a_maintenance_notice_issued_after_its_window_is_refused(
    runner: CliRunner, tmp_path: Path
) -> None:
    assert "issued: 2026-11-16" in NOTICE
    path = write(tmp_path, "n.yaml", NOTICE.replace("issued: 2026-11-16", "issued: 2026-11-25"))
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert "issued: issued 2026-11-25, after the window starts (2026-11-23)" in result.output


def test_render_md_to_a_pdf_file_name_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    result = runner.invoke(
        main,
        [
            "render",
            "contracts/bakkerij-de-vries.yaml",
            "--doc",
            "annex",
            "--format",
            "md",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 2
    assert "x.pdf is a pdf file name but --format is md" in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--start", "9999-01-01", "not in the years 1900–2999"),
        ("--customer", "Bak\x1bkerij", "without control characters"),
    ],
)
def test_new_refuses_a_year_9999_start_or_a_control_character_as_usage_errors(
    runner: CliRunner, tmp_path: Path, option: str, value: str, message: str
) -> None:
    given = {"--customer": "X B.V.", "--start": "2026-01-01", option: value}
    args = ["new", "--no-input", "--tier", "advanced", "--period-months", "12"]
    for name, text in given.items():
        args += [name, text]
    result = runner.invoke(main, [*args, "-o", str(tmp_path / "n.yaml")])
    no_internal_error(result.output)
    assert result.exit_code == 2
    assert message in result.output
