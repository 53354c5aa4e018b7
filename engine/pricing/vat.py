"""VAT on a quote: the rates of the rules exclude it, a quote adds it to its subtotal.

The subtotal is the quote's total (its line amounts summed, rounded to cents once); the VAT is
that subtotal times the rate, rounded to cents once; the total is their sum, so the three lines
a customer reads always add up: € 213,75 + € 44,89 = € 258,64.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from engine.pricing.money import round_cents


@dataclass(frozen=True)
class VatBreakdown:
    """Subtotal, VAT and total including VAT, in whole cents."""

    subtotal: Decimal
    rate_percent: Decimal
    vat: Decimal

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.vat


def add_vat(subtotal: Decimal, rate_percent: Decimal) -> VatBreakdown:
    """VAT at `rate_percent` on `subtotal` (already in cents): 213.75 at 21 % -> 44.89."""
    cents = round_cents(subtotal)
    return VatBreakdown(cents, rate_percent, round_cents(cents * rate_percent / Decimal(100)))


def vat_within(total: Decimal, rate_percent: Decimal) -> VatBreakdown:
    """The VAT inside a total that already includes it (prices with vat_included: true):
    258.64 at 21 % -> subtotal 213.75, VAT 44.89."""
    cents = round_cents(total)
    vat = round_cents(cents * rate_percent / (Decimal(100) + rate_percent))
    return VatBreakdown(cents - vat, rate_percent, vat)


def vat_rate(prices: dict[str, object]) -> Decimal:
    """The VAT rate of rules/prices.yaml in percent, e.g. Decimal("21")."""
    vat = prices["vat"]
    assert isinstance(vat, dict)
    return Decimal(str(vat["rate_percent"]))
