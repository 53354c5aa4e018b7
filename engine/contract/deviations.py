"""Weakened guarantees: maatwerk overrides that are worse for the customer than the base.

A maatwerk contract with a `base` tier starts from that tier (and its add-ons); each value its
`overrides` change is compared with the value it replaces, as the customer would judge it:

- a target (first response, resolution, time on site): a longer duration is worse, and so is
  best_effort or not_applicable where the base has a duration (no deadline at all);
- the configuration-change allowance: a smaller duration is worse; unlimited is the best;
- a rate: included (no charge) < an amount (compared as money) < price_list (the regular rate,
  which is not an SLA price) < not_available; higher is worse;
- a service: worse when it is offered for fewer priorities than in the base (included for all
  -> included for PRIO 1 and 2 only, or included -> not_included, addon or billed);
- extended hours: worse when they cover fewer priorities (null covers none).

Durations are compared with `parse_duration`, amounts with `parse_money`, never as strings.
A change of calendar is not judged (two calendars have no order without computing hours);
`sla diff` shows it. Without a base tier there is nothing to compare with: every
by_agreement value is the agreement itself, so nothing is reported as weakened.

Each weakened value is a problem at the override's file:line:col, unless the contract lists it
under `acknowledged_deviations` with a reason. An acknowledgement of a path that is not
weakened is a problem too (stale), so the list stays true as the contract changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine.clock.durations import parse_duration
from engine.contract.merge import EffectiveContract, effective_for_contract
from engine.errors import Location, Problem, did_you_mean
from engine.pricing.money import parse_money
from engine.rules.document import Document
from engine.rules.ruleset import RuleSet

Rank = tuple[Any, ...]
_ALL_PRIORITIES = frozenset({1, 2, 3, 4})


@dataclass(frozen=True)
class Deviation:
    """One override that is worse for the customer than the value it replaces."""

    path: str
    base_value: Any
    new_value: Any
    base_layer: str
    base_where: str
    where: Location


def _target_rank(value: Any) -> Rank:
    if value == "not_applicable" or value == "best_effort":
        return (1, 0)
    return (0, parse_duration(value))


def _allowance_rank(value: Any) -> Rank:
    if value == "unlimited":
        return (0, 0)
    return (1, -parse_duration(value))


_RATE_KEYWORDS = {"included": 0, "price_list": 2, "not_available": 3}


def _rate_rank(value: Any) -> Rank:
    if value in _RATE_KEYWORDS:
        return (_RATE_KEYWORDS[value], Decimal(0))
    return (1, parse_money(value))


def _covered(value: Any) -> frozenset[int]:
    """The priorities a service or extended-hours entry covers (none when not included)."""
    if not isinstance(value, Mapping):
        return frozenset()
    if "status" in value and value["status"] != "included":
        return frozenset()
    return frozenset(value.get("priorities") or _ALL_PRIORITIES)


def _is_worse(path: str, old: Any, new: Any) -> bool | None:
    """True if `new` is worse for the customer than `old`; None when they cannot be ordered."""
    section = path.split(".")[0]
    if section in ("services", "extended_hours"):
        return not _covered(new) >= _covered(old)
    rank = _RANKS.get(section)
    if rank is None or old == "by_agreement" or new == "by_agreement":
        return None
    if section == "targets" and old == "not_applicable":
        return None  # the base has no such target: any target adds one
    return bool(rank(new) > rank(old))


_RANKS: dict[str, Callable[[Any], Rank]] = {
    "targets": _target_rank,
    "config_change_allowance": _allowance_rank,
    "rates": _rate_rank,
}


def compare(path: str, old: Any, new: Any) -> str | None:
    """`worse` or `better` for the customer, or None (as good, or not judged: a calendar)."""
    if _is_worse(path, old, new):
        return "worse"
    if _is_worse(path, new, old):
        return "better"
    return None


def format_value(value: Any) -> str:
    """A value in one short line: `included (PRIO 1, 2)` for a service, `null` for None."""
    if isinstance(value, Mapping) and "status" in value:
        only = value.get("priorities")
        return str(value["status"]) + (f" (PRIO {', '.join(map(str, only))})" if only else "")
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {format_value(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    return "null" if value is None else str(value)


def deviations(rules: RuleSet, document: Document, contract: EffectiveContract) -> list[Deviation]:
    """Every override of `contract` (from `document`) that is worse than its base value."""
    if contract.base is None or "overrides" not in document.data:
        return []
    without = {k: v for k, v in document.data.items() if k != "overrides"}
    base = effective_for_contract(rules, Document(document.file, without, document.positions))
    found = []
    for path, origin in contract.origins.items():
        if origin.layer != "overrides" or path not in base.origins:
            continue
        old, new = _value(base.values, path), _value(contract.values, path)
        if _is_worse(path, old, new):
            behind = base.origins[path]
            found.append(
                Deviation(
                    path,
                    old,
                    new,
                    behind.layer,
                    behind.where(),
                    Location(origin.file, origin.line, origin.column, f"overrides.{path}"),
                )
            )
    return found


def deviation_problems(
    rules: RuleSet, document: Document, contract: EffectiveContract
) -> list[Problem]:
    """Unacknowledged weakened values, and acknowledgements of values that are not weakened."""
    found = deviations(rules, document, contract)
    weakened = {d.path: d for d in found}
    acknowledged: set[str] = set()
    problems = []
    for index, entry in enumerate(contract.acknowledged_deviations):
        path = entry["path"]
        acknowledged.add(path)
        if path not in weakened:
            problems.append(
                Problem(
                    _stale_message(path, contract, weakened),
                    document.location(("acknowledged_deviations", index, "path")),
                )
            )
    for deviation in found:
        if deviation.path not in acknowledged:
            problems.append(Problem(_weakened_message(deviation), deviation.where))
    return problems


def _weakened_message(deviation: Deviation) -> str:
    return (
        f"{format_value(deviation.new_value)} is worse for the customer than "
        f"{format_value(deviation.base_value)} of {deviation.base_layer} "
        f"({deviation.base_where}); restore it, or if it was agreed, acknowledge it: "
        f'acknowledged_deviations: [{{path: {deviation.path}, reason: "..."}}]'
    )


def _stale_message(path: str, contract: EffectiveContract, weakened: Mapping[str, Any]) -> str:
    if contract.base is None:
        return (
            f"acknowledges {path}, but the contract has no base tier, so nothing is weakened; "
            "remove this acknowledgement"
        )
    if path not in contract.origins:
        return (
            f"acknowledges {path}, which is not a value of the contract"
            f"{did_you_mean(path, contract.origins)}"
        )
    return f"acknowledges {path}, which is not worse than the base; remove this acknowledgement" + (
        f" (weakened: {', '.join(sorted(weakened))})" if weakened else ""
    )


def _value(values: Mapping[str, Any], path: str) -> Any:
    node: Any = values
    for key in path.split("."):
        node = node[key]
    return node
