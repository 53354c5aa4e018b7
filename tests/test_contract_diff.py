"""`sla diff`: each kind of change, with value and origin on both sides; none for equals."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from engine.contract.diff import (
    Change,
    Side,
    contract_at_revision,
    diff,
    diff_markdown,
    diff_text,
    side_for_target,
)
from engine.errors import InputError
from engine.rules.ruleset import RuleSet

BASE = """customer: Acme B.V.
tier: maatwerk
base: advanced
addons: [aws]
start: 2026-01-01
period_months: 12
overrides:
  targets:
    P1: {first_response: 2h}
"""


def _side(rules: RuleSet, tmp_path: Path, name: str, text: str) -> Side:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return side_for_target(rules, str(path))


def _changes(rules: RuleSet, tmp_path: Path, old: str, new: str) -> dict[str, Change]:
    result = diff(_side(rules, tmp_path, "a.yaml", old), _side(rules, tmp_path, "b.yaml", new))
    return {c.path: c for c in result.changes}


def test_identical_contracts_have_no_difference(rules: RuleSet, tmp_path: Path) -> None:
    result = diff(_side(rules, tmp_path, "a.yaml", BASE), _side(rules, tmp_path, "b.yaml", BASE))
    assert result.changes == ()
    assert not result.differs
    assert diff_text(result) == f"no differences between {tmp_path}/a.yaml and {tmp_path}/b.yaml\n"
    assert diff_markdown(result).startswith("No differences between ")


def test_a_tier_against_itself_has_no_difference(rules: RuleSet) -> None:
    assert (
        diff(side_for_target(rules, "advanced"), side_for_target(rules, "advanced")).changes == ()
    )


def test_the_same_value_written_otherwise_is_no_difference(rules: RuleSet, tmp_path: Path) -> None:
    other = BASE.replace("first_response: 2h", "first_response: 120m")
    assert _changes(rules, tmp_path, BASE, other) == {}


def test_a_changed_target_with_origin_on_both_sides(rules: RuleSet, tmp_path: Path) -> None:
    new = BASE.replace("{first_response: 2h}", "{first_response: 2h, resolution: 6h}")
    changes = _changes(rules, tmp_path, BASE, new)
    assert list(changes) == ["targets.P1.resolution"]
    change = changes["targets.P1.resolution"]
    assert (change.old, change.new, change.effect) == ("4h", "6h", "worse")
    assert change.old_origin is not None and change.new_origin is not None
    assert (change.old_origin.layer, change.old_origin.file) == (
        "base:advanced",
        "rules/tiers/advanced.yaml",
    )
    assert change.old_origin.line == 19  # P1 of advanced.yaml
    assert (change.new_origin.layer, change.new_origin.line, change.new_origin.column) == (
        "overrides",
        9,
        42,
    )


@pytest.mark.parametrize(
    ("edit", "path", "old", "new"),
    [
        (("base: advanced", "base: enterprise"), "base", "advanced", "enterprise"),
        (("addons: [aws]", "addons: []"), "addons", ["aws"], []),
        (
            ("customer: Acme B.V.", "customer: Acme Holding"),
            "customer",
            "Acme B.V.",
            "Acme Holding",
        ),
        (("period_months: 12", "period_months: 24"), "period_months", 12, 24),
        (("start: 2026-01-01", "start: 2026-02-01"), "start", "2026-01-01", "2026-02-01"),
        (
            ("overrides:\n", 'overrides:\n  rates: {outside_sla: "80.00"}\n'),
            "rates.outside_sla",
            "90.00",
            "80.00",
        ),
        (
            ("overrides:\n", "overrides:\n  calendar: avond-weekend\n"),
            "calendar",
            "kantooruren",
            "avond-weekend",
        ),
        (
            ("overrides:\n", "overrides:\n  config_change_allowance: 2h\n"),
            "config_change_allowance",
            "1h",
            "2h",
        ),
        (
            ("overrides:\n", "overrides:\n  services:\n    windows_updates: {status: included}\n"),
            "services.windows_updates",
            {"status": "not_included"},
            {"status": "included"},
        ),
        (
            (
                "overrides:\n",
                "overrides:\n  extended_hours: {calendar: avond-weekend, priorities: [1]}\n",
            ),
            "extended_hours",
            {"calendar": "avond-weekend", "priorities": [1, 2]},
            {"calendar": "avond-weekend", "priorities": [1]},
        ),
    ],
)
def test_each_kind_of_change(
    rules: RuleSet,
    tmp_path: Path,
    edit: tuple[str, str],
    path: str,
    old: object,
    new: object,
) -> None:
    changes = _changes(rules, tmp_path, BASE, BASE.replace(*edit))
    assert path in changes, changes
    assert (changes[path].old, changes[path].new) == (old, new)


def test_dropping_the_aws_addon_shows_the_service_and_hours_it_took(
    rules: RuleSet, tmp_path: Path
) -> None:
    changes = _changes(rules, tmp_path, BASE, BASE.replace("addons: [aws]", "addons: []"))
    assert set(changes) == {"addons", "services.evening_weekend_service", "extended_hours"}
    assert changes["extended_hours"].new is None
    assert changes["extended_hours"].effect == "worse"
    assert changes["services.evening_weekend_service"].old_origin is not None
    assert changes["services.evening_weekend_service"].old_origin.layer == "addon:aws"


def test_tiers_differ_in_tier_and_values(rules: RuleSet) -> None:
    result = diff(side_for_target(rules, "standaard"), side_for_target(rules, "advanced"))
    changes = {c.path: c for c in result.changes}
    assert (changes["tier"].old, changes["tier"].new) == ("standaard", "advanced")
    assert (changes["rates.outside_sla"].old, changes["rates.outside_sla"].new) == (
        "95.00",
        "90.00",
    )
    assert changes["rates.outside_sla"].effect == "better"
    assert (changes["config_change_allowance"].old, changes["config_change_allowance"].new) == (
        "15m",
        "1h",
    )
    # Standaard P1: 8h / 8h, Advanced P1: 4h / 4h (SPEC §1).
    assert (changes["targets.P1.first_response"].old, changes["targets.P1.first_response"].new) == (
        "8h",
        "4h",
    )


def test_an_acknowledgement_is_a_change_of_its_own(rules: RuleSet, tmp_path: Path) -> None:
    new = BASE + "acknowledged_deviations:\n  - {path: targets.P1.resolution, reason: agreed}\n"
    new = new.replace("{first_response: 2h}", "{first_response: 2h, resolution: 6h}")
    changes = _changes(rules, tmp_path, BASE, new)
    change = changes["acknowledged_deviations[targets.P1.resolution]"]
    assert (change.old, change.new) == (None, "agreed")
    assert change.new_origin is not None and change.new_origin.line == 11


def test_markdown_is_a_table_with_escaped_cells(rules: RuleSet, tmp_path: Path) -> None:
    new = BASE.replace("customer: Acme B.V.", 'customer: "Acme | Zn"')
    result = diff(_side(rules, tmp_path, "a.yaml", BASE), _side(rules, tmp_path, "b.yaml", new))
    lines = diff_markdown(result).splitlines()
    assert lines[0].startswith("### Contract changes: `")
    assert "| What | Old | New | For the customer | Old from | New from |" in lines
    row = next(line for line in lines if line.startswith("| `customer`"))
    assert row.startswith("| `customer` | Acme B.V. | Acme \\| Zn |  | contract `")
    assert row.endswith("b.yaml:1:11` |")


def test_cli_diff_exit_codes_and_json(runner: CliRunner) -> None:
    same = runner.invoke(main, ["diff", "advanced", "advanced", "--exit-code"])
    assert (same.exit_code, same.stdout) == (0, "no differences between advanced and advanced\n")
    differs = runner.invoke(main, ["diff", "advanced", "enterprise", "--format", "json"])
    assert differs.exit_code == 0
    data = json.loads(differs.stdout)
    assert (data["old"], data["new"]) == ("advanced", "enterprise")
    rows = {row["path"]: row for row in data["differences"]}
    assert rows["rates.outside_sla"]["old"] == "90.00"
    assert rows["rates.outside_sla"]["new_origin"]["file"] == "rules/tiers/enterprise.yaml"
    flagged = runner.invoke(main, ["diff", "advanced", "enterprise", "--exit-code"])
    assert flagged.exit_code == 1
    assert flagged.stdout.startswith("# advanced -> enterprise: 16 differences\n")


def test_cli_diff_needs_two_targets(runner: CliRunner) -> None:
    result = runner.invoke(main, ["diff", "advanced"])
    assert result.exit_code == 2
    assert "give two targets" in result.stderr


# --rev: a contract against itself at an earlier git revision, in a throwaway repository.


def _git(folder: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, env=env)


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    _git(tmp_path, "init", "-q")
    (tmp_path / "contracts").mkdir()
    contract = tmp_path / "contracts" / "acme.yaml"
    contract.write_text(BASE, encoding="utf-8")
    _git(tmp_path, "add", "contracts/acme.yaml")
    _git(tmp_path, "commit", "-q", "-m", "first")
    contract.write_text(BASE.replace("period_months: 12", "period_months: 24"), encoding="utf-8")
    return contract


def test_rev_compares_with_the_committed_version(rules: RuleSet, repository: Path) -> None:
    old = contract_at_revision(rules, "HEAD", repository)
    assert old.label.startswith("HEAD:") and old.label.endswith("contracts/acme.yaml")
    result = diff(old, side_for_target(rules, str(repository)))
    assert [(c.path, c.old, c.new) for c in result.changes] == [("period_months", 12, 24)]
    assert result.changes[0].old_origin is not None
    assert result.changes[0].old_origin.file == old.label


def test_cli_rev_in_markdown(runner: CliRunner, repository: Path) -> None:
    result = runner.invoke(main, ["diff", "--rev", "HEAD", str(repository), "--format", "md"])
    assert result.exit_code == 0, result.output
    assert "| `period_months` | 12 | 24 |" in result.stdout


@pytest.mark.parametrize(
    ("revision", "message"),
    [
        ("HEAD~3", "there is no git revision 'HEAD~3'"),
        ("--output=x", "'--output=x' is not a git revision"),
    ],
)
def test_rev_errors(rules: RuleSet, repository: Path, revision: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        contract_at_revision(rules, revision, repository)


def test_rev_of_a_file_not_in_the_revision(rules: RuleSet, repository: Path) -> None:
    other = repository.parent / "new.yaml"
    other.write_text(BASE, encoding="utf-8")
    with pytest.raises(InputError, match="the file does not exist at revision 'HEAD'"):
        contract_at_revision(rules, "HEAD", other)


def test_rev_outside_a_git_repository(rules: RuleSet, tmp_path: Path) -> None:
    contract = tmp_path / "acme.yaml"
    contract.write_text(BASE, encoding="utf-8")
    with pytest.raises(InputError, match="is not in a git repository"):
        contract_at_revision(rules, "HEAD", contract)
