"""What each customer document shows, as plain data ready for a template.

Every number, status and service line here is read from the effective contract, the rules or
the quote, and formatted by engine.present.document_format; templates only place these values. The
context is plain dicts and lists of strings, so a sandboxed template can read it and nothing
else, and a test can check it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from engine.clock.times import DEFAULT_ZONE
from engine.contract import terms
from engine.contract.merge import EffectiveContract
from engine.contract.terms import period
from engine.i18n import _
from engine.paths import display_path
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
from engine.pricing.vat import add_vat, vat_rate, vat_within
from engine.rules.ruleset import RuleSet

PRIORITIES = (1, 2, 3, 4)
TARGET_KEYS = ("first_response", "resolution", "time_on_site")
RATE_KEYS = ("outside_sla", "prepaid_card")


RUNNING_HEADER_CHARS = 48  # a longer customer name is shortened in the page header only
OFFER, STATEMENT = "offer", "statement"
_DOCUMENT_PREFIX = {OFFER: "OFF", STATEMENT: "KS"}


def provider_context(rules: RuleSet, t: Mapping[str, Any]) -> dict[str, Any]:
    """The provider (rules/company.yaml) as letterhead and footer show it: what is filled in."""
    company = rules.company
    address = company["address"]
    city = " ".join(part for part in (address["postal_code"], address["city"]) if part)
    labels = t["provider"]
    numbers = [
        {"key": key, "label": labels[key], "value": company[key]}
        for key in ("kvk", "vat_number", "iban")
        if company[key]
    ]
    reach = [
        {"key": key, "label": labels[key], "value": company[key]}
        for key in ("phone", "email", "website")
        if company[key]
    ]
    footer = " · ".join([company["legal_name"], *(f"{n['label']} {n['value']}" for n in numbers)])
    return {
        "name": company["name"],
        "legal_name": company["legal_name"],
        "address": [line for line in (address["street"], city) if line],
        "numbers": numbers,
        "reach": reach,
        "footer": footer,
    }


def document_warnings(rules: RuleSet) -> list[str]:
    """What a customer document lacks that the law asks for (it is still written)."""
    if rules.company["kvk"]:
        return []
    where = display_path(rules.directory / "company.yaml")
    return [
        _(
            "{file}: kvk is empty; Dutch law asks for the KvK number on quotes and business "
            "letters: fill in kvk (8 digits). The document was written without it."
        ).format(file=where)
    ]


def annex_context(
    rules: RuleSet, contract: EffectiveContract, lang: str, issued: date | None = None
) -> dict[str, Any]:
    """The SLA annex of a contract: overview (§1), explanations (§1.2, §1.3), terms (§2) and
    the parties' signatures. Section numbers are the seed's, so every § reference holds."""
    t = load_texts(lang)
    values = contract.values
    provider = provider_context(rules, t)
    tier_name = _tier_name(rules, contract.tier)
    if contract.base:
        tier_name += f" ({t['labels']['base'].lower()} {_tier_name(rules, contract.base)})"
    service_hours = _service_hours(rules, values["calendar"], lang, t)
    aws = _aws(rules, contract, lang, t)
    specimen = contract.customer is None
    customer = contract.customer or f"{t['annex']['specimen']} {tier_name}"
    prose = {
        "company": provider["name"],
        "customer": customer,
        "tier": tier_name,
        "service_hours": service_hours,
        "allowance": allowance_text(values["config_change_allowance"], t),
        "outside_sla": rate_text(values["rates"]["outside_sla"], lang, t),
        "prepaid_card": rate_text(values["rates"]["prepaid_card"], lang, t),
        "minimum_hours": rules.prices["prepaid_card"]["minimum_hours"],
        "unit_minutes": rules.prices["billing_unit"]["minutes"],
        "extended_hours": aws["windows"],
        "addon_priorities": aws["addon_priorities"],
        "helpdesk_phone": rules.company["phone"] or "—",
    }
    annex = t["annex"]
    agreement = _agreement_line(contract.agreement, t)
    subject = " · ".join(part for part in (agreement["title"], agreement["version"]) if part)
    sections = [_section(rules, contract, section, prose, lang, t) for section in annex["sections"]]
    return {
        "t": t,
        "lang": lang,
        "provider": provider,
        "title": t["titles"]["annex"],
        "subtitle": agreement["title"] or t["titles"]["annex_sub"],
        "version": agreement["version"],
        "running_footer": subject,
        "meta": {"author": provider["legal_name"], "subject": subject or t["titles"]["annex_sub"]},
        "customer": customer,
        "running_customer": _running(customer),
        "issued": long_date(issued, lang) if issued else None,
        "header": _header(rules, contract, tier_name, lang, t),
        "intro": fill(annex["specimen_intro" if specimen else "intro"], prose, "annex.intro"),
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
        "explanations": [s for s in sections if s["number"].startswith("1.2.")],
        "rates": [s for s in sections if s["number"].startswith("1.3.")],
        "terms": [_term(rules, section, prose, lang, t) for section in annex["terms_sections"]],
        "signature": _signature(rules, contract, provider, "intro_annex", t),
    }


def quote_kind(quote: Quote, issued: date) -> str:
    """A quote of a call that began on or before the document's date is a specification of
    costs (the work is done); a quote of work still to come, or of no set time, an offer."""
    if quote.start is not None and quote.start.astimezone(DEFAULT_ZONE).date() <= issued:
        return STATEMENT
    return OFFER


def document_number(quote: Quote, issued: date) -> str:
    """`KS-20261123-T-2043`: kind, date and ticket (or the call's start when it has none)."""
    kind = quote_kind(quote, issued)
    if quote.ticket:
        reference = quote.ticket
    elif quote.start is not None:
        reference = f"{quote.start.astimezone(DEFAULT_ZONE):%Y%m%d%H%M}"
    else:
        reference = quote.tier
    return f"{_DOCUMENT_PREFIX[kind]}-{issued:%Y%m%d}-{reference}"


def quote_context(
    rules: RuleSet, quote: Quote, lang: str, issued: date | None = None
) -> dict[str, Any]:
    """An incident quote: an offer (work to come) or a specification of costs (work done),
    with its number, date, lines, subtotal, VAT and total, and who and what it is for."""
    t = load_texts(lang)
    day = issued or terms.today()
    en = lang == "en"
    provider = provider_context(rules, t)
    kind = quote_kind(quote, day)
    number = document_number(quote, day)
    tier_name = _tier_name(rules, quote.tier)
    valid_until = long_date(day + timedelta(days=rules.prices["quote"]["validity_days"]), lang)
    header = [
        _row("document_number", t, number),
        _row("customer", t, quote.customer or "—"),
        _row("tier", t, tier_name),
    ]
    if kind == OFFER:
        header.append(_row("valid_until", t, valid_until))
    if quote.ticket:
        header.append(_row("ticket", t, quote.ticket))
    if quote.priority is not None:
        header.append(_row("priority", t, f"PRIO {quote.priority}"))
    if quote.start is not None:
        header.append(_row("call_start", t, long_datetime(quote.start, lang)))
    rate = vat_rate(rules.prices)
    breakdown = vat_within(quote.total, rate) if quote.vat_included else add_vat(quote.total, rate)
    title = t["titles"]["quote" if kind == OFFER else "statement"]
    customer = quote.customer or tier_name
    intro_key = "offer_intro" if kind == OFFER else "statement_intro"
    return {
        "t": t,
        "lang": lang,
        "provider": provider,
        "kind": kind,
        "title": title,
        "number": number,
        "running_footer": number,
        "meta": {"author": provider["legal_name"], "subject": f"{title} {number}"},
        "customer": customer,
        "running_customer": _running(customer),
        "issued": long_date(day, lang),
        "intro": fill(
            t["quote"][intro_key], {"tier": tier_name, "valid_until": valid_until}, intro_key
        ),
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
        "subtotal": euros(breakdown.subtotal, lang),
        "vat_label": fill(
            t["labels"]["vat_rate"], {"rate": quantity_text(breakdown.rate_percent, lang)}
        ),
        "vat_amount": euros(breakdown.vat, lang),
        "total": euros(breakdown.total, lang),
        "notes": list(quote.notes_en if en else quote.notes),
        "signature": _offer_signature(rules, quote, provider, t) if kind == OFFER else None,
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
    provider = provider_context(rules, t)
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
    prose = {"company": provider["name"], "customer": customer}
    title = t["titles"]["maintenance"]
    return {
        "t": t,
        "lang": lang,
        "provider": provider,
        "title": title,
        "running_footer": notice.reference or "",
        "meta": {
            "author": provider["legal_name"],
            "subject": " ".join(part for part in (title, notice.reference) if part),
        },
        "customer": customer,
        "running_customer": _running(customer),
        "issued": long_date(day, lang) if day else None,
        "greeting": t["maintenance"]["greeting"],
        "intro": fill(t["maintenance"]["intro"], prose, "maintenance.intro"),
        "rows": rows,
        "services": [_service_name(rules, s, lang) for s in notice.services],
        "closing": t["maintenance"]["closing"],
    }


def _running(name: str) -> str:
    """The customer's name as the running page header has room for: one line."""
    if len(name) <= RUNNING_HEADER_CHARS:
        return name
    return name[: RUNNING_HEADER_CHARS - 1].rstrip() + "…"


def _agreement_line(agreement: Mapping[str, Any], t: Mapping[str, Any]) -> dict[str, str]:
    """`Bijlage 2 bij overeenkomst OVK-2026-014` and `versie 3`, from what the contract gives."""
    words = t["annex"]
    number, annex = agreement.get("agreement_number"), agreement.get("annex_number")
    if number and annex:
        title = fill(words["agreement"], {"annex": annex, "agreement": number})
    elif number:
        title = fill(words["agreement_no_annex"], {"agreement": number})
    elif annex:
        title = fill(words["annex_only"], {"annex": annex})
    else:
        title = ""
    version = agreement.get("version")
    return {
        "title": title,
        "version": fill(words["version"], {"version": version}) if version else "",
    }


def _signatory(person: Mapping[str, Any] | None) -> dict[str, str]:
    person = person or {}
    return {"name": person.get("name") or "", "function": person.get("function") or ""}


def _signature(
    rules: RuleSet,
    contract: EffectiveContract,
    provider: Mapping[str, Any],
    intro: str,
    t: Mapping[str, Any],
) -> dict[str, Any]:
    """`Voor akkoord`: both parties, each with name, function, place, date and signature line;
    a name or function the contract does not give is a line to fill in by hand."""
    signatories = contract.agreement.get("signatories", {})
    words = t["signature"]
    provider_person = signatories.get("provider") or rules.company["signatory"]
    return {
        "title": words["title"],
        "intro": words[intro],
        "parties": [
            {
                "party": fill(words["party"], {"party": provider["legal_name"]}),
                **_signatory(provider_person),
            },
            {
                "party": _customer_party(contract.customer, words),
                **_signatory(signatories.get("customer")),
            },
        ],
    }


def _offer_signature(
    rules: RuleSet, quote: Quote, provider: Mapping[str, Any], t: Mapping[str, Any]
) -> dict[str, Any]:
    words = t["signature"]
    return {
        "title": words["title"],
        "intro": words["intro_offer"],
        "parties": [
            {
                "party": fill(words["party"], {"party": provider["legal_name"]}),
                **_signatory(rules.company["signatory"]),
            },
            {"party": _customer_party(quote.customer, words), **_signatory(None)},
        ],
    }


def _customer_party(customer: str | None, words: Mapping[str, str]) -> str:
    """`Namens Bakkerij De Vries B.V.`; `Namens de klant` on a specimen."""
    return fill(words["party"], {"party": customer}) if customer else words["customer_party"]


def _section(
    rules: RuleSet,
    contract: EffectiveContract,
    section: Mapping[str, Any],
    prose: Mapping[str, object],
    lang: str,
    t: Mapping[str, Any],
) -> dict[str, Any]:
    """One numbered explanation (§1.2.n, §1.3.n); a section of one service takes its name."""
    title = section.get("title") or _service_name(rules, section["service"], lang)
    item: dict[str, Any] = {
        "number": section["number"],
        "title": title,
        "text": fill(section["text"], prose, f"annex.sections {section['number']}"),
    }
    if section.get("package"):
        item["list_intro"] = t["annex"]["package_intro"]
        item["package"] = [
            {
                "name": _package_part(_service_name(rules, part, lang)),
                "status": _status(contract.values["services"][part], t),
            }
            for part in section["package"]
        ]
    return item


def _package_part(name: str) -> str:
    """`Werkplek pakket: antivirus` -> `Antivirus` (the section already names the package)."""
    part = name.split(":", 1)[-1].strip()
    return part[:1].upper() + part[1:]


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
        contact = (contract.contact.get(key) for key in ("name", "function", "email", "phone"))
        rows.append(_row("contact", t, ", ".join(value for value in contact if value)))
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
    entry = contract.values["services"]["evening_weekend_service"]
    # A bare "€" says too little in prose: it means billed per call (§1.3.16).
    status = t["billed_per_call"] if entry["status"] == "billed" else _status(entry, t)
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
    term: dict[str, Any] = {
        "number": section["number"],
        "title": section["title"],
        "text": fill(section["text"], prose),
    }
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
