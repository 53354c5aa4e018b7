from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.paths import PROJECT_ROOT
from engine.rules.ruleset import RuleSet, load_rules


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return load_rules()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def project_root() -> Path:
    return PROJECT_ROOT
