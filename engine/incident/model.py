"""An incident as the clocks see it, and what the contract and the rules make of its priority.

- `Incident`: what happened, as aware datetimes; actual times are None until they happen.
- `calendar_for`: the contract's calendar, widened by the evening and weekend calendar when
  the contract has that add-on for the priority.
- `targets_for`: the priority's targets; `waivers_for`: the exception rules whose effect is
  best effort (or not supported), which make every target best effort.
- `merge_pauses`: pauses sorted with overlapping ones joined, so no paused time counts twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from difflib import get_close_matches
from typing import Any, TypeVar

from engine.clock.business_time import Calendar
from engine.clock.calendars import build_calendar
from engine.clock.durations import parse_duration
from engine.errors import InputError, ReferenceNotFound, ValidationError

NOT_APPLICABLE, BEST_EFFORT = "not_applicable", "best_effort"
_Instant = TypeVar("_Instant", datetime, int)
RESOLUTION_BASES = {"first_response", "reported"}


@dataclass(frozen=True)
class Incident:
    """What happened, as aware datetimes; actual times are None until they happen."""

    priority: int
    reported: datetime
    first_response: datetime | None = None
    resolved: datetime | None = None
    on_site: datetime | None = None
    causes: tuple[str, ...] = ()
    pauses: tuple[tuple[datetime, datetime], ...] = ()
    ticket: str | None = None

    def __post_init__(self) -> None:
        if self.priority not in (1, 2, 3, 4):
            raise InputError.at(f"priority {self.priority!r} does not exist; use 1, 2, 3 or 4")
        for name in ("first_response", "resolved", "on_site"):
            moment = getattr(self, name)
            if moment is not None and moment < self.reported:
                raise InputError.at(f"{name} is before the report; check both times")
        if self.first_response and self.resolved and self.resolved < self.first_response:
            raise InputError.at("resolved is before first_response; check both times")
        for start, end in self.pauses:
            if end < start:
                raise InputError.at(f"a pause ends before it starts: {start} / {end}")


@dataclass(frozen=True)
class Waiver:
    """An exception rule that made the targets best effort."""

    id: str
    names: tuple[tuple[str, str], ...]  # (language, name)
    source: str

    def name(self, lang: str) -> str:
        return dict(self.names).get(lang) or dict(self.names).get("nl") or self.id


def merge_pauses(
    pauses: Iterable[tuple[_Instant, _Instant]],
) -> tuple[tuple[_Instant, _Instant], ...]:
    """Pauses sorted, with overlapping ones joined, so no paused time counts twice; the same
    for aware datetimes and for epoch seconds (batch evaluation)."""
    merged: list[tuple[_Instant, _Instant]] = []
    for start, end in sorted(pauses):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        elif end > start:
            merged.append((start, end))
    return tuple(merged)


def calendar_for(
    contract: Mapping[str, Any], priority: int, calendars: Mapping[str, Mapping[str, Any]]
) -> Calendar:
    base = _lookup(calendars, contract["calendar"], "calendar", "calendar")
    extra = contract.get("extended_hours")
    if extra and priority in extra.get("priorities", ()):
        ext = _lookup(calendars, extra["calendar"], "calendar", "extended_hours.calendar")
        return build_calendar(base, [ext])
    return build_calendar(base)


def targets_for(contract: Mapping[str, Any], priority: int) -> Mapping[str, str]:
    targets = contract.get("targets", {}).get(f"P{priority}")
    if targets is None:
        raise ValidationError.at(f"the contract has no targets for PRIO {priority}", path="targets")
    for name, spec in targets.items():
        if spec == "by_agreement":
            raise ValidationError.at(
                "still 'by_agreement'; fill in the agreed duration, e.g. 4h",
                path=f"targets.P{priority}.{name}",
            )
    return dict(targets)


def waivers_for(
    incident: Incident, exceptions: Mapping[str, Mapping[str, Any]]
) -> tuple[Waiver, ...]:
    for i, cause in enumerate(incident.causes):
        _lookup(exceptions, cause, "exception", f"causes[{i}]")
    facts: dict[str, Any] = {"priority": incident.priority}
    out = []
    for ex_id, rule in sorted(exceptions.items()):
        when = rule.get("when") or {}
        # A rule without conditions is never taken to match: it would waive every incident.
        if not when or not all(
            value in incident.causes if key == "cause" else facts.get(key) == value
            for key, value in when.items()
        ):
            continue
        effect = rule.get("effect", {})
        if effect.get("targets") == BEST_EFFORT or effect.get("coverage") == "not_supported":
            names = tuple(sorted((rule.get("name") or {}).items()))
            out.append(Waiver(ex_id, names, str(rule.get("source", ""))))
    return tuple(out)


def _lookup(table: Mapping[str, Any], key: str, kind: str, path: str) -> Any:
    if key in table:
        return table[key]
    hint = get_close_matches(key, list(table), n=1)
    fix = f"did you mean {hint[0]!r}?" if hint else f"known: {', '.join(sorted(table)) or 'none'}"
    raise ReferenceNotFound.at(f"no {kind} {key!r}; {fix}", path=path)


def target_duration(spec: str, path: str) -> timedelta:
    try:
        return parse_duration(spec)
    except InputError as exc:
        raise ValidationError.at(str(exc), path=path) from None
