"""Every folder of tests/cases/invalid/ is a file that `sla validate` must refuse.

A case is `input.yaml` and `expected.yaml` with `where` (file:line:col), optionally `path`
(the key path) and `message` (a part of the message). Adding a case is adding a folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from engine.paths import RULES_DIR
from engine.rules.validation import validate

CASES = Path(__file__).parent / "cases" / "invalid"


def _cases() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if p.is_dir())


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.name)
def test_invalid_case_is_reported_at_its_location(case: Path) -> None:
    expected = yaml.safe_load((case / "expected.yaml").read_text(encoding="utf-8"))
    report = validate([case / "input.yaml"], RULES_DIR)
    assert not report.ok
    shown = [
        (
            Path(p.location.file or "").name
            + "".join(f":{n}" for n in (p.location.line, p.location.column) if n is not None),
            p.location.path,
            p.message,
        )
        for p in report.problems
    ]
    matching = [
        s
        for s in shown
        if s[0] == expected["where"]
        and ("path" not in expected or s[1] == expected["path"])
        and expected.get("message", "") in s[2]
    ]
    assert matching, f"expected {expected}, got {shown}"


def test_every_case_folder_is_complete() -> None:
    for case in _cases():
        assert (case / "input.yaml").is_file(), case
        assert (case / "expected.yaml").is_file(), case


def test_alias_bomb_is_rejected_at_its_first_alias() -> None:
    """A bomb that expanded would take minutes and gigabytes; refusing it at the first alias,
    before any expansion, is what makes it cheap (no timing here: tests assert behaviour)."""
    report = validate([CASES / "alias-bomb" / "input.yaml"], RULES_DIR)
    assert [(p.location.line, p.location.column, p.location.path) for p in report.problems] == [
        (6, 8, "b[0]")
    ]
