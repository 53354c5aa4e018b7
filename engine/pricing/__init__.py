"""What a call costs: quotes with exact line items, rates and billing units, evening/weekend
service windows, and the prepaid-hours card.

Public names are imported on first use (engine/_lazy.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine._lazy import surface

_NAMES = {
    "Work": ".work",
    "WORK_KINDS": ".work",
    "quote": ".quote",
    "Quote": ".lines",
    "QuoteLine": ".lines",
    "Rate": ".rates",
    "LedgerReport": ".prepaid",
    "load_ledger": ".prepaid",
    "evaluate_ledger": ".prepaid",
    "ledger_contract": ".prepaid",
}
__all__ = [
    "WORK_KINDS",
    "LedgerReport",
    "Quote",
    "QuoteLine",
    "Rate",
    "Work",
    "evaluate_ledger",
    "ledger_contract",
    "load_ledger",
    "quote",
]
__getattr__, __dir__ = surface(__name__, _NAMES)

if TYPE_CHECKING:
    from engine.pricing.lines import Quote, QuoteLine
    from engine.pricing.prepaid import LedgerReport, evaluate_ledger, ledger_contract, load_ledger
    from engine.pricing.quote import quote
    from engine.pricing.rates import Rate
    from engine.pricing.work import WORK_KINDS, Work
