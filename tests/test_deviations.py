"""Weakened guarantees: overrides worse for the customer than the base tier.

The invalid examples live as case folders (tests/cases/invalid/weakened-*, stale-*); here are
the ordering of values, the valid (acknowledged, improved, baseless) contracts, and the report.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.contract.deviations import compare, format_value
from engine.paths import RULES_DIR
from engine.rules.validation import validate

HEADER = """customer: Acme B.V.
tier: maatwerk
base: enterprise
start: 2026-01-01
period_months: 12
"""


@pytest.mark.parametrize(
    ("path", "old", "new", "expected"),
    [
        ("targets.P1.resolution", "2h", "3h", "worse"),
        ("targets.P1.resolution", "2h", "1h30m", "better"),
        ("targets.P1.resolution", "2h", "120m", None),  # the same duration, written otherwise
        ("targets.P1.resolution", "1h30m", "100m", "worse"),  # not compared as text
        ("targets.P1.time_on_site", "4h", "best_effort", "worse"),
        ("targets.P1.time_on_site", "4h", "not_applicable", "worse"),
        ("targets.P1.time_on_site", "best_effort", "8h", "better"),
        ("targets.P2.time_on_site", "not_applicable", "8h", "better"),
        ("config_change_allowance", "1h", "15m", "worse"),
        ("config_change_allowance", "15m", "unlimited", "better"),
        ("config_change_allowance", "unlimited", "8h", "worse"),
        ("rates.outside_sla", "90.00", "95.00", "worse"),
        ("rates.outside_sla", "90.00", "9.50", "better"),
        ("rates.outside_sla", "100.00", "95.00", "better"),  # as text, "100.00" < "95.00"
        ("rates.outside_sla", "90.00", "price_list", "worse"),
        ("rates.evening_weekend", "included", "10.00", "worse"),
        ("rates.evening_weekend", "85.00", "not_available", "worse"),
        ("services.on_site_support", {"status": "included"}, {"status": "billed"}, "worse"),
        ("services.antivirus", {"status": "included"}, {"status": "not_included"}, "worse"),
        ("services.antivirus", {"status": "included"}, {"status": "addon"}, "worse"),
        ("services.antivirus", {"status": "addon"}, {"status": "included"}, "better"),
        ("services.antivirus", {"status": "billed"}, {"status": "not_included"}, None),
        (
            "services.on_site_support",
            {"status": "included"},
            {"status": "included", "priorities": [1, 2]},
            "worse",
        ),
        (
            "services.on_site_support",
            {"status": "included", "priorities": [1, 2]},
            {"status": "included", "priorities": [2, 3]},
            "worse",
        ),
        ("extended_hours", {"calendar": "avond-weekend", "priorities": [1, 2]}, None, "worse"),
        ("extended_hours", None, {"calendar": "avond-weekend", "priorities": [1]}, "better"),
        ("calendar", "kantooruren", "avond-weekend", None),  # not judged
    ],
)
def test_compare_for_the_customer(path: str, old: object, new: object, expected: str) -> None:
    assert compare(path, old, new) == expected


def test_format_value() -> None:
    assert format_value({"status": "included", "priorities": [1, 2]}) == "included (PRIO 1, 2)"
    assert format_value(None) == "null"
    assert format_value("2h") == "2h"


def _validate(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "contract.yaml"
    path.write_text(text, encoding="utf-8")
    report = validate([path], RULES_DIR)
    return [
        f"{p.location.line}:{p.location.column} {p.location.path}: {p.message}"
        for p in report.problems
    ]


def test_an_acknowledged_weakening_is_valid(tmp_path: Path) -> None:
    text = HEADER + (
        "overrides:\n"
        "  targets:\n"
        "    P1: {first_response: 1h, resolution: 3h}\n"
        "acknowledged_deviations:\n"
        "  - path: targets.P1.resolution\n"
        '    reason: "1h reactie in ruil voor 3h oplossing"\n'
    )
    assert _validate(tmp_path, text) == []


def test_only_the_unacknowledged_weakening_is_reported(tmp_path: Path) -> None:
    text = HEADER + (
        "overrides:\n"
        "  targets:\n"
        "    P1: {resolution: 3h}\n"
        "    P2: {resolution: 3h}\n"
        "acknowledged_deviations:\n"
        "  - {path: targets.P1.resolution, reason: agreed}\n"
    )
    problems = _validate(tmp_path, text)
    assert len(problems) == 1
    assert problems[0].startswith(
        "9:22 overrides.targets.P2.resolution: 3h is worse for the customer than 2h of "
        "base:enterprise (rules/tiers/enterprise.yaml:20:40)"
    )


def test_improvements_are_not_reported(tmp_path: Path) -> None:
    text = HEADER + (
        "overrides:\n"
        "  targets:\n"
        "    P1: {first_response: 1h, resolution: 1h}\n"
        "  config_change_allowance: unlimited\n"
        '  rates: {outside_sla: "70.00"}\n'
    )
    assert _validate(tmp_path, text) == []


def test_without_a_base_nothing_is_weakened_and_an_acknowledgement_is_stale(
    tmp_path: Path,
) -> None:
    text = (
        "customer: Acme B.V.\ntier: maatwerk\nstart: 2026-01-01\nperiod_months: 12\n"
        "addons: [incident-management]\n"  # D-13: targets need the service
        "overrides:\n"
        "  targets:\n"
        "    P1: {first_response: 8h, resolution: 16h, time_on_site: best_effort}\n"
        "    P2: {first_response: 16h, resolution: 16h}\n"
        "    P3: {first_response: 32h, resolution: 32h}\n"
        "    P4: {first_response: 40h}\n"
        "  config_change_allowance: 0m\n"
        '  rates: {outside_sla: "120.00", prepaid_card: "110.00", evening_weekend: "150.00"}\n'
    )
    assert _validate(tmp_path, text) == []
    stale = text + "acknowledged_deviations:\n  - {path: targets.P1.resolution, reason: x}\n"
    assert _validate(tmp_path, stale) == [
        "15:12 acknowledged_deviations[0].path: acknowledges targets.P1.resolution, but the "
        "contract has no base tier, so nothing is weakened; remove this acknowledgement"
    ]


def test_an_acknowledgement_of_an_unknown_path_suggests_the_right_one(tmp_path: Path) -> None:
    text = HEADER + (
        "overrides:\n  targets:\n    P1: {resolution: 3h}\n"
        "acknowledged_deviations:\n"
        "  - {path: targets.P1.resolutoin, reason: agreed}\n"
        "  - {path: targets.P1.resolution, reason: agreed}\n"
    )
    problems = _validate(tmp_path, text)
    assert problems == [
        "10:12 acknowledged_deviations[0].path: acknowledges targets.P1.resolutoin, which is "
        "not a value of the contract; did you mean 'targets.P1.resolution'?"
    ]


def test_the_report_names_base_value_and_place_and_how_to_acknowledge(tmp_path: Path) -> None:
    text = HEADER + 'addons: [aws]\noverrides:\n  rates: {evening_weekend: "90.00"}\n'
    assert _validate(tmp_path, text) == [
        "8:28 overrides.rates.evening_weekend: 90.00 is worse for the customer than 85.00 of "
        "base:enterprise (rules/tiers/enterprise.yaml:29:20); restore it, or if it was agreed, "
        'acknowledge it: acknowledged_deviations: [{path: rates.evening_weekend, reason: "..."}]'
    ]


def test_the_shipped_contracts_stay_valid() -> None:
    report = validate([Path("contracts")], RULES_DIR)
    assert report.problems == ()
