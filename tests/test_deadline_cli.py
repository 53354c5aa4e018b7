"""`sla deadline`: the seed's own example end to end, formats, and bad input."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli import main


def invoke(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(main, ["deadline", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout, result.stderr


def test_seed_example_eight_hours_from_monday_four_pm(runner: CliRunner) -> None:
    """§1.2.11: 8 h response, reported Monday 16:00, runs out Tuesday 16:00."""
    code, out, _ = invoke(
        runner, "standaard", "--priority", "1", "--reported", "2026-11-23T16:00", "--format", "json"
    )
    assert code == 0
    result = json.loads(out)
    assert result["clock_start"] == "2026-11-23T16:00:00+01:00"
    assert result["first_response"]["due"] == "2026-11-24T16:00:00+01:00"
    assert result["first_response"]["target"] == "8h"
    # D-4: resolution (8 h) counts from the projected first response
    assert result["resolution"]["due"] == "2026-11-25T16:00:00+01:00"
    assert result["resolution"]["basis"] == "projected"
    assert result["time_on_site"] == {**result["time_on_site"], "due": None, "best_effort": True}


def test_text_explains_the_count(runner: CliRunner) -> None:
    code, out, _ = invoke(
        runner, "standaard", "--priority", "1", "--reported", "2026-11-23T16:00", "--lang", "nl"
    )
    assert code == 0
    assert "ma 23-11 16:00–17:00 1h, di 24-11 09:00–16:00 7h" in out


def test_aws_contract_counts_evening_hours_for_prio_2(runner: CliRunner) -> None:
    """Advanced + aws, PRIO 2 (8 h) reported Friday 18:00: Fri 18–22 (4 h), Sat 10–14 (4 h)."""
    code, out, _ = invoke(
        runner,
        "contracts/advocatenkantoor-meijer.yaml",
        "--priority",
        "2",
        "--reported",
        "2026-11-27 18:00",
        "--format",
        "json",
    )
    assert code == 0
    assert json.loads(out)["first_response"]["due"] == "2026-11-28T14:00:00+01:00"


def test_cause_makes_targets_best_effort_and_is_named(runner: CliRunner) -> None:
    code, out, _ = invoke(
        runner,
        "enterprise",
        "--priority",
        "1",
        "--reported",
        "2026-11-23T10:00",
        "--cause",
        "derde-partij",
        "--format",
        "json",
    )
    assert code == 0
    first = json.loads(out)["first_response"]
    assert (first["due"], first["best_effort"], first["waived_by"]) == (
        None,
        True,
        ["derde-partij"],
    )


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--reported", "2026-10-25T02:30"), 2, "is ambiguous in Europe/Amsterdam"),
        (("--reported", "2026-03-29T02:30"), 2, "does not exist in Europe/Amsterdam"),
        (("--reported", "gisteren"), 2, "Invalid value for '--reported'"),
        (
            ("--reported", "2026-11-23T10:00", "--priority", "5"),
            2,
            "Invalid value for '--priority'",
        ),
        (
            ("--reported", "2026-11-23T10:00", "--cause", "derde-partj"),
            1,
            "did you mean 'derde-partij'",
        ),
        (
            ("--reported", "2026-11-23T10:00", "--resolved", "2026-11-23T09:00"),
            1,
            "resolved is before the report",
        ),
    ],
)
def test_bad_input_is_one_line_not_a_traceback(
    runner: CliRunner, args: tuple[str, ...], code: int, message: str
) -> None:
    base = ("standaard", "--priority", "1")
    exit_code, _, err = invoke(runner, *base, *args)
    assert exit_code == code
    assert message in err
    assert "Traceback" not in err
