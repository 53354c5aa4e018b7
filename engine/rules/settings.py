"""The named settings of the rules, typed: the decisions D-1 … D-8 (rules/decisions.yaml) and
how `sla evaluate` judges an export (rules/evaluation.yaml).

The YAML files say what each value means and which values are allowed; this module turns them
into one frozen `Settings` value, so the engine reads `settings.resolution_clock_start`
instead of looking a string up in a dict. A value the engine cannot act on (a choice it does
not implement, a negative number of minutes) is a problem at its file:line:col, reported when
the rules are loaded rather than when a command first needs it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from engine.errors import Location, Problem, did_you_mean
from engine.rules.document import Document

ResolutionStart = Literal["first_response", "reported"]
PriorityChange = Literal["recompute", "carry_over"]


@dataclass(frozen=True)
class Settings:
    """Every named setting of the rules, one field each; read-only once loaded."""

    # -- rules/decisions.yaml ---------------------------------------------------------------
    workplace_services_from: Literal["table"]
    """D-1: where the seed's text and its overview table disagree on workplace services, the
    table wins (the text's extra lines are services of their own in rules/services.yaml)."""

    public_holidays_closed: bool
    """D-2: Dutch public holidays are closed days on the service clock, except the holidays a
    calendar lists under keep_open. False drops the holidays from every calendar."""

    aws_holiday_window: Literal["weekend", "closed"]
    """D-3: under the evening/weekend add-on, a public holiday on a weekday gets the weekend
    window (`weekend`, the calendar's holiday_windows) or stays closed (`closed`)."""

    resolution_clock_start: ResolutionStart
    """D-4: the resolution clock starts at the first response (the actual one when known,
    otherwise its deadline, a projection), or at the report (`reported`)."""

    prepaid_card_low_minutes: int
    """D-5: the customer is told the prepaid-hours card is nearly used up when its balance drops
    to this many minutes or fewer (and again when it reaches zero)."""

    config_change_excess_billing: Literal["outside_sla"]
    """D-6: time a configuration change takes beyond the tier's allowance is billed at the
    tier's rate outside SLA."""

    travel_time_unit_minutes: int
    """D-7: travel time, charged on every on-site visit, is counted in units of this many
    minutes, rounded up."""

    aws_other_priorities_pricing: Literal["sla_without_addon"]
    """D-8: calls of priorities the evening/weekend add-on does not cover, in those hours, are
    handled best effort at the "SLA without add-on" prices."""

    # -- rules/evaluation.yaml --------------------------------------------------------------
    at_risk_share: Decimal
    """An open target is at risk once the service time it has used, as of --as-of, reaches this
    share (0 to 1) of the target; past the whole target it is breached."""

    priority_change: PriorityChange
    """What a priority change in a ticket's history does to its clocks: `recompute` counts the
    final priority's target from the start; `carry_over` counts the time used before the change
    against the new target (docs/priority-changes.md)."""

    breach_list_limit: int
    """The summary and the HTML report list at most this many breaches and say how many more
    there were, so memory stays flat however large the export."""


# How each setting is read: a function from the YAML value to the typed value, or a message
# (without location) when the engine cannot use it.
_Reader = Callable[[str, Any], "Any | _Refusal"]


@dataclass(frozen=True)
class _Refusal:
    message: str


def _choice(*options: str) -> _Reader:
    def read(name: str, value: Any) -> Any:
        if value in options:
            return value
        return _Refusal(f"{value!r} is not a {name}; use {' or '.join(options)}")

    return read


def _flag(name: str, value: Any) -> Any:
    if isinstance(value, bool):
        return value
    return _Refusal(f"{name} is {value!r}; write true or false")


def _minutes(name: str, value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return _Refusal(f"{name} is {value!r}; set a whole number of minutes, 0 or more")


def _count(name: str, value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return _Refusal(f"{name} is {value!r}; set a whole number, 0 or more")


def _share(name: str, value: Any) -> Any:
    try:
        share = Decimal(str(value))
    except InvalidOperation:
        share = None
    if isinstance(value, str) and share is not None and 0 <= share <= 1:
        return share
    return _Refusal(f'{name} is {value!r}; write a quoted decimal share from 0 to 1, e.g. "0.75"')


_DECISIONS: dict[str, _Reader] = {
    "workplace_services_from": _choice("table"),
    "public_holidays_closed": _flag,
    "aws_holiday_window": _choice("weekend", "closed"),
    "resolution_clock_start": _choice("first_response", "reported"),
    "prepaid_card_low_minutes": _minutes,
    "config_change_excess_billing": _choice("outside_sla"),
    "travel_time_unit_minutes": _minutes,
    "aws_other_priorities_pricing": _choice("sla_without_addon"),
}
_EVALUATION: dict[str, _Reader] = {
    "at_risk_share": _share,
    "priority_change": _choice("recompute", "carry_over"),
    "breach_list_limit": _count,
}
assert set(_DECISIONS) | set(_EVALUATION) == {f.name for f in dataclasses.fields(Settings)}


def read_settings(
    decisions: Document, evaluation: Document
) -> tuple[Settings | None, list[Problem]]:
    """The settings of the two documents, or None and every problem found, each at its line."""
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    given: dict[str, tuple[Any, Location]] = {}
    refused: set[str] = set()  # reported already: not also reported as missing
    for decision_id, decision in decisions.data["decisions"].items():
        name = decision["setting"]
        where = decisions.location(("decisions", decision_id, "value"))
        if name not in _DECISIONS:
            problems.append(
                Problem(
                    f"unknown setting {name!r}{did_you_mean(name, _DECISIONS)}",
                    decisions.location(("decisions", decision_id, "setting")),
                )
            )
            continue
        choices = decision["choices"]
        if choices is not None and decision["value"] not in choices:
            problems.append(
                Problem(
                    f"{decision['value']!r} is not one of the choices "
                    f"{', '.join(map(str, choices))}",
                    where,
                )
            )
            refused.add(name)
            continue
        given[name] = (decision["value"], where)
    for name, entry in evaluation.data["settings"].items():
        given[name] = (entry["value"], evaluation.location(("settings", name, "value")))
    for name, reader in (_DECISIONS | _EVALUATION).items():
        if name in refused:
            continue
        if name not in given:
            where = Location(decisions.file) if name in _DECISIONS else Location(evaluation.file)
            problems.append(Problem(f"the setting {name} has no value; add it", where))
            continue
        raw, where = given[name]
        value = reader(name, raw)
        if isinstance(value, _Refusal):
            problems.append(Problem(value.message, where))
        else:
            values[name] = value
    if problems:
        return None, problems
    return Settings(**values), []
