"""The deadlines of one incident (SPEC §3): first response, resolution and time on site, as
`sla deadline` shows them.

This is engine.incident.judge for one row (N = 1), the same evaluation `sla evaluate` runs
over a million, with what a report of one incident adds: the instant each clock counts from,
the service time it used, and the stretches of service time counted (open time less pauses).
Best effort means no deadline: `due` is None, never an invented time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from engine.clock.business_time import Calendar, Segment, open_segments
from engine.clock.service_clock import Pauses
from engine.incident.model import (
    BEST_EFFORT,
    NOT_APPLICABLE,
    Incident,
    Waiver,
    merge_pauses,
    waivers_for,
)
from engine.rules.settings import Settings

if TYPE_CHECKING:  # the type of Deadlines.outside_term only
    from engine.contract.coverage import OutsideTerm

__all__ = ["Deadlines", "Incident", "Target", "Waiver", "incident_deadlines"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)


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
    from engine.incident.judge import BASES, History, Incidents, judge
    from engine.incident.plans import CLOCKS, STATUSES, JudgeSettings, PlanBook

    rule = settings.resolution_clock_start
    # One incident has no history and no --as-of: the statuses of open clocks are not shown.
    book = PlanBook(
        contract, calendars, exceptions, JudgeSettings(rule, "recompute", Fraction(1)), strict=False
    )
    causes = book.cause_number(tuple(incident.causes))
    book.plan(causes * 4 + incident.priority - 1)  # the contract's error for this priority
    waivers = waivers_for(incident, exceptions)
    pauses = merge_pauses(incident.pauses)
    stops = (incident.first_response, incident.resolved, incident.on_site)
    reported = _micros(incident.reported)
    (first, has_first), (resolved, has_resolved), (arrival, has_arrival) = (
        (np.array([_micros(moment) if moment else 0]), np.array([moment is not None]))
        for moment in stops
    )
    one = Incidents(
        np.array([incident.priority]),
        np.array([causes]),
        np.array([reported]),
        first,
        has_first,
        resolved,
        has_resolved,
        arrival,
        has_arrival,
        np.array([True]),
        Pauses.of([tuple((_micros(a), _micros(b)) for a, b in pauses)]),
        History.none(1),
    )
    judged = judge(book, one, reported, measure_all=True)
    plan = book.plan(int(judged.plan[0, 0]))
    clock = book.clocks[plan.clock]
    calendar = clock.calendar
    waived = tuple(w.id for w in waivers)
    targets = []
    for k, name in enumerate(CLOCKS):
        spec = plan.specs[k]
        if spec == NOT_APPLICABLE:
            targets.append(Target(spec, None, best_effort=False, met=None))
            continue
        actual = stops[k]
        start = _instant(int(judged.start[0, k]), calendar)
        basis = BASES[int(judged.basis[0])] if name == "resolution" else None
        used = timedelta(microseconds=int(judged.used[0, k])) if actual is not None else None
        if spec == BEST_EFFORT or waived:
            segments = _segments(calendar, pauses, start, actual) if actual is not None else ()
            targets.append(
                Target(spec, None, True, None, basis, start, used, segments, waived, actual)
            )
            continue
        due = _instant(int(judged.due[0, k]), calendar)
        met = None if actual is None else STATUSES[int(judged.status[0, k])] == "met"
        segments = _segments(calendar, pauses, start, actual if actual is not None else due)
        targets.append(Target(spec, due, False, met, basis, start, used, segments, (), actual))
    return Deadlines(
        priority=incident.priority,
        reported=incident.reported.astimezone(calendar.zone),
        clock_start=_instant(int(clock.next_opening(np.array([reported]))[0]), calendar),
        first_response=targets[0],
        resolution=targets[1],
        time_on_site=targets[2],
        calendar=calendar.name,
        ticket=incident.ticket,
        waivers=waivers,
    )


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // _US


def _instant(micros: int, calendar: Calendar) -> datetime:
    second, micro = divmod(micros, 1_000_000)
    moment = datetime.fromtimestamp(second, calendar.zone)
    return moment.replace(microsecond=micro) if micro else moment


def _segments(
    calendar: Calendar,
    pauses: tuple[tuple[datetime, datetime], ...],
    start: datetime,
    end: datetime,
) -> tuple[Segment, ...]:
    """The open stretches in [start, end) with the pauses cut out."""
    pieces = open_segments(start, end, calendar)
    zone = calendar.zone
    for p_start, p_end in pauses:
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
