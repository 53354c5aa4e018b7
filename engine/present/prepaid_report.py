"""A prepaid-hours card presented: JSON-ready data and a readable text (Dutch, or English)."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

from engine.clock.durations import format_duration
from engine.i18n import _, language, ngettext, pgettext
from engine.pricing.money import as_decimal_string, format_euros
from engine.pricing.prepaid import EXHAUSTED, LedgerReport


def _words() -> dict[str, Any]:
    """The card's words in the run's language (engine/i18n.py)."""
    return {
        "title": _("Prepaid-hours card"),
        "per_hour": _("an hour"),
        "purchases": _("Purchases"),
        "calls": _("Calls (in units of 15 min, rounded up)"),
        "hours": pgettext("prepaid card: unit", "hours"),
        "balance": _("balance"),
        "beyond": _("beyond the card"),
        "notifications": _("Notifications"),
        "low": _("nearly used up: {left} left"),
        "exhausted": _("the card is used up"),
        "summary": _("Bought {bought}, used {used}, remaining {left}."),
        "adhoc": _(
            "Beyond the card: {time} at {rate} an hour (ad hoc, rate outside SLA) = {amount}"
        ),
    }


def ledger_as_dict(report: LedgerReport) -> dict[str, Any]:
    """Minutes as integers, amounts as decimal strings, dates as YYYY-MM-DD."""
    adhoc = report.adhoc_rate
    return {
        "file": report.file,
        "customer": report.customer,
        "tier": report.tier,
        "currency": "EUR",
        "card_rate": as_decimal_string(report.card_rate.amount or Decimal(0)),
        "card_rate_rule": report.card_rate.rule,
        "purchased_minutes": report.purchased_minutes,
        "used_minutes": report.used_minutes,
        "remaining_minutes": report.remaining_minutes,
        "low_minutes": report.low_minutes,
        "purchased_amount": as_decimal_string(report.purchased_amount),
        "purchases": [
            {
                "row": p.row,
                "date": p.date.isoformat(),
                "hours": p.hours,
                "unit_price": as_decimal_string(p.unit_price),
                "price": as_decimal_string(p.price),
            }
            for p in report.purchases
        ],
        "calls": [
            {
                "row": c.row,
                "ticket": c.ticket,
                "date": c.date.isoformat(),
                "minutes": c.minutes,
                "billed_minutes": c.billed_minutes,
                "from_card_minutes": c.from_card,
                "beyond_card_minutes": c.beyond_card,
                "balance_after_minutes": c.balance_after,
            }
            for c in report.calls
        ],
        "notifications": [
            {
                "date": n.date.isoformat(),
                "ticket": n.ticket,
                "remaining_minutes": n.remaining_minutes,
                "kind": n.kind,
            }
            for n in report.notifications
        ],
        "beyond_card": {
            "minutes": report.beyond_card_minutes,
            "unit_price": as_decimal_string(adhoc.amount) if adhoc and adhoc.amount else None,
            "rule": adhoc.rule if adhoc else None,
            "amount": as_decimal_string(report.beyond_card_amount),
        },
        "rejected": [
            {
                "file": p.location.file,
                "line": p.location.line,
                "column": p.location.column,
                "path": p.location.path,
                "message": p.message,
            }
            for p in report.rejected
        ],
    }


def ledger_json(report: LedgerReport) -> str:
    return json.dumps(ledger_as_dict(report), indent=2, ensure_ascii=False) + "\n"


def format_ledger_text(report: LedgerReport, lang: str = "nl") -> str:
    with language(lang):
        return _ledger_text(report, lang, _words())


def _ledger_text(report: LedgerReport, lang: str, w: dict[str, Any]) -> str:
    who = report.customer or report.tier
    rate = format_euros(report.card_rate.amount or Decimal(0), lang)
    out = [f"{w['title']} — {who} ({report.tier}) · {rate} {w['per_hour']}", ""]
    out.append(f"{w['purchases']}:")
    for p in report.purchases:
        price = format_euros(p.price, lang)
        out.append(f"  {p.date.isoformat()}  {p.hours:>3} {w['hours']:<5} {price:>12}")
    out.append(f"{w['calls']}:")
    for c in report.calls:
        beyond = f"  ({_time(c.beyond_card)} {w['beyond']})" if c.beyond_card else ""
        out.append(
            f"  {c.date.isoformat()}  {c.ticket:<10} {c.minutes:>4} min → {c.billed_minutes:>4} min"
            f"   {w['balance']} {_time(c.balance_after)}{beyond}"
        )
    if report.notifications:
        out.append(f"{w['notifications']}:")
        for n in report.notifications:
            what = (
                w["exhausted"]
                if n.kind == EXHAUSTED
                else w["low"].format(left=_time(n.remaining_minutes))
            )
            out.append(f"  {n.date.isoformat()}  {n.ticket:<10} {what}")
    out.append("")
    out.append(
        w["summary"].format(
            bought=_time(report.purchased_minutes),
            used=_time(report.used_minutes),
            left=_time(report.remaining_minutes),
        )
    )
    if report.beyond_card_minutes and report.adhoc_rate and report.adhoc_rate.amount is not None:
        out.append(
            w["adhoc"].format(
                time=_time(report.beyond_card_minutes),
                rate=format_euros(report.adhoc_rate.amount, lang),
                amount=format_euros(report.beyond_card_amount, lang),
            )
        )
    if report.rejected:
        rejected = len(report.rejected)
        out.append(
            ngettext(
                "{count} row rejected; see the errors above.",
                "{count} rows rejected; see the errors above.",
                rejected,
            ).format(count=rejected)
        )
    return "\n".join(out) + "\n"


def _time(minutes: int) -> str:
    return format_duration(timedelta(minutes=minutes))
