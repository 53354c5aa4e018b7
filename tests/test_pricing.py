"""Pricing of one call (SPEC §4, §5). Every expected amount is worked out by hand from the
seed's tables: 15-minute units rounded up, the tier's rates, the §1.3.16 call prices."""

from __future__ import annotations

import copy
import dataclasses
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from engine.clock.times import parse_time
from engine.contract.load import resolve_target
from engine.errors import InputError, PricingError, ReferenceNotFound, ValidationError
from engine.pricing.lines import Quote
from engine.pricing.quote import Work, quote
from engine.pricing.service_windows import NoService
from engine.rules.ruleset import RuleSet
from engine.rules.yaml_loader import Document

MONDAY_10 = "2026-11-23T10:00"  # office hours
SATURDAY_11 = "2026-11-28T11:00"  # weekend window
TUESDAY_19 = "2026-11-24T19:00"  # weekday evening window
CHRISTMAS_11 = "2026-12-25T11:00"  # a Friday, public holiday: the weekend window (D-3)


def price(
    rules: RuleSet,
    target: str,
    start: str,
    minutes: int,
    priority: int = 2,
    addons: tuple[str, ...] = (),
    **facts: Any,
) -> Quote:
    contract = resolve_target(rules, target, addons)
    work = Work(priority=priority, start=parse_time(start), minutes=minutes, **facts)
    return quote(rules, contract, work)


def with_single(rules: RuleSet, kind: str, change: Any) -> RuleSet:
    """A copy of the rules with one single file's data changed by `change(data)`."""
    document = rules.singles[kind]
    data = copy.deepcopy(document.data)
    change(data)
    changed = Document(document.file, data, document.positions)
    return dataclasses.replace(rules, singles={**rules.singles, kind: changed})


def with_regular_rate(rules: RuleSet, amount: str) -> RuleSet:
    return with_single(rules, "prices", lambda d: d["regular_rate"].update(hourly=amount))


def with_setting(rules: RuleSet, decision: str, value: Any) -> RuleSet:
    return with_single(rules, "decisions", lambda d: d["decisions"][decision].update(value=value))


# -- the evening/weekend table of §1.3.16, every row and column --------------------------------


@pytest.mark.parametrize(
    ("target", "addons", "priority", "column", "start_fee", "hourly", "total"),
    [
        # SLA without add-on: € 100 start, the tier's hourly rate; 20 min -> 0.5 h
        ("standaard", (), 1, "sla_without_addon", "100.00", "95.00", "147.50"),
        ("advanced", (), 1, "sla_without_addon", "100.00", "90.00", "145.00"),
        ("enterprise", (), 2, "sla_without_addon", "100.00", "85.00", "142.50"),
        ("advanced", (), 4, "sla_without_addon", "100.00", "90.00", "145.00"),
        # SLA + add-on, PRIO 1 and 2: € 0 start, hourly included
        ("advanced", ("aws",), 1, "sla_with_addon", "0.00", "0.00", "0.00"),
        ("advanced", ("aws",), 2, "sla_with_addon", "0.00", "0.00", "0.00"),
        ("enterprise", ("aws",), 1, "sla_with_addon", "0.00", "0.00", "0.00"),
        # add-on customers, PRIO 3 and 4: the "SLA without add-on" prices (D-8)
        ("advanced", ("aws",), 3, "sla_without_addon", "100.00", "90.00", "145.00"),
        ("enterprise", ("aws",), 4, "sla_without_addon", "100.00", "85.00", "142.50"),
        # no SLA: € 160 start, € 160 an hour: 160 + 80
        ("geen-sla", (), 1, "no_sla", "160.00", "160.00", "240.00"),
        ("geen-sla", (), 3, "no_sla", "160.00", "160.00", "240.00"),
    ],
)
def test_evening_weekend_table_every_cell(
    rules: RuleSet,
    target: str,
    addons: tuple[str, ...],
    priority: int,
    column: str,
    start_fee: str,
    hourly: str,
    total: str,
) -> None:
    result = price(rules, target, SATURDAY_11, 20, priority, addons)
    assert result.facts["window"] == "evening_weekend"
    assert result.facts["column"] == column
    fee, work = result.lines
    assert (fee.quantity, fee.unit, fee.unit_price) == (Decimal(1), "call", Decimal(start_fee))
    assert f"start_fee.{column}" in fee.rule
    assert (work.quantity, work.unit, work.unit_price) == (Decimal("0.5"), "hour", Decimal(hourly))
    assert result.total == Decimal(total)


def test_advanced_without_addon_saturday_20_minutes_is_145(rules: RuleSet) -> None:
    # The brief's worked example: start 100.00 + 2 units of 15 = 0.5 h x 90.00 = 45.00.
    assert price(rules, "advanced", SATURDAY_11, 20, priority=1).as_dict()["total"] == "145.00"


def test_addon_other_priorities_are_best_effort_and_name_d8(rules: RuleSet) -> None:
    result = price(rules, "advanced", SATURDAY_11, 20, priority=3, addons=("aws",))
    assert all(line.rule.startswith("D-8") for line in result.lines)
    assert any("best effort" in note for note in result.notes_en)


def test_addon_priorities_are_covered_not_best_effort(rules: RuleSet) -> None:
    result = price(rules, "enterprise", SATURDAY_11, 20, priority=1, addons=("aws",))
    assert not any("best effort" in note for note in result.notes_en)
    assert "services.incident_management" in result.lines[1].rule


def test_standaard_cannot_have_the_addon(rules: RuleSet) -> None:
    with pytest.raises(ValidationError, match="not available for tier 'standaard'"):
        price(rules, "standaard", SATURDAY_11, 20, priority=1, addons=("aws",))


def test_weekday_evening_is_the_evening_window(rules: RuleSet) -> None:
    # 60 min at 19:00 on a Tuesday, Advanced without add-on: 100 + 1 h x 90
    assert price(rules, "advanced", TUESDAY_19, 60, priority=1).total == Decimal("190.00")


def test_public_holiday_on_a_weekday_gets_the_weekend_window(rules: RuleSet) -> None:
    result = price(rules, "standaard", CHRISTMAS_11, 30, priority=2)
    assert result.facts["window"] == "evening_weekend"
    assert result.total == Decimal("147.50")  # 100 + 0.5 h x 95


def test_closing_time_17_00_is_evening_and_16_59_is_office(rules: RuleSet) -> None:
    assert price(rules, "advanced", "2026-11-23T17:00", 15).facts["window"] == "evening_weekend"
    assert price(rules, "advanced", "2026-11-23T16:59", 15).facts["window"] == "office_hours"


def test_maatwerk_contract_evening_uses_its_effective_rates(rules: RuleSet) -> None:
    bakkerij = "contracts/bakkerij-de-vries.yaml"  # maatwerk on enterprise, with aws
    assert price(rules, bakkerij, SATURDAY_11, 20, priority=1).total == Decimal("0.00")
    # PRIO 3: D-8, € 100 + 0.5 h x 85 (evening rate from the enterprise base)
    assert price(rules, bakkerij, SATURDAY_11, 20, priority=3).total == Decimal("142.50")


def test_evening_call_of_zero_minutes_still_pays_the_start_fee(rules: RuleSet) -> None:
    assert price(rules, "advanced", SATURDAY_11, 0, priority=1).total == Decimal("100.00")


# -- 15-minute units, rounded up ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "hours", "total"),
    [
        (0, "0", "0.00"),
        (1, "0.25", "23.75"),
        (15, "0.25", "23.75"),
        (16, "0.5", "47.50"),
        (60, "1", "95.00"),
        (61, "1.25", "118.75"),
    ],
)
def test_work_is_rounded_up_to_15_minutes(
    rules: RuleSet, minutes: int, hours: str, total: str
) -> None:
    result = price(rules, "standaard", MONDAY_10, minutes, kind="outside-sla")
    (line,) = result.lines
    assert line.quantity == Decimal(hours)
    assert line.unit_price == Decimal("95.00")
    assert result.total == Decimal(total)


@pytest.mark.parametrize(("minutes", "total"), [(0, "100.00"), (61, "212.50")])
def test_evening_work_is_rounded_up_too(rules: RuleSet, minutes: int, total: str) -> None:
    assert price(rules, "advanced", SATURDAY_11, minutes, priority=1).total == Decimal(total)


def test_billing_unit_is_rule_data(rules: RuleSet) -> None:
    half_hours = with_single(rules, "prices", lambda d: d["billing_unit"].update(minutes=30))
    result = price(half_hours, "standaard", MONDAY_10, 16, kind="outside-sla")
    assert result.total == Decimal("47.50")  # 16 min -> 30 min -> 0.5 h x 95


def test_billing_unit_that_is_no_exact_fraction_of_an_hour_is_refused(rules: RuleSet) -> None:
    thirds = with_single(rules, "prices", lambda d: d["billing_unit"].update(minutes=20))
    with pytest.raises(PricingError, match="not an exact decimal number of hours"):
        price(thirds, "standaard", MONDAY_10, 20, kind="outside-sla")


# -- work the tier covers, and work outside it ----------------------------------------------------


def test_covered_incident_in_office_hours_is_a_zero_line_that_says_so(rules: RuleSet) -> None:
    result = price(rules, "advanced", MONDAY_10, 45, priority=2)
    (line,) = result.lines
    assert line.amount == 0 and line.quantity == Decimal("0.75")
    assert "inbegrepen" in line.description and "included" in line.description_en
    assert line.rule == "tier:advanced services.incident_management"
    assert result.total == Decimal("0.00")


def test_ad_hoc_work_is_billed_at_the_rate_outside_sla(rules: RuleSet) -> None:
    result = price(rules, "enterprise", MONDAY_10, 100, kind="outside-sla")
    assert result.total == Decimal("148.75")  # 100 -> 105 min = 1.75 h x 85
    assert result.lines[0].rule == "tier:enterprise rates.outside_sla"


def test_maatwerk_override_rate_is_used_and_named(rules: RuleSet) -> None:
    result = price(rules, "contracts/bakkerij-de-vries.yaml", MONDAY_10, 60, kind="outside-sla")
    assert result.total == Decimal("80.00")
    assert result.lines[0].rule == "overrides rates.outside_sla"


def test_maatwerk_tier_without_agreed_rates_is_refused(rules: RuleSet) -> None:
    with pytest.raises(PricingError, match="by_agreement"):
        price(rules, "maatwerk", MONDAY_10, 30, kind="outside-sla")


# -- configuration changes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "minutes", "total"),
    [
        ("standaard", 15, "0.00"),  # max 15 min included
        ("standaard", 16, "23.75"),  # 1 min beyond -> 15 min x 95
        ("standaard", 60, "71.25"),  # 45 min beyond -> 0.75 h x 95
        ("advanced", 60, "0.00"),  # max 1 h included
        ("advanced", 61, "22.50"),  # 1 min beyond -> 0.25 h x 90
        ("enterprise", 240, "0.00"),  # unlimited
    ],
)
def test_configuration_change_allowance(
    rules: RuleSet, target: str, minutes: int, total: str
) -> None:
    result = price(rules, target, MONDAY_10, minutes, priority=4, kind="config-change")
    assert result.total == Decimal(total)


def test_configuration_change_excess_names_d6(rules: RuleSet) -> None:
    result = price(rules, "standaard", MONDAY_10, 40, priority=4, kind="config-change")
    included, excess = result.lines
    assert (included.quantity, included.amount) == (Decimal("0.25"), 0)
    assert included.rule == "tier:standaard config_change_allowance"
    assert excess.rule.startswith("D-6 config_change_excess_billing")
    # 40 min: 15 included, 25 beyond -> 30 min = 0.5 h x 95
    assert (excess.quantity, excess.unit_price) == (Decimal("0.5"), Decimal("95.00"))
    assert result.total == Decimal("47.50")


def test_configuration_change_without_sla_needs_the_regular_rate(rules: RuleSet) -> None:
    with pytest.raises(PricingError, match=r"regular_rate\.hourly"):
        price(rules, "geen-sla", MONDAY_10, 10, priority=4, kind="config-change")
    priced = with_regular_rate(rules, "70.00")
    result = price(priced, "geen-sla", MONDAY_10, 10, priority=4, kind="config-change")
    assert result.total == Decimal("17.50")  # 0.25 h x 70


# -- on-site visits and travel time --------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "priority", "travel", "total"),
    [
        ("standaard", 1, 20, "142.50"),  # on site billed: 1 h x 95 + travel 0.5 h x 95
        ("advanced", 1, 30, "45.00"),  # included for PRIO 1; travel 0.5 h x 90
        ("advanced", 2, 30, "45.00"),  # included for PRIO 2
        ("advanced", 3, 30, "135.00"),  # not for PRIO 3: 1 h x 90 + 45
        ("enterprise", 4, 15, "21.25"),  # included; travel 0.25 h x 85
        ("enterprise", 1, 0, "0.00"),  # no travel time given: nothing to charge
    ],
)
def test_on_site_per_tier_with_travel_always_charged(
    rules: RuleSet, target: str, priority: int, travel: int, total: str
) -> None:
    result = price(rules, target, MONDAY_10, 60, priority, on_site=True, travel_minutes=travel)
    assert result.total == Decimal(total)
    travel_line = result.lines[-1]
    assert travel_line.rule.startswith("D-7 travel_time_unit_minutes")
    assert travel_line.clause.startswith("§2.3")


def test_standaard_on_site_line_names_the_service_rule(rules: RuleSet) -> None:
    result = price(rules, "standaard", MONDAY_10, 60, 1, on_site=True, travel_minutes=20)
    assert result.lines[0].rule.startswith("tier:standaard services.on_site_support")


def test_travel_unit_is_the_d7_setting(rules: RuleSet) -> None:
    half_hours = with_setting(rules, "D-7", 30)
    result = price(half_hours, "enterprise", MONDAY_10, 60, 1, on_site=True, travel_minutes=20)
    assert result.lines[-1].quantity == Decimal("0.5")
    assert result.total == Decimal("42.50")


def test_travel_without_on_site_is_an_input_error(rules: RuleSet) -> None:
    with pytest.raises(InputError, match="on-site"):
        price(rules, "advanced", MONDAY_10, 60, travel_minutes=20)


# -- exceptions (§2.2–2.7) -----------------------------------------------------------------------


def test_misuse_is_billed_at_the_rate_outside_sla(rules: RuleSet) -> None:
    result = price(rules, "advanced", MONDAY_10, 50, causes=("misbruik",))
    (line,) = result.lines
    assert line.rule.startswith("misbruik")
    assert result.total == Decimal("90.00")  # 50 -> 60 min x 90


def test_misuse_in_addon_hours_is_billed_too(rules: RuleSet) -> None:
    result = price(rules, "advanced", SATURDAY_11, 50, 1, ("aws",), causes=("misbruik",))
    assert result.total == Decimal("90.00")  # no start fee, but the work is not covered


def test_peripherals_are_billed_at_the_rate_outside_sla(rules: RuleSet) -> None:
    result = price(rules, "standaard", MONDAY_10, 30, 3, causes=("randapparatuur",))
    assert result.total == Decimal("47.50")


def test_third_party_is_covered_best_effort_and_call_costs_remain(rules: RuleSet) -> None:
    office = price(rules, "advanced", MONDAY_10, 30, 1, causes=("derde-partij",))
    assert office.total == Decimal("0.00")
    assert office.facts["targets"] == "best_effort"
    assert any("call costs remain due" in note for note in office.notes_en)
    evening = price(rules, "advanced", SATURDAY_11, 10, 1, causes=("derde-partij",))
    assert evening.total == Decimal("122.50")  # 100 + 0.25 h x 90


def test_services_without_involvement_are_refused(rules: RuleSet) -> None:
    with pytest.raises(PricingError, match="not supported at all"):
        price(rules, "enterprise", MONDAY_10, 30, causes=("geen-betrokkenheid",))


def test_unknown_cause_gets_did_you_mean(rules: RuleSet) -> None:
    with pytest.raises(ReferenceNotFound, match="did you mean 'misbruik'"):
        price(rules, "advanced", MONDAY_10, 30, causes=("misbruk",))


# -- moments without any service -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "next_available", "window"),
    [
        ("2026-11-24T23:30", "2026-11-25T09:00+01:00", "office_hours"),  # Tuesday night
        ("2026-11-29T20:00", "2026-11-30T09:00+01:00", "office_hours"),  # Sunday evening
        ("2026-11-23T22:00", "2026-11-24T09:00+01:00", "office_hours"),  # evening closes at 22
        ("2026-11-28T08:00", "2026-11-28T10:00+01:00", "evening_weekend"),  # Saturday morning
    ],
)
def test_no_service_says_when_service_is_next_available(
    rules: RuleSet, start: str, next_available: str, window: str
) -> None:
    with pytest.raises(NoService) as caught:
        price(rules, "advanced", start, 30, priority=1, addons=("aws",))
    assert caught.value.next_available == datetime.fromisoformat(next_available)
    assert caught.value.next_window == window
    assert next_available[:16] in str(caught.value)


# -- customers without SLA -----------------------------------------------------------------------


def test_no_sla_in_office_hours_without_regular_rate_is_an_error_not_a_guess(
    rules: RuleSet,
) -> None:
    with pytest.raises(PricingError) as caught:
        price(rules, "contracts/fietsenmaker-bos.yaml", MONDAY_10, 20)
    problem = caught.value.problems[0]
    assert problem.location.path == "regular_rate.hourly"
    assert problem.location.file is not None and problem.location.file.endswith("prices.yaml")
    assert "set it" in problem.message


def test_no_sla_in_office_hours_with_regular_rate_set(rules: RuleSet) -> None:
    priced = with_regular_rate(rules, "70.00")
    result = price(priced, "contracts/fietsenmaker-bos.yaml", MONDAY_10, 20)
    assert result.total == Decimal("35.00")  # 0.5 h x 70
    assert result.lines[0].rule.endswith("prices regular_rate.hourly")


# -- exact amounts -------------------------------------------------------------------------------


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]


def test_no_float_anywhere_between_rules_and_output(rules: RuleSet) -> None:
    result = price(rules, "standaard", MONDAY_10, 61, 1, on_site=True, travel_minutes=7)
    assert not any(isinstance(leaf, float) for leaf in _leaves(result.as_dict()))
    for line in result.lines:
        assert isinstance(line.quantity, Decimal) and isinstance(line.unit_price, Decimal)
        assert isinstance(line.amount, Decimal)
    assert result.as_dict()["total"] == "142.50"  # 1.25 h x 95 + 0.25 h x 95


def test_work_facts_are_checked(rules: RuleSet) -> None:
    with pytest.raises(InputError, match="priority"):
        Work(priority=5, start=parse_time(MONDAY_10), minutes=1)
    with pytest.raises(InputError, match="did you mean 'config-change'"):
        Work(priority=1, start=parse_time(MONDAY_10), minutes=1, kind="config-chang")
    with pytest.raises(InputError, match="minutes"):
        Work(priority=1, start=parse_time(MONDAY_10), minutes=-1)
