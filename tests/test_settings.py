"""engine.rules.settings: the typed settings read from rules/decisions.yaml and
rules/evaluation.yaml, and the problems a value the engine cannot use gives at load time."""

from __future__ import annotations

import ast
import dataclasses
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from engine.errors import ValidationError
from engine.paths import RULES_DIR
from engine.rules.ruleset import RuleSet, load_rules
from engine.rules.settings import Settings


def test_the_shipped_settings_are_the_values_written_in_the_yaml(rules: RuleSet) -> None:
    decisions = yaml.safe_load((RULES_DIR / "decisions.yaml").read_text(encoding="utf-8"))
    evaluation = yaml.safe_load((RULES_DIR / "evaluation.yaml").read_text(encoding="utf-8"))
    written = {d["setting"]: d["value"] for d in decisions["decisions"].values()}
    written |= {name: entry["value"] for name, entry in evaluation["settings"].items()}
    assert written["at_risk_share"] == "0.75"
    written["at_risk_share"] = Decimal("0.75")
    assert dataclasses.asdict(rules.settings) == written


def test_every_setting_has_a_docstring() -> None:
    source = Path(__file__).parent.parent / "engine" / "rules" / "settings.py"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    (cls,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Settings"]
    documented = set()
    for field, after in zip(cls.body, cls.body[1:], strict=False):
        if isinstance(field, ast.AnnAssign) and isinstance(field.target, ast.Name):
            is_doc = isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
            if is_doc and len(str(after.value.value)) > 20:
                documented.add(field.target.id)
    assert documented == {f.name for f in dataclasses.fields(Settings)}


def test_settings_are_frozen(rules: RuleSet) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        rules.settings.travel_time_unit_minutes = 30  # type: ignore[misc]


def test_with_settings_changes_a_copy_only(rules: RuleSet) -> None:
    changed = rules.with_settings(resolution_clock_start="reported")
    assert changed.settings.resolution_clock_start == "reported"
    assert rules.settings.resolution_clock_start == "first_response"


def test_holidays_drop_out_of_the_calendars_when_d2_says_open(rules: RuleSet) -> None:
    assert rules.calendar_rules()["kantooruren"].get("holidays")
    opened = rules.with_settings(public_holidays_closed=False)
    assert not opened.calendar_rules()["kantooruren"].get("holidays")


def _rules_with(tmp_path: Path, name: str, old: str, new: str) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(RULES_DIR, folder)
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def _problems(folder: Path) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        load_rules(folder)
    return [str(p) for p in caught.value.problems]


def test_a_negative_number_of_minutes_is_refused_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _rules_with(
        tmp_path,
        "decisions.yaml",
        "prepaid_card_low_minutes\n    value: 60",
        "prepaid_card_low_minutes\n    value: -5",
    )
    monkeypatch.chdir(tmp_path)
    assert _problems(folder) == [
        "rules/decisions.yaml:38:12: decisions.D-5.value: prepaid_card_low_minutes is -5; "
        "set a whole number of minutes, 0 or more"
    ]


def test_a_misspelt_setting_is_named_with_a_suggestion_and_the_missing_one_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _rules_with(
        tmp_path, "decisions.yaml", "setting: travel_time_unit_minutes", "setting: travel_time_unit"
    )
    monkeypatch.chdir(tmp_path)
    problems = _problems(folder)
    assert len(problems) == 2
    assert "decisions.D-7.setting: unknown setting 'travel_time_unit'; did you mean " in problems[0]
    assert "'travel_time_unit_minutes'?" in problems[0]
    assert problems[1] == (
        "rules/decisions.yaml: the setting travel_time_unit_minutes has no value; add it"
    )


def test_a_choice_the_engine_does_not_implement_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _rules_with(
        tmp_path,
        "decisions.yaml",
        "value: first_response\n    choices: [first_response, reported]",
        "value: halfway\n    choices: [first_response, reported, halfway]",
    )
    monkeypatch.chdir(tmp_path)
    (problem,) = _problems(folder)
    assert problem.endswith(
        "decisions.D-4.value: 'halfway' is not a resolution_clock_start; "
        "use first_response or reported"
    )
    assert problem.startswith("rules/decisions.yaml:")


def test_a_value_outside_the_files_own_choices_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _rules_with(tmp_path, "decisions.yaml", "value: weekend", "value: closed_ish")
    monkeypatch.chdir(tmp_path)
    (problem,) = _problems(folder)
    assert problem.endswith(
        "decisions.D-3.value: 'closed_ish' is not one of the choices weekend, closed"
    )
