"""Tier -> base -> add-ons -> overrides, and the origin of every value."""

from __future__ import annotations

import pytest

from engine.contract.merge import effective_for_contract, effective_for_tier, placeholders
from engine.errors import ValidationError
from engine.rules.ruleset import RuleSet
from engine.rules.yaml_loader import parse_yaml


def contract(text: str) -> object:
    return parse_yaml(text.encode(), "c.yaml")


def test_later_layers_win_and_remember_where(rules: RuleSet) -> None:
    document = parse_yaml(
        b"customer: X\ntier: maatwerk\nbase: advanced\naddons: [aws]\nstart: 2026-01-01\n"
        b"period_months: 12\noverrides:\n  targets:\n    P2: {resolution: 3h}\n",
        "c.yaml",
    )
    effective = effective_for_contract(rules, document)
    assert effective.values["targets"]["P2"] == {
        "first_response": "8h",  # advanced
        "resolution": "3h",  # override
        "time_on_site": "not_applicable",
    }
    origin = effective.origins["targets.P2.resolution"]
    assert (origin.layer, origin.file, origin.line, origin.column) == ("overrides", "c.yaml", 9, 22)
    assert origin.clause is None  # a contract value has no seed clause
    assert effective.origins["targets.P2.first_response"].layer == "base:advanced"
    assert effective.origins["targets.P2.first_response"].clause == "§1, §1.2.10"
    assert effective.origins["services.evening_weekend_service"].layer == "addon:aws"


def test_a_service_entry_is_replaced_whole(rules: RuleSet) -> None:
    """An add-on that includes on-site support drops the base's 'PRIO 1 and 2 only'."""
    document = parse_yaml(
        b"customer: X\ntier: maatwerk\nbase: advanced\naddons: [support-op-locatie]\n"
        b"start: 2026-01-01\nperiod_months: 12\n",
        "c.yaml",
    )
    effective = effective_for_contract(rules, document)
    assert effective.values["services"]["on_site_support"] == {"status": "included"}


def test_maatwerk_without_base_must_fill_every_placeholder(rules: RuleSet) -> None:
    document = parse_yaml(
        b"customer: X\ntier: maatwerk\nstart: 2026-01-01\nperiod_months: 12\n", "c.yaml"
    )
    with pytest.raises(ValidationError) as caught:
        effective_for_contract(rules, document)
    message = str(caught.value)
    for path in ("targets.P1.first_response", "targets.P1.time_on_site", "rates.outside_sla"):
        assert path in message


def test_placeholders_finds_nested_values() -> None:
    values = {"a": {"b": "by_agreement", "c": "1h"}, "d": "by_agreement", "e": {"status": "x"}}
    assert placeholders(values) == ["a.b", "d"]


def test_tier_effective_contract_has_no_placeholder_except_maatwerk(rules: RuleSet) -> None:
    for tier_id in rules.tiers:
        open_paths = placeholders(effective_for_tier(rules, tier_id).values)
        assert bool(open_paths) == (tier_id == "maatwerk"), tier_id


def test_extra_addon_is_checked_against_the_tier(rules: RuleSet) -> None:
    document = parse_yaml(
        b"customer: X\ntier: standaard\nstart: 2026-01-01\nperiod_months: 12\n", "c.yaml"
    )
    with pytest.raises(ValidationError, match="not available for tier 'standaard'"):
        effective_for_contract(rules, document, ("aws",))


def test_base_cannot_be_maatwerk_or_geen_sla(rules: RuleSet) -> None:
    document = parse_yaml(
        b"customer: X\ntier: maatwerk\nbase: geen-sla\nstart: 2026-01-01\nperiod_months: 12\n",
        "c.yaml",
    )
    with pytest.raises(ValidationError, match="cannot be based on 'geen-sla'"):
        effective_for_contract(rules, document)


def test_laying_a_contract_leaves_the_shared_tier_layers_untouched(rules: RuleSet) -> None:
    """Tier layers are laid once and shared; a contract's overrides must not leak into them."""
    text = (
        b"customer: X\ntier: maatwerk\nbase: advanced\nstart: 2026-01-01\nperiod_months: 12\n"
        b"overrides:\n  targets:\n    P1: {first_response: 1h}\n  rates: {outside_sla: '70.00'}\n"
    )
    first = effective_for_contract(rules, parse_yaml(text, "a.yaml"))
    plain = effective_for_contract(
        rules,
        parse_yaml(
            b"customer: Z\ntier: maatwerk\nbase: advanced\nstart: 2026-01-01\nperiod_months: 12\n",
            "b.yaml",
        ),
    )
    assert first.values["targets"]["P1"]["first_response"] == "1h"
    assert plain.values["targets"]["P1"]["first_response"] == "4h"
    assert plain.values["rates"]["outside_sla"] == "90.00"
    assert plain.origins["rates.outside_sla"].layer == "base:advanced"
