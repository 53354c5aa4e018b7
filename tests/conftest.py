from __future__ import annotations

import os
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


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def project_root() -> Path:
    return PROJECT_ROOT
