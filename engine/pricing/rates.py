"""Rates and billing units: what an hour costs under a contract, and how time is counted.

Time is billed per call in whole units (rules/prices.yaml `billing_unit`, 15 minutes), always
rounded up (§2.3, §2.4). A quantity is the billed time in hours as an exact Decimal; a unit
that does not make an exact decimal fraction of an hour is refused rather than rounded.

A rate in a contract is an amount (`"90.00"`), `included`, `price_list` (the regular rate of
rules/prices.yaml, which must be set: §1.3.15 does not give it), `not_available` or
`by_agreement` (a maatwerk placeholder, never priced).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, Inexact, localcontext
from typing import Any

from engine.contract.merge import EffectiveContract
from engine.errors import PricingError, Problem
from engine.pricing.money import parse_money
from engine.rules.ruleset import RuleSet

INCLUDED = "included"
PRICE_LIST = "price_list"
_MINUTES_PER_HOUR = Decimal(60)


@dataclass(frozen=True)
class Rate:
    """An hourly rate as it applies: an amount, or None when the work is included."""

    amount: Decimal | None
    rule: str  # e.g. "tier:advanced rates.outside_sla" or "prices regular_rate.hourly"
    clause: str

    @property
    def included(self) -> bool:
        return self.amount is None


def round_up(minutes: int, unit: int) -> int:
    """`minutes` rounded up to whole units of `unit` minutes (0 stays 0)."""
    if minutes < 0:
        raise PricingError.at(f"{minutes} minutes is negative; give the time worked, 0 or more")
    return -(-minutes // unit) * unit


def hours(minutes: int) -> Decimal:
    """Minutes as exact hours (15 -> 0.25); a time that is no exact decimal is refused."""
    with localcontext() as context:
        context.traps[Inexact] = True
        try:
            return Decimal(minutes) / _MINUTES_PER_HOUR
        except Inexact:
            raise PricingError.at(
                f"{minutes} minutes is not an exact decimal number of hours; choose billing "
                "units that divide an hour into decimal parts (e.g. 15, 30 or 60 minutes)"
            ) from None


def billing_unit(rules: RuleSet) -> int:
    """The billing unit in minutes, from rules/prices.yaml."""
    minutes: int = rules.prices["billing_unit"]["minutes"]
    return minutes


def regular_rate(rules: RuleSet) -> Rate:
    """VIOMS's regular hourly rate for customers without SLA; an error while it is unset."""
    section = rules.prices["regular_rate"]
    if section["hourly"] is None:
        where = rules.singles["prices"].location(("regular_rate", "hourly"))
        raise PricingError(
            Problem(
                "the regular hourly rate for customers without SLA (§1.3.15) is not set; "
                'set it here (e.g. hourly: "95.00") from the latest VIOMS price list '
                "before quoting for such a customer",
                where,
            )
        )
    return Rate(parse_money(section["hourly"]), "prices regular_rate.hourly", section["source"])


def contract_rate(rules: RuleSet, contract: EffectiveContract, key: str) -> Rate:
    """The contract's rate `key` (outside_sla, prepaid_card, evening_weekend) as it applies."""
    value: Any = contract.values.get("rates", {}).get(key)
    origin = contract.origins.get(f"rates.{key}")
    rule = f"{origin.layer} rates.{key}" if origin else f"rates.{key}"
    clause = (origin.clause if origin else None) or ""
    if value == PRICE_LIST:
        return regular_rate(rules)
    if value == INCLUDED:
        return Rate(None, rule, clause)
    if value == "not_available":
        raise PricingError.at(
            f"rates.{key} is not available under {_who(contract)}; this work cannot be quoted"
        )
    if not isinstance(value, str) or value == "by_agreement":
        raise PricingError.at(
            f"rates.{key} of {_who(contract)} is {value!r}: agreed rates must be filled in by a "
            "maatwerk contract (overrides or base) before a quote can be made"
        )
    return Rate(parse_money(value), rule, clause)


def _who(contract: EffectiveContract) -> str:
    return f"{contract.customer} ({contract.tier})" if contract.customer else contract.tier
