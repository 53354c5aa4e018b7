"""The schemas are valid 2020-12 schemas, and every shipped YAML file names its own."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from engine.paths import PROJECT_ROOT
from engine.rules.ruleset import FILE_KINDS, FOLDER_KINDS
from engine.rules.schemas import KINDS, schema_files, validator

SHIPPED = sorted((PROJECT_ROOT / "rules").rglob("*.yaml")) + sorted(
    (PROJECT_ROOT / "contracts").glob("*.yaml")
)


@pytest.mark.parametrize("path", schema_files(), ids=lambda p: p.name)
def test_schema_is_valid(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == path.name


def test_every_kind_has_a_schema() -> None:
    names = {p.name for p in schema_files()}
    assert {f"{kind}.schema.json" for kind in KINDS} <= names
    assert set(FOLDER_KINDS.values()) | set(FILE_KINDS.values()) <= set(KINDS)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_shipped_file_names_its_schema_for_editors(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.search(r"^# yaml-language-server: \$schema=(\S+)$", first)
    assert match, f"{path}: first line should be the yaml-language-server schema comment"
    assert (path.parent / match[1]).resolve().is_file()


@pytest.mark.parametrize("kind", KINDS)
def test_inlined_schema_has_no_references_left(kind: str) -> None:
    """Validation runs on the schema with its $refs inlined; none may survive the inlining."""
    text = json.dumps(validator(kind).schema)
    assert '"$ref"' not in text
