"""D-11: a contract covers only its term.

Work before the contract's start, or after the expiry that a given notice ends it at
(`notice_given`, D-10), is that of a customer without SLA: priced as tier `geen-sla` and with
no deadlines but best effort. `covering_contract` is the one place that decides it, for a
quote, a deadline and a batch row alike; what it returns says why, so every output can say so
instead of silently covering (or silently charging) the call.

A tier on its own (`sla quote advanced`) has no term and covers every moment.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from engine.contract.merge import EffectiveContract, effective_for_tier
from engine.contract.terms import ZONE, terms_on
from engine.rules.ruleset import NO_SLA_TIER, RuleSet


@dataclass(frozen=True)
class OutsideTerm:
    """Why a moment lies outside the contract's term, in both languages."""

    reason: str  # "before_start" or "after_notice"
    boundary: date  # the start, or the last day covered
    nl: str
    en: str

    def as_dict(self) -> dict[str, Any]:
        return {"reason": self.reason, "date": self.boundary.isoformat(), "priced_as": NO_SLA_TIER}


def outside_term(contract: EffectiveContract, moment: datetime) -> OutsideTerm | None:
    """Why `moment` (an aware time) lies outside the contract's term, or None if inside."""
    if contract.start is None or not contract.has_sla:
        return None
    day = moment.astimezone(ZONE).date()
    start = date.fromisoformat(contract.start)
    if day < start:
        when = f"{start:%d-%m-%Y}"
        return OutsideTerm(
            "before_start",
            start,
            f"Het contract gaat pas in op {when}: deze call valt buiten de looptijd en geldt "
            "als zonder SLA (geen-sla: geen termijnen, tarieven zonder SLA; D-11).",
            f"The contract starts on {when}: this call is outside its term and counts as "
            "without SLA (geen-sla: no deadlines, rates without SLA; D-11).",
        )
    if contract.notice_given is not None and contract.period_months is not None:
        given = date.fromisoformat(contract.notice_given)
        last = terms_on(start, contract.period_months, given).notice_ends_on
        if day > last:
            when = f"{last:%d-%m-%Y}"
            return OutsideTerm(
                "after_notice",
                last,
                f"Het contract is opgezegd en liep tot en met {when}: deze call valt buiten de "
                "looptijd en geldt als zonder SLA (geen-sla; D-11).",
                f"The contract was ended by notice and ran up to and including {when}: this "
                "call is outside its term and counts as without SLA (geen-sla; D-11).",
            )
    return None


def covering_contract(
    rules: RuleSet, contract: EffectiveContract, moment: datetime
) -> tuple[EffectiveContract, OutsideTerm | None]:
    """The contract that covers a call at `moment`: `contract` within its term, else the
    customer's contract as geen-sla (D-11), with the reason."""
    outside = outside_term(contract, moment)
    if outside is None:
        return contract, None
    without = effective_for_tier(rules, rules.settings.outside_term_coverage)
    return (
        replace(
            without,
            customer=contract.customer,
            file=contract.file,
            start=contract.start,
            period_months=contract.period_months,
            notice_given=contract.notice_given,
            contact=contract.contact,
        ),
        outside,
    )
