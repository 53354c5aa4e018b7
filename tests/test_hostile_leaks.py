"""Leaks and injections outside `evaluate` (issue 12): each case is named after the defect."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from engine.contract.diff import _cell
from engine.errors import Location, Problem
from engine.rules.problems import as_github, as_text

LEDGER_HEADER = "# yaml-language-server: $schema=../schemas/ledger.schema.json\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# A ledger's contract: only a contract file or a tier id, never another file's content.


@pytest.mark.parametrize("fmt", ["text", "github", "json"])
def test_a_ledger_naming_etc_passwd_does_not_print_its_content(
    runner: CliRunner, tmp_path: Path, fmt: str
) -> None:
    secret = write(tmp_path, "secret", "root:x:0:0:root:/root:/bin/bash\nTOKEN=hunter2\n")
    ledger = write(
        tmp_path,
        "l.yaml",
        LEDGER_HEADER + f"contract: {secret}\npurchases:\n  - {{date: 2026-01-05, hours: 5}}\n",
    )
    result = runner.invoke(main, ["validate", "--format", fmt, str(ledger)])
    assert result.exit_code == 1
    assert "root:x" not in result.output and "hunter2" not in result.output
    assert "neither a tier nor a contract (.yaml) file" in result.output


def test_a_ledger_naming_a_yaml_file_that_is_no_contract_does_not_quote_it(
    runner: CliRunner, tmp_path: Path
) -> None:
    write(tmp_path, "keys.yaml", "customer: {api_key: hunter2}\npassword: hunter3\n")
    ledger = write(
        tmp_path,
        "l.yaml",
        LEDGER_HEADER + "contract: keys.yaml\npurchases:\n  - {date: 2026-01-05, hours: 5}\n",
    )
    result = runner.invoke(main, ["hours", str(ledger)])
    assert result.exit_code == 1
    assert "hunter" not in result.output
    assert f"{ledger}:2:11: contract: 'keys.yaml' is not a valid contract file" in result.output


def test_show_of_a_non_yaml_file_does_not_read_it(runner: CliRunner, tmp_path: Path) -> None:
    secret = write(tmp_path, "id_rsa", "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n")
    result = runner.invoke(main, ["show", str(secret)])
    assert result.exit_code == 1
    assert "BEGIN" not in result.output and "AAAA" not in result.output
    assert "is not a contract file" in result.output


def test_a_long_value_is_quoted_in_at_most_60_characters(runner: CliRunner, tmp_path: Path) -> None:
    path = write(
        tmp_path, "c.yaml", "customer: x\nstart: 2026-01-01\nperiod_months: '" + "z" * 5000 + "'\n"
    )
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert "z" * 60 not in result.output and "z" * 50 in result.output


# Control characters and workflow commands in what validate prints.

INJECTED = (
    'customer: X\nstart: 2026-01-01\nperiod_months: 12\n"a\\n::error file=x::pwned\\e[2J": 1\n'
)


def test_a_key_path_with_a_newline_cannot_emit_a_workflow_command_in_text_output(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = write(tmp_path, "c.yaml", INJECTED)
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert not any(line.startswith("::") for line in result.output.splitlines())
    assert "\x1b" not in result.output
    assert "a\\n::error file=x::pwned\\x1b[2J" in lines[0]


def test_a_key_path_with_a_newline_cannot_emit_a_workflow_command_in_github_output(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = write(tmp_path, "c.yaml", INJECTED)
    result = runner.invoke(main, ["validate", "--format", "github", str(path)])
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("::error file=")
    assert "\x1b" not in result.stdout
    # In the title (a property) ':' and ',' are escaped too.
    assert "title=a\\n%3A%3Aerror file=x%3A%3Apwned\\x1b[2J::" in lines[0]


def test_problem_text_escapes_c1_and_bidi_controls() -> None:
    problem = Problem("bad \u202evalue\x9b", Location("f\nile.yaml", 1, 2, "k\u2028ey"))
    assert as_text([problem]) == "f\\nile.yaml:1:2: k\\u2028ey: bad \\u202evalue\\x9b\n"
    assert as_github([problem]).count("\n") == 1


# Markdown of `sla diff --format md`.


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("![x](http://e.example/x.png)", "\\!\\[x\\](http\\://e.example/x.png)"),
        ("[click](http://evil.example)", "\\[click\\](http\\://evil.example)"),
        ("<img src=x onerror=alert(1)>", "\\<img src=x onerror=alert(1)\\>"),
        ("**bold** _em_ ~~gone~~", "\\*\\*bold\\*\\* \\_em\\_ \\~\\~gone\\~\\~"),
        ("a | b", "a \\| b"),
        ("`tick`", "\\`tick\\`"),
        ("www.evil.example", "www\\.evil.example"),
        ("&lt;", "\\&lt;"),
        ("two\nlines", "two lines"),
    ],
)
def test_diff_md_escapes_customer_text(text: str, escaped: str) -> None:
    assert _cell(text) == escaped


@pytest.mark.parametrize("text", ["[aws]", "Meijer & Partners", "not_included", "80.00", "12"])
def test_diff_md_leaves_ordinary_values_as_they_were(text: str) -> None:
    assert _cell(text) == text


def test_diff_md_of_a_hostile_customer_name_has_no_live_markdown(
    runner: CliRunner, tmp_path: Path
) -> None:
    name = "![x](http://e.example/x.png) <img src=x onerror=alert(1)> `a` | b"
    path = write(
        tmp_path,
        "c.yaml",
        f"customer: {json.dumps(name)}\ntier: advanced\nstart: 2026-01-01\nperiod_months: 12\n",
    )
    result = runner.invoke(main, ["diff", "advanced", str(path), "--format", "md"])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if line.startswith("| `customer`"))
    assert re.search(r"(?<!\\)<img", row) is None and "\\<img" in row
    assert "![" not in row and " | b" not in row
    assert len(re.findall(r"(?<!\\)\|", row)) == 7  # the table keeps its six columns


# Plurals.


def test_validate_of_one_file_says_1_file_valid(runner: CliRunner) -> None:
    result = runner.invoke(main, ["validate", "contracts/bakkerij-de-vries.yaml"])
    assert result.stdout == "1 file valid\n"
