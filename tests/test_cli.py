"""The command line: exit codes, output formats, and no traceback for any bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cli import main

CASES = Path(__file__).parent / "cases" / "invalid"


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_validate_shipped_rules_and_contracts_is_clean(runner: CliRunner) -> None:
    code, out, err = run(runner, "validate")
    assert (code, err) == (0, "")
    assert out.endswith(" files valid\n")


def test_validate_invalid_file_exits_1_with_location(runner: CliRunner) -> None:
    code, out, err = run(runner, "validate", str(CASES / "unknown-tier" / "input.yaml"))
    assert code == 1
    assert "input.yaml:2:7: tier: unknown tier 'advancd'; did you mean 'advanced'?" in out
    assert err == "1 problem in 1 file\n"


def test_validate_collects_every_problem_in_every_file(runner: CliRunner) -> None:
    paths = [str(CASES / name / "input.yaml") for name in ("unknown-tier", "duplicate-key")]
    code, out, _ = run(runner, "validate", *paths)
    assert code == 1
    assert "unknown tier" in out and "duplicate key" in out


def test_validate_json_is_a_list_of_located_problems(runner: CliRunner) -> None:
    code, out, _ = run(
        runner, "validate", "--format", "json", str(CASES / "unknown-addon" / "input.yaml")
    )
    assert code == 1
    rows = json.loads(out)
    assert rows == [
        {
            "file": rows[0]["file"],
            "line": 5,
            "column": 15,
            "path": "addons[1]",
            "message": "unknown add-on 'monitorin'; did you mean 'monitoring'?",
        }
    ]
    assert rows[0]["file"].endswith("unknown-addon/input.yaml")


def test_validate_json_of_valid_files_is_an_empty_list(runner: CliRunner) -> None:
    code, out, _ = run(runner, "validate", "--format", "json", "contracts")
    assert (code, json.loads(out)) == (0, [])


def test_validate_github_annotations(runner: CliRunner) -> None:
    code, out, _ = run(
        runner, "validate", "--format", "github", str(CASES / "unknown-tier" / "input.yaml")
    )
    assert code == 1
    assert out.startswith("::error file=")
    assert ",line=2,col=7,title=tier::unknown tier 'advancd'; did you mean 'advanced'?" in out


def test_validate_usage_error_exits_2(runner: CliRunner) -> None:
    code, _, err = run(runner, "validate", "--format", "xml")
    assert code == 2
    assert "Invalid value for '--format'" in err


def test_validate_missing_path_is_a_problem_not_a_crash(runner: CliRunner) -> None:
    code, out, _ = run(runner, "validate", "no/such/place.yaml")
    assert code == 1
    assert "no/such/place.yaml: no such file or folder" in out


def copy_of_rules(folder: Path) -> Path:
    rules = folder / "rules"
    shutil.copytree("rules", rules)
    return rules


def test_validate_with_broken_rules_reports_them(runner: CliRunner, tmp_path: Path) -> None:
    rules = copy_of_rules(tmp_path)
    tier = rules / "tiers" / "advanced.yaml"
    tier.write_text(tier.read_text(encoding="utf-8").replace("kantooruren", "kantoor"))
    code, out, _ = run(runner, "--rules", str(rules), "validate", "contracts")
    assert code == 1
    assert "calendar: unknown calendar 'kantoor'; did you mean 'kantooruren'?" in out


def test_show_tier_with_addon_as_yaml(runner: CliRunner) -> None:
    code, out, _ = run(runner, "show", "advanced", "--addon", "aws")
    assert code == 0
    shown = yaml.safe_load(out)
    assert shown["tier"] == "advanced"
    assert shown["addons"] == ["aws"]
    assert shown["targets"]["P1"] == {
        "first_response": "4h",
        "resolution": "4h",
        "time_on_site": "4h",
    }
    assert shown["services"]["on_site_support"] == {"status": "included", "priorities": [1, 2]}


def test_show_contract_as_json(runner: CliRunner) -> None:
    code, out, _ = run(runner, "show", "contracts/bakkerij-de-vries.yaml", "--format", "json")
    assert code == 0
    shown = json.loads(out)
    assert shown["customer"] == "Bakkerij De Vries B.V."
    assert shown["targets"]["P1"]["first_response"] == "1h"
    assert shown["targets"]["P2"]["first_response"] == "4h"  # from the enterprise base
    assert shown["rates"] == {
        "outside_sla": "80.00",
        "prepaid_card": "80.00",
        "evening_weekend": "85.00",
    }


def test_show_explain_names_layer_and_line(runner: CliRunner) -> None:
    code, out, _ = run(runner, "show", "contracts/bakkerij-de-vries.yaml", "--explain")
    assert code == 0
    lines = {line.split()[0]: line for line in out.splitlines()[1:]}
    assert "overrides contracts/bakkerij-de-vries.yaml:11:26" in lines["targets.P1.first_response"]
    assert "base:enterprise rules/tiers/enterprise.yaml:" in lines["targets.P2.first_response"]
    assert "addon:aws rules/addons/aws.yaml:" in lines["extended_hours"]


def test_show_explain_json(runner: CliRunner) -> None:
    code, out, _ = run(runner, "show", "standaard", "--explain", "--format", "json")
    assert code == 0
    rows = {row["path"]: row for row in json.loads(out)}
    assert rows["rates.outside_sla"]["value"] == "95.00"
    assert rows["rates.outside_sla"]["layer"] == "tier:standaard"
    assert rows["rates.outside_sla"]["clause"].startswith("§1")


def test_contract_without_tier_is_geen_sla(runner: CliRunner) -> None:
    code, out, _ = run(runner, "show", "contracts/fietsenmaker-bos.yaml", "--format", "json")
    assert code == 0
    assert json.loads(out)["tier"] == "geen-sla"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("show", "advancd"),
            "'advancd' is neither a tier nor a contract file; did you mean 'advanced'?",
        ),
        (("show", "missing.yaml"), "missing.yaml: no such contract file"),
        (
            ("show", "standaard", "--addon", "aws"),
            "add-on 'aws' is not available for tier 'standaard'",
        ),
        (("show", "tests"), "tests: is a folder; give a contract file or a tier id"),
        (("show", "README.md"), "README.md"),
    ],
)
def test_show_bad_target_exits_1_with_one_line(
    runner: CliRunner, args: tuple[str, ...], message: str
) -> None:
    code, out, err = run(runner, *args)
    assert code == 1
    assert out == ""
    assert message in err
    assert "Traceback" not in err


def test_schema_prints_and_writes(runner: CliRunner, tmp_path: Path) -> None:
    code, out, _ = run(runner, "schema", "contract")
    assert code == 0
    assert json.loads(out)["$id"] == "contract.schema.json"
    code, out, _ = run(runner, "schema", "-o", str(tmp_path / "s"))
    assert code == 0
    written = sorted(p.name for p in (tmp_path / "s").iterdir())
    assert written == sorted(p.name for p in Path("schemas").glob("*.schema.json"))


def test_every_command_has_help_with_an_example(runner: CliRunner) -> None:
    for name, command in main.commands.items():
        assert command.help and "Example:" in command.help, name
        code, out, _ = run(runner, name, "--help")
        assert code == 0 and "Example:" in out


def test_validate_reports_a_misspelt_holiday_at_its_line(runner: CliRunner, tmp_path: Path) -> None:
    rules = copy_of_rules(tmp_path)
    calendar = rules / "calendars" / "kantooruren.yaml"
    text = calendar.read_text(encoding="utf-8").replace(
        "keep_open: []", 'keep_open: ["Goede vrijdg"]'
    )
    calendar.write_text(text, encoding="utf-8")
    code, out, _ = run(runner, "--rules", str(rules), "validate", str(rules))
    assert code == 1
    assert out.count("\n") == 1
    assert (
        "kantooruren.yaml:25:14: holidays.keep_open: 'Goede vrijdg' is not a holiday of NL" in out
    )
    assert "did you mean 'Goede vrijdag'?" in out


def test_every_command_turns_errors_into_lines() -> None:
    """Each command is wrapped so that no error, not even a bug, shows a traceback."""
    for name, command in main.commands.items():
        layer = command.callback
        while layer is not None and not getattr(layer, "reports_errors", False):
            layer = getattr(layer, "__wrapped__", None)
        assert layer is not None, f"{name} is not wrapped in reports_errors"
