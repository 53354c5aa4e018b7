"""What each customer document shows, as plain data ready for a template.

Every number, status and service line here is read from the effective contract, the rules or
the quote, and formatted by engine.present.document_format; templates only place these values. The
context is plain dicts and lists of strings, so a sandboxed template can read it and nothing
else, and a test can check it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from engine.contract.merge import EffectiveContract
from engine.contract.terms import period
from engine.present.document_format import (
    allowance_text,
    duration_text,
    euros,
    fill,
    join_priorities,
    load_texts,
    long_date,
    long_datetime,
    quantity_text,
    rate_text,
    week_text,
)
from engine.present.maintenance import MaintenanceNotice
from engine.pricing.lines import Quote
from engine.pricing.service_windows import WITH_ADDON, call_column, start_fee
from engine.rules.ruleset import RuleSet

PRIORITIES = (1, 2, 3, 4)
TARGET_KEYS = ("first_response", "resolution", "time_on_site")
RATE_KEYS = ("outside_sla", "prepaid_card")


def annex_context(
    rules: RuleSet, contract: EffectiveContract, lang: str, issued: date | None = None
) -> dict[str, Any]:
    """The SLA annex of a contract: overview (§1), explanations (§1.2) and terms (§2)."""
    t = load_texts(lang)
    values = contract.values
    tier_name = _tier_name(rules, contract.tier)
    if contract.base:
        tier_name += f" ({t['labels']['base'].lower()} {_tier_name(rules, contract.base)})"
    service_hours = _service_hours(rules, values["calendar"], lang, t)
    aws = _aws(rules, contract, lang, t)
    prose = {
        "company": t["company"],
        "customer": contract.customer or tier_name,
        "tier": tier_name,
        "service_hours": service_hours,
        "allowance": allowance_text(values["config_change_allowance"], t),
        "outside_sla": rate_text(values["rates"]["outside_sla"], lang, t),
        "prepaid_card": rate_text(values["rates"]["prepaid_card"], lang, t),
        "minimum_hours": rules.prices["prepaid_card"]["minimum_hours"],
        "unit_minutes": rules.prices["billing_unit"]["minutes"],
        "extended_hours": aws["windows"],
        "addon_priorities": aws["addon_priorities"],
        "helpdesk_phone": t["helpdesk_phone"],
    }
    annex = t["annex"]
    return {
        "t": t,
        "lang": lang,
        "title": t["titles"]["annex"],
        "subtitle": t["titles"]["annex_sub"],
        "customer": contract.customer or tier_name,
        "issued": long_date(issued, lang) if issued else None,
        "header": _header(rules, contract, tier_name, lang, t),
        "intro": fill(annex["intro"], prose, "annex.intro"),
        "services": [
            {
                "id": service_id,
                "name": service["name"][lang],
                "status": _status(values["services"][service_id], t),
            }
            for service_id, service in rules.services.items()
        ],
        "targets": [
            {
                "priority": f"PRIO {p}",
                "name": rules.priorities[f"P{p}"]["name"][lang],
                **{key: duration_text(values["targets"][f"P{p}"][key], t) for key in TARGET_KEYS},
            }
            for p in PRIORITIES
        ],
        "hours_rates": [
            _row("service_hours", t, service_hours),
            _row("evening_weekend", t, aws["status"]),
            _row("config_changes", t, prose["allowance"]),
            *(_row(key, t, prose[key]) for key in RATE_KEYS),
            _row("evening_weekend_rate", t, aws["rate"]),
            _row("evening_weekend_start_fee", t, aws["start_fee"]),
        ],
        "explanations": [
            {
                "title": service["name"][lang],
                "text": fill(annex["service_explanations"][sid], prose),
            }
            for sid, service in rules.services.items()
        ]
        + [{"title": g["title"], "text": fill(g["text"], prose)} for g in annex["general"]],
        "terms": [_term(rules, section, prose, lang, t) for section in annex["terms_sections"]],
    }


def quote_context(
    rules: RuleSet, quote: Quote, lang: str, issued: date | None = None
) -> dict[str, Any]:
    """An incident quote: its lines, total and notes, with who and what it was made for."""
    t = load_texts(lang)
    en = lang == "en"
    tier_name = _tier_name(rules, quote.tier)
    header = [_row("customer", t, quote.customer or "—"), _row("tier", t, tier_name)]
    if quote.ticket:
        header.append(_row("ticket", t, quote.ticket))
    if quote.priority is not None:
        header.append(_row("priority", t, f"PRIO {quote.priority}"))
    if quote.start is not None:
        header.append(_row("call_start", t, long_datetime(quote.start, lang)))
    return {
        "t": t,
        "lang": lang,
        "title": t["titles"]["quote"],
        "customer": quote.customer or tier_name,
        "issued": long_date(issued, lang) if issued else None,
        "header": header,
        "lines": [
            {
                "description": line.description_en if en else line.description,
                "quantity": quantity_text(line.quantity, lang),
                "unit": t["units"].get(line.unit, line.unit),
                "unit_price": euros(line.unit_price, lang),
                "amount": euros(line.amount, lang) if line.amount else t["quote"]["free"],
                "clause": line.clause,
            }
            for line in quote.lines
        ],
        "total": euros(quote.total, lang),
        "vat": t["labels"]["vat_included" if quote.vat_included else "vat_excluded"],
        "notes": list(quote.notes_en if en else quote.notes),
    }


def maintenance_context(
    rules: RuleSet,
    contract: EffectiveContract,
    notice: MaintenanceNotice,
    lang: str,
    issued: date | None = None,
) -> dict[str, Any]:
    """A notice of planned maintenance (§2.6) for the customer of `contract`."""
    t = load_texts(lang)
    customer = contract.customer or _tier_name(rules, contract.tier)
    when = fill(
        t["labels"]["window_value"],
        {"start": long_datetime(notice.start, lang), "end": long_datetime(notice.end, lang)},
    )
    contact = ", ".join(
        part for part in (notice.contact.name, notice.contact.email, notice.contact.phone) if part
    )
    minutes = int(notice.expected_duration.total_seconds()) // 60
    duration = duration_text(f"{minutes // 60}h{minutes % 60}m", t)
    day = issued or notice.issued
    rows = [
        _row("vioms_contact", t, contact),
        _row("window", t, when),
        _row("expected_duration", t, duration),
        _row(
            "affected_services",
            t,
            ", ".join(_service_name(rules, s, lang) for s in notice.services),
        ),
        _row("reason", t, notice.reason_in(lang)),
    ]
    if notice.reference:
        rows.insert(0, _row("reference", t, notice.reference))
    prose = {"company": t["company"], "customer": customer}
    return {
        "t": t,
        "lang": lang,
        "title": t["titles"]["maintenance"],
        "customer": customer,
        "issued": long_date(day, lang) if day else None,
        "greeting": t["maintenance"]["greeting"],
        "intro": fill(t["maintenance"]["intro"], prose, "maintenance.intro"),
        "rows": rows,
        "services": [_service_name(rules, s, lang) for s in notice.services],
        "closing": t["maintenance"]["closing"],
    }


def _row(key: str, t: Mapping[str, Any], value: str) -> dict[str, str]:
    return {"key": key, "label": t["labels"][key], "value": value}


def _tier_name(rules: RuleSet, tier_id: str) -> str:
    return str(rules.tiers[tier_id].data["name"])


def _service_name(rules: RuleSet, service_id: str, lang: str) -> str:
    return str(rules.services[service_id]["name"][lang])


def _status(entry: Mapping[str, Any], t: Mapping[str, Any]) -> str:
    """Y / N / € / add-on as in the seed's table, or `PRIO 1 & 2` when only for some."""
    only = entry.get("priorities")
    if entry["status"] == "included" and only:
        return fill(t["values"]["priorities"], {"list": join_priorities(only, t)})
    return str(t["status"][entry["status"]])


def _header(
    rules: RuleSet, contract: EffectiveContract, tier_name: str, lang: str, t: Mapping[str, Any]
) -> list[dict[str, str]]:
    addons = [str(rules.addons[a].data["name"][lang]) for a in contract.addons]
    rows = [
        _row("customer", t, contract.customer or "—"),
        _row("tier", t, tier_name),
        _row("addons", t, ", ".join(addons) if addons else t["labels"]["none"]),
    ]
    if contract.start and contract.period_months:
        first = period(date.fromisoformat(contract.start), contract.period_months, 1)
        months = fill(t["labels"]["period_value"], {"months": contract.period_months})
        rows += [
            _row("start", t, long_date(first.start, lang)),
            _row("period", t, months),
            _row("expiry", t, long_date(first.end, lang)),
        ]
    if contract.contact.get("name"):
        rows.append(_row("contact", t, ", ".join(v for v in contract.contact.values() if v)))
    return rows


def _service_hours(rules: RuleSet, calendar_id: str, lang: str, t: Mapping[str, Any]) -> str:
    calendar = rules.calendars[calendar_id].data
    text = ", ".join(week_text(calendar["weekly"], lang))
    if calendar.get("holidays") and rules.settings.public_holidays_closed:
        text += f", {t['values']['closed_on_holidays']}"
    return text


def _aws(
    rules: RuleSet, contract: EffectiveContract, lang: str, t: Mapping[str, Any]
) -> dict[str, str]:
    """The evening/weekend service of §1.3.16 as this contract has it, per priority."""
    extended = contract.values.get("extended_hours")
    addon = next(a for a in rules.addons.values() if a.data["sets"].get("extended_hours"))
    addon_hours = addon.data["sets"]["extended_hours"]
    calendar = rules.calendars[(extended or addon_hours)["calendar"]].data
    windows = ", ".join(week_text(calendar["weekly"], lang))
    status = _status(contract.values["services"]["evening_weekend_service"], t)
    if extended:
        status = f"{status}: {windows}"
    fees: dict[str, list[int]] = {}
    rates: dict[str, list[int]] = {}
    for priority in PRIORITIES:
        column = call_column(rules, contract, priority).column
        fees.setdefault(euros(start_fee(rules, column), lang), []).append(priority)
        rate = (
            t["values"]["included"]
            if column == WITH_ADDON
            else rate_text(contract.values["rates"]["evening_weekend"], lang, t)
        )
        rates.setdefault(rate, []).append(priority)
    return {
        "windows": windows,
        "addon_priorities": join_priorities(addon_hours["priorities"], t),
        "status": status,
        "rate": _per_priority(rates, t),
        "start_fee": _per_priority(fees, t),
    }


def _per_priority(values: Mapping[str, list[int]], t: Mapping[str, Any]) -> str:
    """One value for all priorities as it is; else `€ 0,00 voor PRIO 1 & 2; overige …`."""
    if len(values) == 1:
        return next(iter(values))
    parts = []
    for index, (value, priorities) in enumerate(values.items()):
        if index == len(values) - 1 and index > 0:
            parts.append(fill(t["values"]["other_priorities"], {"value": value}))
        else:
            listed = join_priorities(priorities, t)
            parts.append(fill(t["values"]["for_priorities"], {"value": value, "list": listed}))
    return "; ".join(parts)


def _term(
    rules: RuleSet,
    section: Mapping[str, Any],
    prose: Mapping[str, object],
    lang: str,
    t: Mapping[str, Any],
) -> dict[str, Any]:
    term: dict[str, Any] = {"title": section["title"], "text": fill(section["text"], prose)}
    if section.get("priorities"):
        term["list_intro"] = fill(t["annex"]["priorities_intro"], prose)
        term["priorities"] = [
            {
                "priority": f"PRIO {p}",
                "name": rules.priorities[f"P{p}"]["name"][lang],
                "description": rules.priorities[f"P{p}"]["description"][lang],
            }
            for p in PRIORITIES
        ]
    if section.get("exceptions"):
        term["list_intro"] = fill(t["annex"]["exceptions_intro"], prose)
        term["exceptions"] = [
            {
                "name": rule["name"][lang],
                "description": rule["description"][lang],
                "source": rule["source"],
            }
            for _, rule in sorted(rules.exception_rules().items())
        ]
    return term
