"""The prepaid-hours card (strippenkaart, §1.3.15): purchases, calls, balance, notifications.

- A purchase is whole hours, at least rules/prices.yaml `prepaid_card.minimum_hours`, priced at
  the contract's card rate (`rates.prepaid_card`; `price_list` is the regular rate, which must
  be set).
- Events are taken in date order, a day's purchases before its calls; each call deducts its
  time rounded up to the billing unit. The card stays valid until it is used up.
- The balance never goes negative: time beyond the card is billed ad hoc at the rate outside
  SLA (§1.3.15), and a later purchase does not pay for it.
- Notifications (D-5): `low` once when the balance drops to `prepaid_card_low_minutes` or
  fewer (but not to zero), `exhausted` when it reaches zero; a purchase that lifts the balance
  again re-arms them. A call that empties the card in one go gives `exhausted` only.
- A bad row (schema or rule) is reported at its file:line:col and left out; every other row
  is still evaluated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from engine.contract.load import resolve_target
from engine.contract.merge import EffectiveContract
from engine.errors import PricingError, Problem, ReferenceNotFound, ValidationError, did_you_mean
from engine.pricing.rates import Rate, billing_unit, contract_rate, hours, round_up
from engine.rules.ruleset import RuleSet
from engine.rules.schemas import check
from engine.rules.yaml_loader import Document, load_yaml

LOW, EXHAUSTED = "low", "exhausted"
_ROW = re.compile(r"^(purchases|calls)\[(\d+)\]")


@dataclass(frozen=True)
class Purchase:
    row: str  # key path, e.g. purchases[0]
    date: date
    hours: int
    unit_price: Decimal

    @property
    def minutes(self) -> int:
        return self.hours * 60

    @property
    def price(self) -> Decimal:
        return self.hours * self.unit_price


@dataclass(frozen=True)
class CallUse:
    """One call: its time, what the card paid and what goes beyond it."""

    row: str
    ticket: str
    date: date
    minutes: int
    billed_minutes: int
    from_card: int
    beyond_card: int
    balance_after: int


@dataclass(frozen=True)
class Notification:
    date: date
    ticket: str
    remaining_minutes: int
    kind: str  # LOW or EXHAUSTED


@dataclass(frozen=True)
class LedgerReport:
    """A card evaluated: every accepted row, the balance, and every rejected row's problem."""

    file: str
    customer: str | None
    tier: str
    card_rate: Rate
    purchases: tuple[Purchase, ...]
    calls: tuple[CallUse, ...]
    notifications: tuple[Notification, ...]
    rejected: tuple[Problem, ...]
    adhoc_rate: Rate | None  # set when time went beyond the card
    low_minutes: int

    @property
    def purchased_minutes(self) -> int:
        return sum(p.minutes for p in self.purchases)

    @property
    def used_minutes(self) -> int:
        return sum(c.from_card for c in self.calls)

    @property
    def remaining_minutes(self) -> int:
        return self.purchased_minutes - self.used_minutes

    @property
    def beyond_card_minutes(self) -> int:
        return sum(c.beyond_card for c in self.calls)

    @property
    def beyond_card_amount(self) -> Decimal:
        rate = self.adhoc_rate.amount if self.adhoc_rate else None
        return hours(self.beyond_card_minutes) * (rate or Decimal(0))

    @property
    def purchased_amount(self) -> Decimal:
        return sum((p.price for p in self.purchases), Decimal(0))


def load_ledger(path: Path, display_name: str | None = None) -> Document:
    """Read a ledger; problems outside the rows fail the file (rows are checked later)."""
    document = load_yaml(path, display_name)
    problems = [p for p in check(document, "ledger") if _row_of(p) is None]
    if problems:
        raise ValidationError(problems)
    return document


def ledger_contract(rules: RuleSet, document: Document, ledger_path: Path) -> EffectiveContract:
    """The contract a ledger names: a tier id, or a file beside the ledger or in the cwd."""
    target = str(document.data["contract"])
    if target in rules.tiers:
        return resolve_target(rules, target)
    for candidate in (ledger_path.parent / target, Path(target)):
        if candidate.is_file():
            return resolve_target(rules, str(candidate))
    raise ReferenceNotFound(
        Problem(
            f"{target!r} is neither a tier nor a contract file (looked beside the ledger and in "
            f"the working folder){did_you_mean(target, rules.tiers)}",
            document.location(("contract",)),
        )
    )


def evaluate_ledger(
    rules: RuleSet, contract: EffectiveContract, document: Document
) -> LedgerReport:
    """Take every good row in date order; report the bad ones with their location."""
    rejected = [p for p in check(document, "ledger") if _row_of(p) is not None]
    bad_rows = {_row_of(p) for p in rejected}
    card_rate = contract_rate(rules, contract, "prepaid_card")
    if card_rate.amount is None:
        raise PricingError.at(
            f"rates.prepaid_card of {contract.tier} is included; a card cannot be priced"
        )
    minimum: int = rules.prices["prepaid_card"]["minimum_hours"]
    data: dict[str, Any] = document.data
    purchases: list[Purchase] = []
    for index, row in enumerate(data.get("purchases") or []):
        key = f"purchases[{index}]"
        if key in bad_rows:
            continue
        if row["hours"] < minimum:
            rejected.append(
                Problem(
                    f"{row['hours']} hours is below the minimum purchase of {minimum} hours "
                    f"(§1.3.15); buy at least {minimum}",
                    document.location(("purchases", index, "hours")),
                )
            )
            continue
        purchases.append(
            Purchase(key, date.fromisoformat(row["date"]), row["hours"], card_rate.amount)
        )
    calls = [
        (index, row)
        for index, row in enumerate(data.get("calls") or [])
        if f"calls[{index}]" not in bad_rows
    ]
    uses, notes = _run(rules, purchases, calls)
    adhoc = None
    if any(use.beyond_card for use in uses):
        adhoc = contract_rate(rules, contract, "outside_sla")
    rejected.sort(key=lambda p: (p.location.line or 0, p.location.column or 0))
    return LedgerReport(
        file=document.file,
        customer=contract.customer,
        tier=contract.tier,
        card_rate=card_rate,
        purchases=tuple(purchases),
        calls=tuple(uses),
        notifications=tuple(notes),
        rejected=tuple(rejected),
        adhoc_rate=adhoc,
        low_minutes=rules.settings.prepaid_card_low_minutes,
    )


def _run(
    rules: RuleSet, purchases: list[Purchase], calls: list[tuple[int, dict[str, Any]]]
) -> tuple[list[CallUse], list[Notification]]:
    unit = billing_unit(rules)
    low = rules.settings.prepaid_card_low_minutes
    events: list[tuple[date, int, int, Purchase | dict[str, Any]]] = [
        (p.date, 0, i, p) for i, p in enumerate(purchases)
    ]
    events += [(date.fromisoformat(row["date"]), 1, i, row) for i, row in calls]
    balance = 0
    low_sent = exhausted_sent = True  # nothing to warn about before the first purchase
    uses: list[CallUse] = []
    notes: list[Notification] = []
    for day, _, index, event in sorted(events, key=lambda e: e[:3]):
        if isinstance(event, Purchase):
            balance += event.minutes
            low_sent = balance <= low
            exhausted_sent = balance == 0
            continue
        billed = round_up(event["minutes"], unit)
        from_card = min(billed, balance)
        balance -= from_card
        ticket = str(event["ticket"])
        row = f"calls[{index}]"
        uses.append(
            CallUse(
                row, ticket, day, event["minutes"], billed, from_card, billed - from_card, balance
            )
        )
        if balance == 0 and billed and not exhausted_sent:
            notes.append(Notification(day, ticket, 0, EXHAUSTED))
            exhausted_sent = low_sent = True
        elif 0 < balance <= low and not low_sent:
            notes.append(Notification(day, ticket, balance, LOW))
            low_sent = True
    return uses, notes


def _row_of(problem: Problem) -> str | None:
    match = _ROW.match(problem.location.path or "")
    return match.group(0) if match else None
