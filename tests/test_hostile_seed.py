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


# D-11: a contract covers only its term.

LATER = "customer: Later B.V.\ntier: advanced\nstart: 2027-03-01\nperiod_months: 12\n"


def quote_json(
    runner: CliRunner, target: str, start: str, minutes: str = "60"
) -> dict[str, object]:
    args = ["quote", target, "--priority", "1", "--start", start, "--minutes", minutes]
    result = runner.invoke(main, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_d11_an_office_hours_call_months_before_the_start_is_not_free(
    runner: CliRunner, tmp_path: Path
) -> None:
    # Before: Advanced covered it, € 0,00. Now it is a call without SLA, whose regular rate
    # the shipped rules leave unset (§1.3.15): refused, and the first line says why.
    path = write(tmp_path, "later.yaml", LATER)
    args = ["quote", str(path), "--priority", "1", "--start", "2026-11-23T10:00"]
    result = runner.invoke(main, [*args, "--minutes", "60"])
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert "starts on 01-03-2027" in first and "D-11" in first
    assert "regular_rate.hourly" in result.stderr


def test_d11_an_evening_call_before_the_start_pays_the_no_sla_column(
    runner: CliRunner, tmp_path: Path
) -> None:
    # §1.3.16, "Zonder SLA": start fee € 160 + 1 h x € 160 = € 320 (Advanced would be
    # € 100 + € 90 = € 190 without the add-on).
    path = write(tmp_path, "later.yaml", LATER)
    data = quote_json(runner, str(path), "2026-11-23T19:00")
    assert data["tier"] == "geen-sla"
    assert data["total"] == "320.00"
    assert any("D-11" in note for note in data["notes_en"])  # type: ignore[attr-defined]


def test_d11_a_call_on_the_start_day_is_covered(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "later.yaml", LATER)
    data = quote_json(runner, str(path), "2027-03-01T10:00")
    assert (data["tier"], data["total"]) == ("advanced", "0.00")


def test_d11_deadline_before_the_start_has_no_deadlines_and_says_so(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = write(tmp_path, "later.yaml", LATER)
    args = ["deadline", str(path), "--priority", "1", "--reported", "2026-11-23T10:00"]
    text = runner.invoke(main, [*args, "--lang", "nl"])
    assert text.exit_code == 0, text.output
    assert text.stdout.startswith("Het contract gaat pas in op 01-03-2027")
    data = json.loads(runner.invoke(main, [*args, "--format", "json"]).stdout)
    assert data["first_response"]["due"] is None and data["first_response"]["best_effort"]
    assert data["outside_term"]["reason"] == "before_start"
    assert data["outside_term"]["priced_as"] == "geen-sla"


@pytest.mark.parametrize(
    ("notice_given", "call", "tier"),
    [
        # Notice by 30-11-2026 ends the period on 31-12-2026 (D-10).
        ("2026-11-15", "2026-12-31T19:00", "advanced"),
        ("2026-11-15", "2027-01-05T19:00", "geen-sla"),
        # Notice on 10-12-2026 is too late: the renewal runs to 31-12-2027.
        ("2026-12-10", "2027-01-05T19:00", "advanced"),
        ("2026-12-10", "2028-01-04T19:00", "geen-sla"),
    ],
)
def test_d11_after_the_expiry_a_notice_reached_the_contract_covers_nothing(
    runner: CliRunner, tmp_path: Path, notice_given: str, call: str, tier: str
) -> None:
    text = (
        "customer: Opgezegd B.V.\ntier: advanced\nstart: 2026-01-01\nperiod_months: 12\n"
        f"notice_given: {notice_given}\n"
    )
    path = write(tmp_path, "gone.yaml", text)
    assert runner.invoke(main, ["validate", str(path)]).exit_code == 0
    assert quote_json(runner, str(path), call)["tier"] == tier


# D-12: the configuration-change allowance in evening/weekend hours.


@pytest.mark.parametrize(
    ("tier", "minutes", "total"),
    [
        # Standaard: allowance 15 min. 40 min on Tuesday 19:00: € 100 start fee (§1.3.16,
        # "SLA" column) + (40 - 15 = 25 -> 30 min) x € 95 = € 147,50. Before: the whole
        # 45 min x € 95 + € 100 = € 171,25.
        ("standaard", "40", "147.50"),
        # Within the allowance only the start fee is due.
        ("standaard", "15", "100.00"),
        # Advanced: allowance 1 h; 40 min is covered, € 100 start fee (before: € 100 + 0,75 h
        # x € 90 = € 167,50). 90 min: (90 - 60 = 30 min) x € 90 = € 45 + € 100.
        ("advanced", "40", "100.00"),
        ("advanced", "90", "145.00"),
        # Enterprise: unlimited; only the start fee.
        ("enterprise", "200", "100.00"),
    ],
)
def test_d12_the_allowance_covers_an_evening_configuration_change_too(
    runner: CliRunner, tier: str, minutes: str, total: str
) -> None:
    args = ["quote", tier, "--priority", "3", "--start", "2026-11-24T19:00"]
    args += ["--minutes", minutes, "--work", "config-change", "--format", "json"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["total"] == total
    assert data["lines"][0]["description_en"] == "Evening/weekend start fee"


def test_d12_an_incident_in_the_evening_still_pays_every_minute(runner: CliRunner) -> None:
    # Not a configuration change: € 100 + 0,75 h x € 95 = € 171,25.
    args = ["quote", "standaard", "--priority", "3", "--start", "2026-11-24T19:00"]
    result = runner.invoke(main, [*args, "--minutes", "40", "--format", "json"])
    assert json.loads(result.stdout)["total"] == "171.25"


# "Tenzij anders overeengekomen" (§1.2.5, §2.5): a contract can agree an exception away.

VM = (
    "customer: VM B.V.\ntier: advanced\nstart: 2026-01-01\nperiod_months: 12\n"
    "waived_exceptions: [virtuele-host]\n"
)


def test_unless_agreed_a_contract_can_waive_the_virtual_host_exception(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = write(tmp_path, "vm.yaml", VM)
    assert runner.invoke(main, ["validate", str(path)]).exit_code == 0
    args = ["--priority", "2", "--start", "2026-11-23T10:00", "--minutes", "60"]
    args += ["--cause", "virtuele-host", "--format", "json"]
    # Advanced, office hours, 1 h: covered by incident management, € 0; the tier without the
    # waiver bills the host at the rate outside SLA, 1 h x € 90.
    waived = json.loads(runner.invoke(main, ["quote", str(path), *args]).stdout)
    plain = json.loads(runner.invoke(main, ["quote", "advanced", *args]).stdout)
    assert (waived["total"], plain["total"]) == ("0.00", "90.00")
    assert any("agreed otherwise in this contract" in n for n in waived["notes_en"])


def test_unless_agreed_a_waived_exception_keeps_the_deadlines_binding(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = write(tmp_path, "vm.yaml", VM)
    args = ["--priority", "2", "--reported", "2026-11-23T10:00", "--cause", "virtuele-host"]
    waived = json.loads(
        runner.invoke(main, ["deadline", str(path), *args, "--format", "json"]).stdout
    )
    plain = json.loads(
        runner.invoke(main, ["deadline", "advanced", *args, "--format", "json"]).stdout
    )
    # Advanced PRIO 2: 8 h from Monday 10:00 is Tuesday 10:00 (7 h + 1 h).
    assert waived["first_response"]["due"] == "2026-11-24T10:00:00+01:00"
    assert waived["first_response"]["waived_by"] == []
    assert plain["first_response"]["due"] is None  # best effort under the clause


@pytest.mark.parametrize(
    ("waived", "message"),
    [
        ("[misbruik]", "exception 'misbruik' (§2.7) cannot be agreed away"),
        ("[virtuele-hots]", "did you mean 'virtuele-host'?"),
    ],
)
def test_unless_agreed_only_the_clauses_the_seed_lets_be_agreed_away(
    runner: CliRunner, tmp_path: Path, waived: str, message: str
) -> None:
    path = write(tmp_path, "vm.yaml", VM.replace("[virtuele-host]", waived))
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert f"{path}:5:21: waived_exceptions[0]: " in result.stdout
    assert message in result.stdout


def test_unless_agreed_diff_shows_a_waiver(runner: CliRunner, tmp_path: Path) -> None:
    old = write(tmp_path, "old.yaml", VM.replace("waived_exceptions: [virtuele-host]\n", ""))
    new = write(tmp_path, "new.yaml", VM)
    result = runner.invoke(main, ["diff", str(old), str(new)])
    assert "waived_exceptions: [] -> [virtuele-host]" in result.stdout


def test_unless_agreed_a_waived_exception_keeps_the_deadlines_binding_in_an_export(
    runner: CliRunner, tmp_path: Path
) -> None:
    """The batch evaluation applies the contract's waivers as `sla deadline` does."""
    path = write(tmp_path, "vm.yaml", VM)
    export = tmp_path / "export.csv"
    export.write_text(
        "ticket,priority,reported,causes\nT-1,2,2026-11-23T10:00,virtuele-host\n", encoding="utf-8"
    )
    outcome = {}
    for target in (str(path), "advanced"):
        out = tmp_path / f"out-{target.replace('/', '_')}.jsonl"
        args = ["evaluate", target, str(export), "--as-of", "2026-11-23T12:00", "-o", str(out)]
        assert runner.invoke(main, args).exit_code == 0
        outcome[target] = json.loads(out.read_text(encoding="utf-8"))["first_response"]
    assert outcome[str(path)]["due"] == "2026-11-24T10:00:00+01:00"
    assert outcome["advanced"]["status"] == "best_effort"
