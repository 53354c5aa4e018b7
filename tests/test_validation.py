"""Whatever a contract file holds, validation answers with problems, never an exception."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.paths import RULES_DIR
from engine.rules.validation import validate

FRAGMENTS = [
    "customer: X\n",
    "tier: advanced\n",
    "tier: maatwerk\n",
    "base: enterprise\n",
    "start: 2026-01-01\n",
    "period_months: 12\n",
    "addons: [aws]\n",
    "overrides:\n  targets:\n    P1: {first_response: 1h}\n",
    "overrides: {rates: {outside_sla: 80.00}}\n",
    "  - x\n",
    "&a x: *a\n",
    "? [a]\n: b\n",
    "\t\n",
    "---\n",
    "{",
    "a: no\n",
    "b: 0x10\n",
    "c: !!binary aGk=\n",
]


@settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.one_of(
        st.lists(st.sampled_from(FRAGMENTS), max_size=8).map("".join).map(str.encode),
        st.binary(max_size=200),
    )
)
def test_any_file_gives_problems_not_exceptions(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "contract.yaml"
    path.write_bytes(content)
    report = validate([path], RULES_DIR)
    for problem in report.problems:
        assert problem.message
        assert problem.location.file and problem.location.file.endswith("contract.yaml")
