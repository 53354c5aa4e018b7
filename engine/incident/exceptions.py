"""Exception rules (rules/exceptions/, SPEC §5) as they apply to a call named by its causes.

A cause is an exception rule's id; the rule applies when its `when.cause` is among the causes.
An unknown cause is refused with a 'did you mean', wherever it was written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.errors import Location, Problem, ReferenceNotFound, did_you_mean
from engine.rules.ruleset import RuleSet


@dataclass(frozen=True)
class AppliedException:
    """An exception rule that applies to the call (a matched `cause`)."""

    id: str
    coverage: str
    targets: str
    billing: str
    source: str
    names: Mapping[str, str] = field(default_factory=dict)
    descriptions: Mapping[str, str] = field(default_factory=dict)


def check_causes(
    causes: Sequence[str],
    exceptions: Mapping[str, Mapping[str, Any]],
    where: Callable[[int], Location] = lambda i: Location(path=f"causes[{i}]"),
) -> None:
    """Every cause must name an exception rule; an unknown one gets a 'did you mean'."""
    problems = [
        Problem(f"unknown cause {cause!r}{did_you_mean(cause, exceptions)}", where(index))
        for index, cause in enumerate(causes)
        if cause not in exceptions
    ]
    if problems:
        raise ReferenceNotFound(problems)


def matched_exceptions(rules: RuleSet, causes: Sequence[str]) -> tuple[AppliedException, ...]:
    """The exception rules whose condition the causes meet, refusing unknown causes."""
    table = rules.exception_rules()
    check_causes(causes, table)
    out = []
    for rule_id, rule in sorted(table.items()):
        if rule["when"]["cause"] not in causes:
            continue
        effect = rule["effect"]
        out.append(
            AppliedException(
                rule_id,
                effect["coverage"],
                effect["targets"],
                effect["billing"],
                rule["source"],
                dict(rule["name"]),
                dict(rule["description"]),
            )
        )
    return tuple(out)
