"""The seed's edges (SPEC D-11 … D-13, "unless agreed"): each case is named after the defect.

D-9 and D-10 (periods and notice at month ends) are in tests/test_terms.py. Expected amounts
and times are worked out by hand from the seed's tables, not read from the code.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from engine.contract.load import resolve_target
from engine.errors import ValidationError
from engine.rules.ruleset import RuleSet

NO_INCIDENT_MANAGEMENT = """\
customer: Zonder Incidentbeheer B.V.
tier: maatwerk
start: 2026-01-01
period_months: 12
overrides:
  targets:
    P1: {first_response: 1h, resolution: not_applicable, time_on_site: not_applicable}
    P2: {first_response: not_applicable, resolution: not_applicable}
    P3: {first_response: not_applicable, resolution: not_applicable}
    P4: {first_response: not_applicable}
  config_change_allowance: 15m
  rates: {outside_sla: "95.00", prepaid_card: "90.00", evening_weekend: "95.00"}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# D-13: targets only for services the contract includes.


def test_d13_maatwerk_without_incident_management_but_a_1h_prio1_target_is_invalid(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = write(tmp_path, "c.yaml", NO_INCIDENT_MANAGEMENT)
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}:7:26: overrides.targets.P1.first_response: 1h is a target")
    assert "incident_management" in lines[0] and "D-13" in lines[0]


def test_d13_its_prio1_calls_are_no_longer_quoted(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "c.yaml", NO_INCIDENT_MANAGEMENT)
    args = ["quote", str(path), "--priority", "1", "--start", "2026-11-23T10:00"]
    result = runner.invoke(main, [*args, "--minutes", "60"])
    assert result.exit_code == 1
    assert "D-13" in result.output


def test_d13_with_the_incident_management_addon_the_same_targets_are_valid(
    runner: CliRunner, tmp_path: Path
) -> None:
    text = NO_INCIDENT_MANAGEMENT.replace(
        "period_months: 12\n", "period_months: 12\naddons: [incident-management]\n"
    )
    result = runner.invoke(main, ["validate", str(write(tmp_path, "c.yaml", text))])
    assert result.exit_code == 0, result.output


def test_d13_a_time_on_site_for_a_priority_on_site_support_does_not_cover(
    rules: RuleSet, tmp_path: Path
) -> None:
    text = (
        "customer: Deels B.V.\ntier: maatwerk\nbase: advanced\nstart: 2026-01-01\n"
        "period_months: 12\n"
        "overrides:\n"
        "  services:\n"
        "    on_site_support: {status: included, priorities: [2]}\n"
        "  targets:\n"
        "    P1: {time_on_site: 2h}\n"
        "acknowledged_deviations:\n"
        "  - {path: services.on_site_support, reason: alleen PRIO 2 op locatie}\n"
    )
    path = write(tmp_path, "c.yaml", text)
    with pytest.raises(ValidationError) as caught:
        resolve_target(rules, str(path))
    messages = [str(p) for p in caught.value.problems]
    assert len(messages) == 1, messages
    assert messages[0].startswith(f"{path}:10:24: overrides.targets.P1.time_on_site: 2h")
    assert "covers only PRIO 2" in messages[0]


def test_d13_new_fills_targets_without_a_service_with_not_applicable(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "new.yaml"
    result = runner.invoke(
        main,
        [
            "new",
            "--no-input",
            "--customer",
            "Alleen Hosting B.V.",
            "--tier",
            "maatwerk",
            "--start",
            "2026-01-01",
            "--period-months",
            "12",
            "--set",
            "config_change_allowance=15m",
            "--set",
            "rates.outside_sla=95",
            "--set",
            "rates.prepaid_card=90",
            "--set",
            "rates.evening_weekend=95",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "P1: {first_response: not_applicable" in out.read_text(encoding="utf-8")
    assert runner.invoke(main, ["validate", str(out)]).exit_code == 0
    shown = json.loads(runner.invoke(main, ["show", str(out), "--format", "json"]).stdout)
    assert shown["targets"]["P1"]["first_response"] == "not_applicable"
