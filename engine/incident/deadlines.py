"""The deadlines of one incident: first response, resolution and time on site (SPEC §3).

- Every clock counts service hours of the incident's calendar: the contract's calendar, widened
  by the evening and weekend calendar when the contract has that add-on for the priority.
- The first-response and time-on-site clocks count from the report; the resolution clock from
  what setting `resolution_clock_start` says (D-4): `first_response` counts from the actual
  first response when known, else from the first-response deadline (basis `projected`);
  `reported` counts from the report. Without a first-response deadline to project from, the
  resolution counts from the report.
- Met or breached is decided by the business time used against the target, not by comparing
  instants: a reply at 17:30 to a deadline of 17:00 with no open time in between is met.
- Paused intervals (waiting on the customer or a third party) do not count; deadlines move
  later by the paused open time, and overlapping pauses count once.
- Best effort means no deadline: `due` is None, never an invented time. A matching exception
  rule whose effect is best effort (or not supported) makes every target best effort.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from difflib import get_close_matches
from typing import TYPE_CHECKING, Any, TypeVar

from engine.clock.business_time import (
    Calendar,
    Segment,
    deadline,
    elapsed,
    next_opening,
    open_segments,
)
from engine.clock.calendars import build_calendar
from engine.clock.durations import parse_duration
from engine.errors import InputError, ReferenceNotFound, ValidationError
from engine.rules.settings import Settings

if TYPE_CHECKING:  # the type of Deadlines.outside_term only
    from engine.contract.coverage import OutsideTerm

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


@dataclass(frozen=True)
class Target:
    """One clock: its target as the rules write it, when it is due, and whether it was met."""

    target: str
    due: datetime | None
    best_effort: bool
    met: bool | None
    basis: str | None = None
    counted_from: datetime | None = None
    elapsed: timedelta | None = None
    segments: tuple[Segment, ...] = ()
    waived_by: tuple[str, ...] = ()
    actual: datetime | None = None


@dataclass(frozen=True)
class Deadlines:
    priority: int
    reported: datetime
    clock_start: datetime
    first_response: Target
    resolution: Target
    time_on_site: Target
    calendar: str
    ticket: str | None = None
    waivers: tuple[Waiver, ...] = ()
    outside_term: OutsideTerm | None = None  # D-11: timed as without SLA, and why


def incident_deadlines(
    contract: Mapping[str, Any],
    incident: Incident,
    *,
    calendars: Mapping[str, Mapping[str, Any]],
    exceptions: Mapping[str, Mapping[str, Any]],
    settings: Settings,
) -> Deadlines:
    """Due times and outcomes of the three clocks of `incident` under `contract`."""
    calendar = calendar_for(contract, incident.priority, calendars)
    targets = targets_for(contract, incident.priority)
    waivers = waivers_for(incident, exceptions)
    clock = PausedClock(calendar, merge_pauses(incident.pauses))
    waived = tuple(w.id for w in waivers)

    def target(name: str, start: datetime, actual: datetime | None, basis: str | None) -> Target:
        return clock.target(targets, name, incident.priority, start, actual, waived, basis)

    first = target("first_response", incident.reported, incident.first_response, None)
    start, basis = _resolution_start(settings, incident, first)
    return Deadlines(
        priority=incident.priority,
        reported=incident.reported.astimezone(calendar.zone),
        clock_start=next_opening(incident.reported, calendar),
        first_response=first,
        resolution=target("resolution", start, incident.resolved, basis),
        time_on_site=target("time_on_site", incident.reported, incident.on_site, None),
        calendar=calendar.name,
        ticket=incident.ticket,
        waivers=waivers,
    )


@dataclass(frozen=True)
class PausedClock:
    """Business time of one calendar with paused intervals (merged, sorted) left out."""

    calendar: Calendar
    pauses: tuple[tuple[datetime, datetime], ...]

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        used = elapsed(start, end, self.calendar)
        for p_start, p_end in self.pauses:
            used -= elapsed(max(start, p_start), min(end, p_end), self.calendar)
        return used

    def deadline(self, start: datetime, duration: timedelta) -> datetime:
        remaining, cursor = duration, start
        for p_start, p_end in self.pauses:
            if p_end <= cursor:
                continue
            if p_start > cursor:
                available = elapsed(cursor, p_start, self.calendar)
                # Zero open time before the pause cannot hold even a zero duration: a zero
                # duration is due at the next open, unpaused instant.
                if available and available >= remaining:
                    return deadline(cursor, remaining, self.calendar)
                remaining -= available
            cursor = p_end
        return deadline(cursor, remaining, self.calendar)

    def segments(self, start: datetime, end: datetime) -> tuple[Segment, ...]:
        pieces = open_segments(start, end, self.calendar)
        zone = self.calendar.zone
        for p_start, p_end in self.pauses:
            cut: list[Segment] = []
            for seg in pieces:
                if p_end <= seg.start or p_start >= seg.end:
                    cut.append(seg)
                    continue
                if seg.start < p_start:
                    cut.append(Segment(seg.start, p_start.astimezone(zone)))
                if p_end < seg.end:
                    cut.append(Segment(p_end.astimezone(zone), seg.end))
            pieces = cut
        return tuple(pieces)

    def target(
        self,
        targets: Mapping[str, str],
        name: str,
        priority: int,
        start: datetime,
        actual: datetime | None,
        waived: tuple[str, ...],
        basis: str | None,
    ) -> Target:
        spec = targets.get(name, NOT_APPLICABLE)
        if spec == NOT_APPLICABLE:
            return Target(spec, None, best_effort=False, met=None)
        used = self.elapsed(start, actual) if actual is not None else None
        if spec == BEST_EFFORT or waived:
            segments = self.segments(start, actual) if actual is not None else ()
            return Target(spec, None, True, None, basis, start, used, segments, waived, actual)
        limit = target_duration(spec, f"targets.P{priority}.{name}")
        due = self.deadline(start, limit)
        met = None if used is None else used <= limit
        segments = self.segments(start, actual if actual is not None else due)
        return Target(spec, due, False, met, basis, start, used, segments, (), actual)


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


def _resolution_start(
    settings: Settings, incident: Incident, first: Target
) -> tuple[datetime, str]:
    rule = settings.resolution_clock_start
    if rule == "first_response" and incident.first_response is not None:
        return incident.first_response, "actual"
    if rule == "first_response" and first.due is not None:
        return first.due, "projected"
    return incident.reported, "reported"


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
