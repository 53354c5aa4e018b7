"""`sla new`: driven through its prompts and through options; what it writes validates."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from engine.contract.builder import (
    Draft,
    addons_for,
    check_value,
    default_file,
    open_values,
    render,
)
from engine.contract.load import resolve_target
from engine.errors import InputError
from engine.paths import RULES_DIR
from engine.rules.ruleset import RuleSet
from engine.rules.validation import validate
from engine.rules.yaml_loader import parse_yaml

SCHEMA_LINE = "# yaml-language-server: $schema=../schemas/contract.schema.json"
# What maatwerk leaves 'in overeenkomst' (SPEC §1 table), in the order of rules/tiers/maatwerk.yaml.
MAATWERK_OPEN = [
    "targets.P1.first_response",
    "targets.P1.resolution",
    "targets.P1.time_on_site",
    "targets.P2.first_response",
    "targets.P2.resolution",
    "targets.P3.first_response",
    "targets.P3.resolution",
    "targets.P4.first_response",
    "config_change_allowance",
    "rates.outside_sla",
    "rates.prepaid_card",
    "rates.evening_weekend",
]


def _valid(path: Path) -> None:
    report = validate([path], RULES_DIR)
    assert report.problems == ()


# The pieces.


def test_addons_for_a_tier_come_from_the_addons_tiers_lists(rules: RuleSet) -> None:
    assert addons_for(rules, "standaard") == []
    assert addons_for(rules, "advanced") == ["aws"]
    assert "aws" in addons_for(rules, "maatwerk") and "antivirus" in addons_for(rules, "maatwerk")


def test_open_values_of_maatwerk_without_and_with_a_base(rules: RuleSet) -> None:
    assert open_values(rules, "maatwerk", None, ()) == MAATWERK_OPEN
    assert open_values(rules, "maatwerk", "standaard", ()) == []


@pytest.mark.parametrize(
    ("path", "answer", "stored"),
    [
        ("rates.outside_sla", "80", "80.00"),
        ("rates.outside_sla", "75,5", "75.50"),
        ("rates.outside_sla", " included ", "included"),
        ("targets.P1.resolution", "1h30m", "1h30m"),
        ("targets.P1.resolution", "best_effort", "best_effort"),
        ("config_change_allowance", "unlimited", "unlimited"),
    ],
)
def test_check_value_accepts_and_normalises(path: str, answer: str, stored: str) -> None:
    assert check_value(path, answer) == stored


@pytest.mark.parametrize(
    ("path", "answer", "message"),
    [
        ("targets.P1.resolution", "3 uur", "'3 uur' is not valid for targets.P1.resolution"),
        ("rates.outside_sla", "€ 80", "give an amount like 85.00"),
        ("config_change_allowance", "best_effort", "a duration like 30m, or unlimited"),
        ("targets.P1.resolution", "by_agreement", "by_agreement is the placeholder"),
    ],
)
def test_check_value_refuses_with_what_to_give(path: str, answer: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        check_value(path, answer)


def test_default_file_is_the_customer_as_a_file_name() -> None:
    assert default_file("Bakkerij Café Één & Zn.") == "contracts/bakkerij-cafe-een-zn.yaml"


def test_render_quotes_what_yaml_could_misread() -> None:
    draft = Draft(
        customer='Café "De Hoek": #1',
        tier="maatwerk",
        start="2026-01-01",
        period_months=12,
        base="enterprise",
        overrides={"rates.outside_sla": "80.00", "targets.P1.first_response": "1h"},
        acknowledged={"targets.P1.resolution": "no: yes"},
    )
    text = render(draft)
    assert text.splitlines()[0] == SCHEMA_LINE
    assert '  rates: {outside_sla: "80.00"}' in text.splitlines()
    data = parse_yaml(text.encode(), "x").data
    assert data["customer"] == 'Café "De Hoek": #1'
    assert data["overrides"]["rates"]["outside_sla"] == "80.00"
    assert data["acknowledged_deviations"] == [
        {"path": "targets.P1.resolution", "reason": "no: yes"}
    ]


# Through the prompts.


def test_new_maatwerk_through_its_prompts(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "acme.yaml"
    answers = [
        "Acme B.V.",  # customer
        "maatwerk",  # tier
        "",  # base: none
        "aws, monitoring, incident-management, support-op-locatie",  # add-ons (D-13)
        "1h",  # P1 first response
        "3 uur",  # P1 resolution: refused, asked again
        "3h",
        "4h",  # P1 time on site
        "4h",
        "2h",  # P2
        "8h",
        "8h",  # P3
        "16h",  # P4
        "30m",  # allowance
        "80",
        "75,5",
        "included",  # rates
        "2026-01-31",  # start
        "12",  # period
    ]
    result = runner.invoke(main, ["new", "-o", str(target)], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "Error: '3 uur' is not valid for targets.P1.resolution" in result.output
    assert result.output.endswith(f"wrote {target}\n")
    assert target.read_text(encoding="utf-8") == (
        f"{SCHEMA_LINE}\n"
        'customer: "Acme B.V."\n'
        "tier: maatwerk\n"
        "addons: [aws, monitoring, incident-management, support-op-locatie]\n"
        "start: 2026-01-31\n"
        "period_months: 12\n"
        "overrides:\n"
        "  targets:\n"
        "    P1: {first_response: 1h, resolution: 3h, time_on_site: 4h}\n"
        "    P2: {first_response: 4h, resolution: 2h}\n"
        "    P3: {first_response: 8h, resolution: 8h}\n"
        "    P4: {first_response: 16h}\n"
        "  config_change_allowance: 30m\n"
        '  rates: {outside_sla: "80.00", prepaid_card: "75.50", evening_weekend: included}\n'
    )
    _valid(target)


def test_new_advanced_asks_only_what_it_needs_and_offers_a_file_name(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("contracts").mkdir()
    answers = ["Jansen & Zn", "advancd", "advanced", "", "2026-03-01", "", ""]
    result = runner.invoke(main, ["new"], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "Error: 'advancd' is not a tier; did you mean 'advanced'?" in result.output
    assert "Add-ons, comma-separated (aws; empty for none):" in result.output
    assert "Period in months [12]:" in result.output
    assert "File to write [contracts/jansen-zn.yaml]:" in result.output
    written = Path("contracts/jansen-zn.yaml")
    assert written.read_text(encoding="utf-8") == (
        f"{SCHEMA_LINE}\n"
        'customer: "Jansen & Zn"\n'
        "tier: advanced\n"
        "start: 2026-03-01\n"
        "period_months: 12\n"
    )
    _valid(written)


def test_new_asks_for_the_reason_of_a_weakening(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "acme.yaml"
    args = ["new", "--customer", "Acme", "--tier", "maatwerk", "--base", "enterprise"]
    args += ["--set", "targets.P1.resolution=3h", "--start", "2026-01-01", "--period-months", "12"]
    result = runner.invoke(main, [*args, "-o", str(target)], input="\nAfgesproken in offerte 12\n")
    assert result.exit_code == 0, result.output
    assert "targets.P1.resolution: 3h is worse for the customer than 2h of base:enterprise" in (
        result.output
    )
    assert target.read_text(encoding="utf-8").endswith(
        "acknowledged_deviations:\n"
        "  - path: targets.P1.resolution\n"
        '    reason: "Afgesproken in offerte 12"\n'
    )
    _valid(target)


# Without prompts.


def _no_input(tmp_path: Path, *extra: str) -> list[str]:
    return [
        "new",
        "--no-input",
        "--customer",
        "Acme B.V.",
        "--start",
        "2026-01-01",
        "--period-months",
        "12",
        "-o",
        str(tmp_path / "acme.yaml"),
        *extra,
    ]


def test_new_without_prompts(runner: CliRunner, tmp_path: Path, rules: RuleSet) -> None:
    args = _no_input(
        tmp_path,
        "--tier",
        "maatwerk",
        "--base",
        "enterprise",
        "--addon",
        "aws",
        "--set",
        "targets.P1.first_response=1h",
        "--set",
        "rates.outside_sla=80",
    )
    result = runner.invoke(main, args)
    assert (result.exit_code, result.stderr) == (0, "")
    target = tmp_path / "acme.yaml"
    assert target.read_text(encoding="utf-8") == (
        f"{SCHEMA_LINE}\n"
        'customer: "Acme B.V."\n'
        "tier: maatwerk\n"
        "base: enterprise\n"
        "addons: [aws]\n"
        "start: 2026-01-01\n"
        "period_months: 12\n"
        "overrides:\n"
        "  targets:\n"
        "    P1: {first_response: 1h}\n"
        '  rates: {outside_sla: "80.00"}\n'
    )
    _valid(target)
    effective = resolve_target(rules, str(target))
    assert effective.values["targets"]["P1"]["first_response"] == "1h"
    assert effective.values["targets"]["P2"]["first_response"] == "4h"  # from enterprise


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--tier", "maatwerk", "--addon", "incident-management"),
            "missing --set targets.P1.first_response=VALUE",
        ),
        (("--tier", "maatwerk"), "missing --set config_change_allowance=VALUE"),
        (("--tier", "advanced", "--customer", ""), "--customer"),
        (
            ("--tier", "maatwerk", "--base", "enterprise", "--set", "targets.P1.resolution=3h"),
            "missing --acknowledge targets.P1.resolution=REASON",
        ),
        (("--tier", "advanced", "--set", "rates.outside_sla=80"), "only a maatwerk contract"),
        (("--tier", "advanced", "--base", "standaard"), "only a maatwerk contract has a base"),
        (("--tier", "standaard", "--addon", "aws"), "'aws' is not an add-on for standaard"),
        (("--tier", "maatwerk", "--set", "targets.P5.resolution=1h"), "cannot set"),
        (("--tier", "maatwerk", "--set", "rates.outside_sla"), "is not PATH=VALUE"),
        (
            (
                "--tier",
                "gold",
            ),
            "'gold' is not a tier",
        ),
    ],
)
def test_new_without_prompts_refuses_a_missing_or_wrong_value_as_usage_error(
    runner: CliRunner, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = runner.invoke(main, _no_input(tmp_path, *args))
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert not (tmp_path / "acme.yaml").exists()


def test_new_without_prompts_names_a_missing_option(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["new", "--no-input", "--customer", "Acme", "--tier", "advanced"])
    assert result.exit_code == 2
    assert "missing --start" in result.stderr
    args = ["new", "--no-input", "--customer", "Acme", "--tier", "advanced", "--start"]
    result = runner.invoke(main, [*args, "2026-01-01", "--period-months", "12"])
    assert result.exit_code == 2
    assert "missing -o/--output" in result.stderr


def test_new_refuses_to_overwrite_unless_forced(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "acme.yaml"
    target.write_text("keep me\n", encoding="utf-8")
    result = runner.invoke(main, _no_input(tmp_path, "--tier", "advanced"))
    assert result.exit_code == 1
    assert "the file exists; choose another output file, or pass --force" in result.stderr
    assert target.read_text(encoding="utf-8") == "keep me\n"
    result = runner.invoke(main, _no_input(tmp_path, "--tier", "advanced", "--force"))
    assert result.exit_code == 0
    _valid(target)
