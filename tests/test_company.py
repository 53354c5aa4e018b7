"""rules/company.yaml: the provider, validated like every rule file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.errors import ValidationError
from engine.paths import PROJECT_ROOT
from engine.rules.ruleset import RuleSet, load_rules


def test_the_shipped_company_leaves_the_registration_numbers_to_fill_in(rules: RuleSet) -> None:
    company = rules.company
    assert (company["name"], company["phone"]) == ("VIOMS", "088 – 444 88 02")  # seed §1.3.16
    assert company["kvk"] is None and company["vat_number"] is None and company["iban"] is None


def test_filled_in_numbers_are_read(filled_rules: RuleSet) -> None:
    assert filled_rules.company["kvk"] == "12345678"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('kvk: "1234"', "kvk"),
        ("kvk: 12345678", "kvk"),  # a number, not quoted: leading zeros would be lost
        ("vat_number: NL12345", "vat_number"),
        ("iban: 1234", "iban"),
    ],
)
def test_a_malformed_number_is_reported_at_its_key(
    tmp_path: Path, filled_rules_dir: Path, line: str, message: str
) -> None:
    directory = tmp_path / "rules"
    shutil.copytree(filled_rules_dir, directory)
    company = directory / "company.yaml"
    key = line.split(":")[0]
    lines = [
        line if text.startswith(f"{key}:") else text
        for text in company.read_text(encoding="utf-8").splitlines()
    ]
    company.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as error:
        load_rules(directory)
    text = "\n".join(str(problem) for problem in error.value.problems)
    assert "company.yaml" in text and message in text


def test_rules_without_company_yaml_are_refused(tmp_path: Path) -> None:
    directory = tmp_path / "rules"
    shutil.copytree(PROJECT_ROOT / "rules", directory)
    (directory / "company.yaml").unlink()
    with pytest.raises(ValidationError, match=r"no company\.yaml"):
        load_rules(directory)
