"""VAT on a quote: subtotal, VAT and total add up to the cent, in both directions."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from engine.pricing.vat import add_vat, vat_within

RATE = Decimal(21)


def test_the_virus_clean_up_quote_of_issue_13() -> None:
    breakdown = add_vat(Decimal("213.75"), RATE)
    assert (breakdown.subtotal, breakdown.vat, breakdown.total) == (
        Decimal("213.75"),
        Decimal("44.89"),  # 44.8875, rounded half up once
        Decimal("258.64"),
    )


def test_vat_inside_a_total_that_includes_it() -> None:
    breakdown = vat_within(Decimal("258.64"), RATE)
    assert (breakdown.subtotal, breakdown.vat) == (Decimal("213.75"), Decimal("44.89"))


@given(st.integers(min_value=0, max_value=10_000_000))
def test_the_three_lines_always_add_up(cents: int) -> None:
    amount = Decimal(cents) / 100
    for breakdown in (add_vat(amount, RATE), vat_within(amount, RATE)):
        assert breakdown.subtotal + breakdown.vat == breakdown.total
        # Within a cent of the exact VAT on the subtotal shown (one rounding).
        exact = breakdown.subtotal * RATE / 100
        assert abs(breakdown.vat - exact) <= Decimal("0.01")
