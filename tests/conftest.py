from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.paths import PROJECT_ROOT
from engine.rules.ruleset import RuleSet, load_rules

# Rule sets cached by the commands go to a folder of this run, not the user's cache.
os.environ["SLA_CACHE_DIR"] = tempfile.mkdtemp(prefix="sla-test-cache-")


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return load_rules()


@pytest.fixture(autouse=True)
def english_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands speak the locale's language (SPEC §8): tests start from none, so English."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def project_root() -> Path:
    return PROJECT_ROOT


# The provider's numbers as VIOMS would fill them in (rules/company.yaml ships them empty: the
# seed does not give them). Example values of the right form, for the documents' tests only.
FILLED_COMPANY = """\
# yaml-language-server: $schema=../schemas/company.schema.json
id: company
name: VIOMS
legal_name: VIOMS B.V.
address: {street: Voorbeeldstraat 1, postal_code: 1234 AB, city: Voorbeeldstad}
kvk: "12345678"
vat_number: NL001234567B01
iban: NL91 ABNA 0417 1643 00
phone: "088 – 444 88 02"
email: support@vioms.example
website: www.vioms.example
signatory: {name: Jan Voorbeeld, function: directeur}
source: "§1.3.16"
"""


@pytest.fixture(scope="session")
def filled_rules_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the shipped rules whose company.yaml has every number filled in."""
    directory = tmp_path_factory.mktemp("rules") / "rules"
    shutil.copytree(PROJECT_ROOT / "rules", directory)
    (directory / "company.yaml").write_text(FILLED_COMPANY, encoding="utf-8")
    return directory


@pytest.fixture(scope="session")
def filled_rules(filled_rules_dir: Path) -> RuleSet:
    return load_rules(filled_rules_dir)
