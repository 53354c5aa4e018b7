"""Exception clauses a contract agrees away ("tenzij anders overeengekomen", §1.2.5, §2.5).

The seed lets two clauses be set aside by agreement: content support of standard applications
is best effort "unless agreed otherwise", and an SLA on a virtual server does not cover the
host "unless agreed otherwise". Such a rule says `waivable: true`; a contract lists the ones
agreed away under `waived_exceptions`. A waived clause no longer applies to that contract's
calls: a cause that names it is priced and timed as an ordinary call, and the quote says the
clause was waived.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from engine.errors import Problem, did_you_mean
from engine.rules.document import Document
from engine.rules.ruleset import NO_SLA_TIER, RuleSet

if TYPE_CHECKING:  # merge calls waiver_problems; only the type is needed here
    from engine.contract.merge import EffectiveContract

NEUTRAL_EFFECT = {"coverage": "covered", "targets": "binding", "billing": "normal"}
"""What a waived clause does to a call: nothing (covered, binding targets, normal billing)."""


def waiver_problems(rules: RuleSet, contract: Document) -> list[Problem]:
    """Each waived id must name a waivable exception rule; a contract without SLA waives none."""
    waived = contract.data.get("waived_exceptions") or []
    table = rules.exception_rules()
    problems = []
    if waived and contract.data.get("tier", NO_SLA_TIER) == NO_SLA_TIER:
        problems.append(
            Problem(
                "a contract without SLA has no exception clauses to agree away; remove "
                "waived_exceptions",
                contract.location(("waived_exceptions",)),
            )
        )
        return problems
    waivable = sorted(rule_id for rule_id, rule in table.items() if rule.get("waivable"))
    for index, rule_id in enumerate(waived):
        where = contract.location(("waived_exceptions", index))
        if rule_id not in table:
            problems.append(
                Problem(f"unknown exception {rule_id!r}{did_you_mean(rule_id, table)}", where)
            )
        elif not table[rule_id].get("waivable"):
            problems.append(
                Problem(
                    f"exception {rule_id!r} ({table[rule_id]['source']}) cannot be agreed away; "
                    f"the seed allows it only for: {', '.join(waivable)}",
                    where,
                )
            )
    return problems


def exception_rules_for(
    rules: RuleSet, contract: EffectiveContract
) -> Mapping[str, Mapping[str, Any]]:
    """The exception rules as they apply to `contract`: a waived one has no effect."""
    table = rules.exception_rules()
    if not contract.waived_exceptions:
        return table
    return {
        rule_id: {**rule, "effect": NEUTRAL_EFFECT}
        if rule_id in contract.waived_exceptions
        else rule
        for rule_id, rule in table.items()
    }
