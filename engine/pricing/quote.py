"""What one call costs under a contract (SPEC §4, §5): `quote(rules, contract, work)`.

Semantics, each with a test named after it:

- Work is counted per call in billing units (15 minutes), rounded up; travel time of an
  on-site visit in units of D-7 `travel_time_unit_minutes`, charged on every visit at the rate
  outside SLA, whatever the tier.
- The moment the call starts decides its hours (engine.pricing.service_windows): in office
  hours, work the contract covers is a zero line that says so, and work it does not cover is
  billed at the rate outside SLA. In the evening/weekend windows a call pays the start fee and
  hourly rate of its column of §1.3.16; with the add-on (PRIO 1 and 2) it is priced as in
  office hours.
- Covered: an incident when incident management is included (and, on site, on-site support
  for the priority); a configuration change up to `config_change_allowance`, the rest billed
  at the rate outside SLA (D-6). Ad-hoc work (`outside-sla`) is never covered.
- Exceptions (rules/exceptions/, named as `causes`): `not_supported` refuses the quote;
  billing `outside_sla` bills the work at the rate outside SLA; best-effort targets become a
  note. Call costs stay due whatever the outcome (§2.4).
- A rate that is not set (the regular rate for customers without SLA) is a PricingError that
  says where to set it, never a guess. Amounts are exact Decimals; the total is rounded once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from engine.clock.durations import parse_duration
from engine.contract.merge import EffectiveContract
from engine.errors import PricingError
from engine.incident.exceptions import AppliedException, matched_exceptions
from engine.pricing.lines import Quote, QuoteLine
from engine.pricing.rates import Rate, billing_unit, contract_rate, hours, round_up
from engine.pricing.service_windows import (
    EVENING_WEEKEND,
    WITH_ADDON,
    CallColumn,
    call_column,
    hourly_rate,
    service_window,
    start_fee,
    start_fee_clause,
)
from engine.pricing.work import CONFIG_CHANGE as CONFIG_CHANGE  # also here, as before
from engine.pricing.work import INCIDENT as INCIDENT
from engine.pricing.work import OUTSIDE_SLA as OUTSIDE_SLA
from engine.pricing.work import WORK_KINDS as WORK_KINDS
from engine.pricing.work import Work as Work
from engine.rules.ruleset import RuleSet

_ZERO = Decimal(0)


def quote(rules: RuleSet, contract: EffectiveContract, work: Work) -> Quote:
    """The priced line items of `work` under `contract` (see the module's semantics)."""
    exceptions = matched_exceptions(rules, work.causes)
    for refused in (e for e in exceptions if e.coverage == "not_supported"):
        raise PricingError.at(
            f"cause {refused.id!r} ({refused.names.get('en', refused.id)}) is not supported at "
            f"all ({refused.source}): {refused.descriptions.get('en', '')} No quote is made."
        )
    case = _Case(rules, contract, work, exceptions)
    window = service_window(rules, contract, work.start)
    facts = {
        "window": window.kind,
        "calendar": window.calendar,
        "minutes_worked": str(work.minutes),
        "minutes_billed": str(round_up(work.minutes, billing_unit(rules))),
        "work": work.kind,
    }
    if contract.addons:
        facts["addons"] = ", ".join(contract.addons)
    if window.kind == EVENING_WEEKEND:
        column = call_column(rules, contract, work.priority)
        facts["column"] = column.column
        fee = start_fee(rules, column.column)
        case.add(
            "Starttarief avond-/weekendservice",
            "Evening/weekend start fee",
            Decimal(1),
            "call",
            fee,
            [column.rule],
            [start_fee_clause(rules)],
        )
        if column.column == WITH_ADDON:
            case.note(
                "Avond-/weekendservice valt onder de add-on voor deze prioriteit (§1.3.16).",
                "Evening/weekend service is covered by the add-on for this priority (§1.3.16).",
            )
            _work_lines(case)
        else:
            _evening_hourly(case, column)
            case.note(
                "Avond-/weekendservice zonder dekking: afhandeling op best-effortbasis (§1.3.16"
                + (", D-8)." if column.d8 else ")."),
                "Evening/weekend service not covered: handled best effort (§1.3.16"
                + (", D-8)." if column.d8 else ")."),
            )
        case.note(
            "De kosten per call zijn verschuldigd, ongeacht of de storing wordt opgelost "
            "(§1.3.16, §2.4).",
            "Call costs are due whether or not the problem is solved (§1.3.16, §2.4).",
        )
    else:
        _work_lines(case)
    if work.on_site:
        _travel(case)
    for exc in exceptions:
        case.note(
            f"{exc.names.get('nl', exc.id)} ({exc.source}): {exc.descriptions.get('nl', '')}",
            f"{exc.names.get('en', exc.id)} ({exc.source}): {exc.descriptions.get('en', '')}",
        )
    if any(e.targets == "best_effort" for e in exceptions):
        facts["targets"] = "best_effort"
    return Quote(
        customer=contract.customer,
        tier=contract.tier,
        priority=work.priority,
        start=work.start,
        lines=tuple(case.lines),
        notes=tuple(case.notes),
        notes_en=tuple(case.notes_en),
        ticket=work.ticket,
        currency=str(rules.prices["currency"]),
        vat_included=bool(rules.prices["vat_included"]),
        facts=facts,
    )


@dataclass
class _Case:
    """What one quote is being built from, and the lines and notes gathered so far."""

    rules: RuleSet
    contract: EffectiveContract
    work: Work
    exceptions: tuple[AppliedException, ...]
    lines: list[QuoteLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    notes_en: list[str] = field(default_factory=list)

    @property
    def unit(self) -> int:
        return billing_unit(self.rules)

    def outside_rate(self) -> Rate:
        return contract_rate(self.rules, self.contract, "outside_sla")

    def add(
        self,
        nl: str,
        en: str,
        quantity: Decimal,
        unit: str,
        price: Decimal,
        rules: Iterable[str],
        clauses: Iterable[str],
    ) -> None:
        self.lines.append(
            QuoteLine(nl, en, quantity, unit, price, _join(rules, "; "), _join(clauses, ", "))
        )

    def bill(self, nl: str, en: str, minutes: int, rate: Rate, why: str, clause: str) -> None:
        """`minutes` (already rounded) at `rate`; an included rate makes a zero line."""
        price = rate.amount if rate.amount is not None else _ZERO
        self.add(nl, en, hours(minutes), "hour", price, [why, rate.rule], [clause, rate.clause])

    def free(self, nl: str, en: str, minutes: int, why: str, clause: str) -> None:
        self.add(nl, en, hours(minutes), "hour", _ZERO, [why], [clause])

    def note(self, nl: str, en: str) -> None:
        self.notes.append(nl)
        self.notes_en.append(en)

    def service(self, service_id: str) -> tuple[bool, str, str]:
        """Whether a service covers this priority, the rule that says so, and its clause."""
        entry = self.contract.values.get("services", {}).get(service_id, {})
        origin = self.contract.origins.get(f"services.{service_id}")
        rule = f"{origin.layer if origin else 'contract'} services.{service_id}"
        clause = (origin.clause if origin else None) or ""
        covered = entry.get("status") == "included" and self.work.priority in entry.get(
            "priorities", (self.work.priority,)
        )
        return covered, rule, clause

    def service_name(self, service_id: str, lang: str) -> str:
        names = self.rules.services.get(service_id, {}).get("name", {})
        return str(names.get(lang, service_id))


def _work_lines(case: _Case) -> None:
    """The work of a call priced as in office hours: covered, not covered, or part of both."""
    work = case.work
    billed = round_up(work.minutes, case.unit)
    if work.kind == OUTSIDE_SLA:
        case.bill(
            "Werkzaamheden buiten het SLA (ad hoc)",
            "Work outside the SLA (ad hoc)",
            billed,
            case.outside_rate(),
            "",
            "§1.3.14, §1.3.15",
        )
        return
    charged = [e for e in case.exceptions if e.billing == "outside_sla"]
    if charged:
        exc = charged[0]
        case.bill(
            f"Niet gedekt door het SLA: {exc.names.get('nl', exc.id)} (tarief buiten SLA)",
            f"Not covered by the SLA: {exc.names.get('en', exc.id)} (rate outside SLA)",
            billed,
            case.outside_rate(),
            exc.id,
            exc.source,
        )
        return
    needed = ["incident_management"] if work.kind == INCIDENT else []
    if work.on_site:
        needed.append("on_site_support")
    checks = [(sid, *case.service(sid)) for sid in needed]
    for service_id, covered, rule, clause in checks:
        if not covered:
            case.bill(
                f"{case.service_name(service_id, 'nl')}: niet inbegrepen voor PRIO "
                f"{work.priority} (tarief buiten SLA)",
                f"{case.service_name(service_id, 'en')}: not included for PRIO "
                f"{work.priority} (rate outside SLA)",
                billed,
                case.outside_rate(),
                rule,
                clause,
            )
            return
    if work.kind == CONFIG_CHANGE:
        _config_change(case, [r for _, _, r, _ in checks], [c for _, _, _, c in checks])
        return
    case.free(
        "Incidentwerk, inbegrepen in het SLA",
        "Incident work, included in the SLA",
        billed,
        _join((rule for _, _, rule, _ in checks), "; "),
        _join((clause for _, _, _, clause in checks), ", "),
    )


def _config_change(case: _Case, rules: list[str], clauses: list[str]) -> None:
    """Included up to the allowance; the time beyond it billed as D-6 says."""
    value = case.contract.values.get("config_change_allowance")
    origin = case.contract.origins.get("config_change_allowance")
    why = _join([*rules, f"{origin.layer if origin else 'contract'} config_change_allowance"], "; ")
    clause = _join([*clauses, (origin.clause if origin else None) or "§1.2.13"], ", ")
    minutes = case.work.minutes
    if value == "unlimited":
        case.free(
            "Configuratiewijziging, inbegrepen in het SLA",
            "Configuration change, included in the SLA",
            round_up(minutes, case.unit),
            why,
            clause,
        )
        return
    if not isinstance(value, str) or value == "by_agreement":
        raise PricingError.at(
            f"config_change_allowance is {value!r}; a maatwerk contract must fill it in "
            "(e.g. 30m, or unlimited) before a configuration change can be quoted"
        )
    allowance = int(parse_duration(value).total_seconds()) // 60
    if allowance:
        case.free(
            f"Configuratiewijziging, inbegrepen tot {value}",
            f"Configuration change, included up to {value}",
            round_up(min(minutes, allowance), case.unit),
            why,
            clause,
        )
    excess = minutes - allowance
    if excess > 0:
        # D-6 config_change_excess_billing has one value, outside_sla (Settings checks it)
        case.bill(
            f"Configuratiewijziging boven de inbegrepen {value} (tarief buiten SLA)",
            f"Configuration change beyond the included {value} (rate outside SLA)",
            round_up(excess, case.unit),
            case.outside_rate(),
            "D-6 config_change_excess_billing",
            "§1.2.13, §1.3.14",
        )


def _evening_hourly(case: _Case, column: CallColumn) -> None:
    """The hourly part of an evening/weekend call the add-on does not cover."""
    case.bill(
        "Uurtarief avond-/weekendservice",
        "Evening/weekend hourly rate",
        round_up(case.work.minutes, case.unit),
        hourly_rate(case.rules, case.contract, column),
        "",
        "§1.3.16",
    )


def _travel(case: _Case) -> None:
    """Travel time of an on-site visit: always charged, in D-7 units, at the rate outside SLA."""
    unit = case.rules.settings.travel_time_unit_minutes
    minutes = round_up(case.work.travel_minutes, unit) if unit else case.work.travel_minutes
    case.bill(
        "Reistijd bezoek op locatie",
        "Travel time of the on-site visit",
        minutes,
        case.outside_rate(),
        "D-7 travel_time_unit_minutes",
        "§2.3",
    )


def _join(parts: Iterable[str], separator: str) -> str:
    """Non-empty parts, each once, in order."""
    seen: list[str] = []
    for part in parts:
        for piece in part.split(separator):
            if piece and piece not in seen:
                seen.append(piece)
    return separator.join(seen)
