"""A quote presented: readable text (Dutch amounts `€ 1.234,50`, or English) and JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from engine.i18n import _, language, pgettext
from engine.present.deadline_report import weekday_abbreviations
from engine.pricing.lines import Quote
from engine.pricing.money import format_euros


def _words() -> dict[str, Any]:
    """The quote's words in the run's language (engine/i18n.py)."""
    return {
        "title": _("Quote"),
        "windows": {
            "office_hours": _("office hours"),
            "evening_weekend": _("evening/weekend service"),
        },
        "columns": {
            "sla_with_addon": _("SLA with add-on"),
            "sla_without_addon": _("SLA without add-on"),
            "no_sla": pgettext("quote: the rate column", "no SLA"),
        },
        "units": {
            "hour": pgettext("quote: unit", "hours"),
            "call": pgettext("quote: unit", "call"),
        },
        "head": (_("Description"), _("Quantity"), _("Price"), _("Amount")),
        "total": _("Total"),
        "vat": (_("excl. VAT"), _("incl. VAT")),
        "notes": _("Notes"),
        "minutes": _("{worked} min worked, {billed} min billed (per 15 min, rounded up)"),
        "call": (
            _("Ticket"),
            pgettext("quote: when the call was", "Reported"),
            _("Description"),
            _("Minutes worked"),
            _("Travel (min)"),
        ),
    }


@dataclass(frozen=True)
class CallFacts:
    """The facts of the call a quote prices, as the service desk checks them against the
    ticket: which ticket, when it was reported, what it was about, minutes worked and travel."""

    ticket: str | None
    reported: datetime | None
    description: str | None
    minutes: int
    travel_minutes: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "ticket": self.ticket,
            "reported": self.reported.isoformat() if self.reported else None,
            "description": self.description,
            "minutes": self.minutes,
            "travel_minutes": self.travel_minutes,
        }


def quote_json(quote: Quote, call: CallFacts | None = None) -> str:
    """The quote as JSON; with `call`, the call's facts under "call"."""
    data = quote.as_dict()
    if call is not None:
        data["call"] = call.as_dict()
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def format_quote_text(quote: Quote, lang: str = "nl", call: CallFacts | None = None) -> str:
    """The quote as a customer reads it: header, the call's facts (with `call`), one row per
    line item, total, notes."""
    with language(lang):
        return _quote_text(quote, lang, call, _words())


def _quote_text(quote: Quote, lang: str, call: CallFacts | None, w: dict[str, Any]) -> str:
    facts = quote.facts
    who = quote.customer or quote.tier
    ticket = f" {quote.ticket}" if quote.ticket else ""
    addons = f", add-ons: {facts['addons']}" if facts.get("addons") else ""
    out = [f"{w['title']}{ticket} — {who} ({quote.tier}{addons})"]
    context = []
    if quote.priority is not None:
        context.append(f"PRIO {quote.priority}")
    if quote.start is not None:
        day = weekday_abbreviations()[quote.start.weekday()]
        context.append(f"{day} {quote.start:%d-%m-%Y %H:%M}")
    if "window" in facts:
        window = w["windows"].get(facts["window"], facts["window"])
        if "column" in facts:
            window += f" ({w['columns'].get(facts['column'], facts['column'])})"
        context.append(window)
    if "minutes_worked" in facts:
        context.append(
            w["minutes"].format(worked=facts["minutes_worked"], billed=facts["minutes_billed"])
        )
    out.append(" · ".join(context))
    out.append("")
    if call is not None:
        out.extend(_call_lines(call, w, lang))
        out.append("")
    head = w["head"]
    texts = [line.description if lang == "nl" else line.description_en for line in quote.lines]
    width = max([40, len(head[0]), *(len(text) for text in texts)])
    out.append(f"  {head[0]:<{width}} {head[1]:>12} {head[2]:>12} {head[3]:>12}")
    for line, description in zip(quote.lines, texts, strict=True):
        unit = w["units"].get(line.unit, line.unit)
        quantity = f"{_number(line.quantity, lang)} {unit}"
        price = format_euros(line.unit_price, lang)
        amount = format_euros(line.amount, lang)
        out.append(f"  {description:<{width}} {quantity:>12} {price:>12} {amount:>12}")
        out.append(f"      {line.rule} ({line.clause})" if line.clause else f"      {line.rule}")
    vat = w["vat"][1 if quote.vat_included else 0]
    total_label = f"{w['total']} ({vat})"
    out.append("")
    total = format_euros(quote.total, lang)
    out.append(f"  {total_label:<{width + 26}} {total:>12}")
    notes = quote.notes if lang == "nl" else quote.notes_en
    if notes:
        out.append("")
        out.append(f"{w['notes']}:")
        out.extend(f"- {note}" for note in notes)
    return "\n".join(out) + "\n"


def _number(value: Decimal, lang: str) -> str:
    text = f"{value:.2f}"
    return text.replace(".", ",") if lang == "nl" else text


def _call_lines(call: CallFacts, w: dict[str, Any], lang: str) -> list[str]:
    labels = w["call"]
    reported = call.reported
    when = ""
    if reported is not None:
        when = f"{weekday_abbreviations()[reported.weekday()]} {reported:%d-%m-%Y %H:%M}"
    values = (
        call.ticket or "—",
        when or "—",
        call.description or "—",
        str(call.minutes),
        str(call.travel_minutes),
    )
    width = max(len(label) for label in labels)
    return [
        f"  {label + ':':<{width + 1}} {value}" for label, value in zip(labels, values, strict=True)
    ]
