"""The shipped tiers against SPEC §1's overview table, cell by cell.

The table below is copied by hand from SPEC.md, in its own words (Y, N, €, add-on, 32h, …), and
translated here into the rule vocabulary; it does not read the rules to build expectations.
"""

from __future__ import annotations

import pytest

from engine.contract.merge import effective_for_tier
from engine.rules.ruleset import RuleSet

TIERS = ("standaard", "advanced", "enterprise", "maatwerk")

# line of SPEC §1 -> (service id, cells for Std, Adv, Ent, Maatwerk)
SERVICE_ROWS = {
    "Technisch beheer hosted services": ("hosted_services", "Y Y Y Y"),
    "Incident management": ("incident_management", "Y Y Y add-on"),
    "Probleem management": ("problem_management", "N Y Y add-on"),
    "Technisch beheer (incl. on site)": ("technical_management", "N N Y add-on"),
    "Technisch beheer standaardapplicaties": ("standard_applications", "Y Y Y add-on"),
    "Werkplek: antivirus": ("antivirus", "Y Y Y add-on"),
    "Werkplek: 24/7 monitoring": ("monitoring_24_7", "N Y Y add-on"),
    "Hulp op afstand (remote help)": ("remote_help", "Y Y Y Y"),
    "Support op locatie (on site)": ("on_site_support", "€ PRIO-1&2 Y add-on"),
    "Evening/weekend service (AWS)": ("evening_weekend_service", "€ add-on add-on add-on"),
}
CELL_MEANING = {
    "Y": {"status": "included"},
    "N": {"status": "not_included"},
    "add-on": {"status": "addon"},
    "€": {"status": "billed"},
    "PRIO-1&2": {"status": "included", "priorities": [1, 2]},
}

# (priority, target) -> cells for Std, Adv, Ent, Maatwerk
TARGET_ROWS = {
    ("P4", "first_response"): "32h 16h 8h by_agreement",
    ("P3", "first_response"): "16h 8h 4h by_agreement",
    ("P3", "resolution"): "16h 8h 4h by_agreement",
    ("P2", "first_response"): "16h 8h 4h by_agreement",
    ("P2", "resolution"): "8h 4h 2h by_agreement",
    ("P1", "first_response"): "8h 4h 2h by_agreement",
    ("P1", "resolution"): "8h 4h 2h by_agreement",
    ("P1", "time_on_site"): "best_effort 4h 2h by_agreement",
}
OTHER_ROWS = {
    "config_change_allowance": "15m 1h unlimited by_agreement",
    "rates.outside_sla": "95.00 90.00 85.00 by_agreement",
    "rates.prepaid_card": "90.00 85.00 80.00 by_agreement",
    "calendar": "kantooruren kantooruren kantooruren kantooruren",
}


def _cells(row: str) -> dict[str, str]:
    return dict(zip(TIERS, row.split(), strict=True))


@pytest.mark.parametrize("line", SERVICE_ROWS)
@pytest.mark.parametrize("tier", TIERS)
def test_service_cell(rules: RuleSet, tier: str, line: str) -> None:
    service_id, row = SERVICE_ROWS[line]
    services = rules.tiers[tier].data["services"]
    actual = {k: v for k, v in services[service_id].items() if k != "source"}
    assert actual == CELL_MEANING[_cells(row)[tier]]


@pytest.mark.parametrize("key", TARGET_ROWS)
@pytest.mark.parametrize("tier", TIERS)
def test_target_cell(rules: RuleSet, tier: str, key: tuple[str, str]) -> None:
    priority, target = key
    assert rules.tiers[tier].data["targets"][priority][target] == _cells(TARGET_ROWS[key])[tier]


@pytest.mark.parametrize("path", OTHER_ROWS)
@pytest.mark.parametrize("tier", TIERS)
def test_other_cell(rules: RuleSet, tier: str, path: str) -> None:
    value = rules.tiers[tier].data
    for key in path.split("."):
        value = value[key]
    assert value == _cells(OTHER_ROWS[path])[tier]


@pytest.mark.parametrize("tier", TIERS)
def test_targets_the_table_does_not_have(rules: RuleSet, tier: str) -> None:
    """TTP is PRIO 1 only (§1.2.12); PRIO 4 has a first response and no resolution target."""
    targets = rules.tiers[tier].data["targets"]
    for priority in ("P2", "P3", "P4"):
        assert targets[priority]["time_on_site"] == "not_applicable"
    assert targets["P4"]["resolution"] == "not_applicable"


def test_workplace_text_lines_are_services_too(rules: RuleSet) -> None:
    """D-1: §1.2.6 adds remote control (Std, Adv, Ent) and Windows updates (Enterprise only)."""
    expected = {
        "remote_control": ("included", "included", "included"),
        "windows_updates": ("not_included", "not_included", "included"),
    }
    for service_id, statuses in expected.items():
        for tier, status in zip(TIERS[:3], statuses, strict=True):
            assert rules.tiers[tier].data["services"][service_id]["status"] == status


def test_service_hours_are_monday_to_friday_nine_to_five(rules: RuleSet) -> None:
    weekly = rules.calendars["kantooruren"].data["weekly"]
    assert [weekly[d] for d in ("mon", "tue", "wed", "thu", "fri")] == [["09:00-17:00"]] * 5
    assert weekly["sat"] == weekly["sun"] == []
    assert rules.calendars["kantooruren"].data["timezone"] == "Europe/Amsterdam"


def test_aws_windows_and_priorities(rules: RuleSet) -> None:
    """§1.3.16: Mon–Fri 17:00–22:00 and Sat/Sun 10:00–16:00, for PRIO 1 and 2, not Standaard."""
    weekly = rules.calendars["avond-weekend"].data["weekly"]
    assert [weekly[d] for d in ("mon", "tue", "wed", "thu", "fri")] == [["17:00-22:00"]] * 5
    assert weekly["sat"] == weekly["sun"] == ["10:00-16:00"]
    aws = rules.addons["aws"].data
    assert sorted(aws["tiers"]) == ["advanced", "enterprise", "maatwerk"]
    assert aws["sets"]["extended_hours"]["priorities"] == [1, 2]


def test_evening_weekend_prices(rules: RuleSet) -> None:
    """§1.3.16's table: start fees per column and the hourly rate per tier without add-on."""
    fees = rules.prices["evening_weekend"]["start_fee"]
    assert fees == {"sla_with_addon": "0.00", "sla_without_addon": "100.00", "no_sla": "160.00"}
    hourly = {t: rules.tiers[t].data["rates"]["evening_weekend"] for t in rules.tiers}
    assert hourly == {
        "standaard": "95.00",
        "advanced": "90.00",
        "enterprise": "85.00",
        "maatwerk": "by_agreement",
        "geen-sla": "160.00",
    }


def test_prepaid_card_minimum_and_billing_unit(rules: RuleSet) -> None:
    assert rules.prices["prepaid_card"]["minimum_hours"] == 5
    assert rules.prices["billing_unit"] == {
        "minutes": 15,
        "rounding": "up",
        "source": "§1.3.15, §2.3, §2.4",
    }


def test_every_maatwerk_addon_line_has_an_addon(rules: RuleSet) -> None:
    addon_services = {
        service_id
        for service_id, entry in rules.tiers["maatwerk"].data["services"].items()
        if entry["status"] == "addon"
    }
    sold = {
        service_id
        for addon in rules.addons.values()
        if "maatwerk" in addon.data["tiers"]
        for service_id in addon.data["sets"].get("services", {})
    }
    assert addon_services <= sold


def test_a_tier_with_aws_gets_the_extended_hours(rules: RuleSet) -> None:
    contract = effective_for_tier(rules, "advanced", ("aws",))
    assert contract.values["extended_hours"] == {"calendar": "avond-weekend", "priorities": [1, 2]}
    assert contract.origins["extended_hours"].layer == "addon:aws"


def test_every_decision_is_a_named_setting(rules: RuleSet) -> None:
    decisions = rules.single("decisions")["decisions"]
    assert sorted(decisions, key=lambda d: int(d[2:])) == [f"D-{n}" for n in range(1, 14)]
    assert all(d["doc"] and d["setting"] for d in decisions.values())


def test_every_value_carries_its_seed_clause(rules: RuleSet) -> None:
    for tier in rules.tiers.values():
        contract = effective_for_tier(rules, tier.data["id"])
        missing = [path for path, origin in contract.origins.items() if not origin.clause]
        assert not missing, (tier.data["id"], missing)
