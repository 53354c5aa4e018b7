"""The shape of a quote: frozen line items of exact amounts, each naming its rule and clause.

Pricing (engine/pricing/quote.py) makes them; reporters and templates only format them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from engine.pricing.money import as_decimal_string, round_cents


@dataclass(frozen=True)
class QuoteLine:
    """One billed (or explicitly free) item: quantity × unit price = amount, unrounded."""

    description: str  # Dutch, as the customer reads it
    description_en: str
    quantity: Decimal
    unit: str  # "hour", "call", "change", …
    unit_price: Decimal
    rule: str  # the rule that priced it: a rule file id or a named setting (e.g. "D-6")
    clause: str  # the seed clause, e.g. "§1.3.16"

    @property
    def amount(self) -> Decimal:
        return self.quantity * self.unit_price


@dataclass(frozen=True)
class Quote:
    """What one call or piece of work costs under a contract."""

    customer: str | None
    tier: str
    priority: int | None
    start: datetime | None
    lines: tuple[QuoteLine, ...]
    notes: tuple[str, ...] = ()  # what the customer should know (best effort, not covered, …)
    notes_en: tuple[str, ...] = ()
    ticket: str | None = None
    currency: str = "EUR"
    vat_included: bool = False
    facts: dict[str, str] = field(default_factory=dict)  # service window, coverage, …

    @property
    def total(self) -> Decimal:
        """The sum of the unrounded line amounts, rounded to cents once."""
        return round_cents(sum((line.amount for line in self.lines), Decimal(0)))

    def as_dict(self) -> dict[str, object]:
        return {
            "currency": self.currency,
            "vat_included": self.vat_included,
            "customer": self.customer,
            "tier": self.tier,
            "priority": self.priority,
            "ticket": self.ticket,
            "start": self.start.isoformat() if self.start else None,
            "total": as_decimal_string(self.total),
            "lines": [
                {
                    "description": line.description,
                    "description_en": line.description_en,
                    "quantity": f"{line.quantity:.2f}",
                    "unit": line.unit,
                    "unit_price": as_decimal_string(line.unit_price),
                    "amount": as_decimal_string(line.amount),
                    "rule": line.rule,
                    "clause": line.clause,
                }
                for line in self.lines
            ],
            "notes": list(self.notes),
            "notes_en": list(self.notes_en),
            "facts": dict(self.facts),
        }
