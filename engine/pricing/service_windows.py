"""Which service hours a call falls in, and the prices of an evening/weekend call (§1.3.16).

- A call is priced by the moment it starts: office hours (the contract's calendar) win over
  the evening/weekend windows when both are open.
- Everyone may call in the evening/weekend windows (§1.3.16: with or without the add-on, with
  or without SLA), so those windows are the same for every customer; what differs is the price
  column: `sla_with_addon`, `sla_without_addon` or `no_sla` (rules/prices.yaml
  evening_weekend.start_fee, and the hourly rate of the contract).
- The add-on covers the priorities its `extended_hours` names (PRIO 1 and 2); other
  priorities of an add-on customer pay the "SLA without add-on" prices, best effort (D-8).
- A moment in neither is not priced: `NoService` says when service is next available.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from engine.clock.business_time import Calendar, is_open, next_opening
from engine.clock.calendars import build_calendar
from engine.clock.times import format_time
from engine.contract.merge import EffectiveContract
from engine.errors import InputError, ReferenceNotFound, did_you_mean
from engine.pricing.money import parse_money
from engine.pricing.rates import Rate, contract_rate
from engine.rules.ruleset import RuleSet

OFFICE_HOURS, EVENING_WEEKEND = "office_hours", "evening_weekend"
WITH_ADDON, WITHOUT_ADDON, NO_SLA = "sla_with_addon", "sla_without_addon", "no_sla"

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_D8 = "aws_other_priorities_pricing"


class NoService(InputError):
    """A call at a moment without any service; `next_available` says when service resumes."""

    next_available: datetime
    next_window: str

    @classmethod
    def resuming(cls, message: str, resumes: datetime, window: str) -> NoService:
        """The error, with when and in which window service resumes.

        Built here rather than in a local of the raising function: a raised exception held by
        a frame of its own traceback is a reference cycle that only the garbage collector
        frees, and `sla evaluate` may raise this for thousands of rows."""
        error = cls.at(message)
        error.next_available = resumes
        error.next_window = window
        return error


@dataclass(frozen=True)
class ServiceWindow:
    """The service hours a moment falls in: OFFICE_HOURS or EVENING_WEEKEND, and the calendar."""

    kind: str
    calendar: str


@dataclass(frozen=True)
class CallColumn:
    """The column of the §1.3.16 price table that applies to a call, and why."""

    column: str
    rule: str
    best_effort: bool
    d8: bool = False


def service_calendars(
    rules: RuleSet, contract: EffectiveContract
) -> tuple[tuple[str, Calendar], tuple[str, Calendar]]:
    """(id, calendar) of the office hours, and of office plus evening/weekend hours.

    The evening/weekend windows are the contract's `extended_hours.calendar` when it has the
    add-on, else the price list's `evening_weekend.calendar`: every customer may call then, at
    a price (§1.3.16).
    """
    calendars = rules.calendar_rules()
    office_id = str(contract.values["calendar"])
    extended = contract.values.get("extended_hours") or {}
    evening_id = str(extended.get("calendar") or rules.prices["evening_weekend"]["calendar"])
    office_rule = _calendar(calendars, office_id)
    office = build_calendar(office_rule)
    evening = build_calendar(office_rule, [_calendar(calendars, evening_id)])
    return (office_id, office), (evening_id, evening)


def service_window(rules: RuleSet, contract: EffectiveContract, moment: datetime) -> ServiceWindow:
    """Office hours or evening/weekend at `moment`; NoService when neither is open."""
    (office_id, office), (evening_id, evening) = service_calendars(rules, contract)
    if is_open(moment, office):
        return ServiceWindow(OFFICE_HOURS, office_id)
    if is_open(moment, evening):
        return ServiceWindow(EVENING_WEEKEND, evening_id)
    resumes = next_opening(moment, evening)
    in_office = is_open(resumes, office)
    local = moment.astimezone(office.zone)
    raise NoService.resuming(
        no_service_message(
            when_text(local.weekday(), format_time(local)),
            when_text(resumes.weekday(), format_time(resumes)),
            office_id,
            evening_id,
            in_office,
        ),
        resumes,
        OFFICE_HOURS if in_office else EVENING_WEEKEND,
    )


def no_service_message(
    start: str, resumes: str, office_id: str, evening_id: str, resumes_in_office: bool
) -> str:
    """NoService's message: no service at `start`, next at `resumes` (both as `when_text`
    writes them), in office hours or else evening/weekend service. engine.evaluate.vector
    builds the same note for many rows at once."""
    which = (
        f"office hours, {office_id}"
        if resumes_in_office
        else f"evening/weekend service, {evening_id}"
    )
    return (
        f"no service at {start}: outside office hours ({office_id}) and the evening/weekend "
        f"hours ({evening_id}); service is next available {resumes} ({which}); give a start "
        "time within service hours"
    )


def when_text(weekday: int, time_text: str) -> str:
    """A moment in a NoService message: its weekday (0 Monday) and its format_time text."""
    return f"{_DAYS[weekday]} {time_text}"


def call_column(rules: RuleSet, contract: EffectiveContract, priority: int) -> CallColumn:
    """Which column of the evening/weekend table prices a call of `priority`."""
    if not contract.has_sla:
        return CallColumn(NO_SLA, _fee_rule(NO_SLA), best_effort=True)
    extended = contract.values.get("extended_hours")
    if not extended:
        return CallColumn(WITHOUT_ADDON, _fee_rule(WITHOUT_ADDON), best_effort=True)
    if priority in extended.get("priorities", ()):
        return CallColumn(WITH_ADDON, _fee_rule(WITH_ADDON), best_effort=False)
    # D-8 aws_other_priorities_pricing has one value, sla_without_addon (Settings checks it)
    return CallColumn(
        WITHOUT_ADDON, f"D-8 {_D8}; {_fee_rule(WITHOUT_ADDON)}", best_effort=True, d8=True
    )


def start_fee(rules: RuleSet, column: str) -> Decimal:
    """The start fee of a call in `column` (rules/prices.yaml evening_weekend.start_fee)."""
    return parse_money(rules.prices["evening_weekend"]["start_fee"][column])


def start_fee_clause(rules: RuleSet) -> str:
    source: str = rules.prices["evening_weekend"]["source"]
    return source


def hourly_rate(rules: RuleSet, contract: EffectiveContract, column: CallColumn) -> Rate:
    """The hourly rate of an evening/weekend call that the add-on does not cover."""
    rate = contract_rate(rules, contract, "evening_weekend")
    if column.d8:
        return Rate(rate.amount, f"D-8 {_D8}; {rate.rule}", rate.clause)
    return rate


def _fee_rule(column: str) -> str:
    return f"prices evening_weekend.start_fee.{column}"


def _calendar(calendars: Mapping[str, dict[str, Any]], cal_id: str) -> dict[str, Any]:
    if cal_id not in calendars:
        raise ReferenceNotFound.at(
            f"no calendar {cal_id!r}{did_you_mean(cal_id, calendars)}", path="calendar"
        )
    return calendars[cal_id]
