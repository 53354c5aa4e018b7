"""The three clocks of one incident judged as of a moment, priority changes included.

This is engine.deadlines for many rows at once, plus a status as of a moment (`--as-of`):

- Without a priority history, due times and met/breached are exactly those of
  `engine.deadlines.incident_deadlines`: the same calendar per priority (evening and weekend
  hours for the priorities of the aws add-on), targets, waivers (exception rules), pauses and
  D-4 resolution start. What a priority means under the contract is worked out once per
  (priority, causes) and cached, so a row costs a few binary searches.
- Status of a clock: `n/a` (no such target), `best_effort` (no deadline, or an exception made it
  best effort), `met` / `breached` when it stopped (business time used against the target,
  as engine.deadlines judges it), and when it has not stopped, as of `as_of`: `breached` once
  the business time used exceeds the target, `at_risk` once it reaches the share
  `at_risk_share` of it (rules/evaluation.yaml), else `open`.
- Priority changes (setting `priority_change`, docs/priority-changes.md): a clock sees only the
  changes made before it stopped, so a clock that stopped before a change (a first response
  given before an upgrade) is judged under the priority in force then; a change at the very
  moment it stopped comes after it. The last change it sees decides its target and whether it
  is best effort. `recompute`: that priority's target and calendar count from the clock's start,
  as if it had applied all along. `carry_over`: each stretch between changes counts on the
  calendar of the priority in force during it, and the time used before the last change counts
  against the last priority's target; the due time is the instant the counted time reaches the
  target, which lies before the change when the old priority had already used more (the ticket
  was late when it was re-prioritised: breached).
- Time on site (§1.2.12) is "only relevant when help at a distance is not possible": a row
  with neither an arrival time nor `on_site: true` needed no visit, and its time-on-site
  target is `n/a` (otherwise every PRIO 1 solved remotely would count as breached).
- The resolution clock starts (D-4) at the actual first response, else at the first-response
  due time as this module computes it (so with priority changes the projection follows them),
  else at the report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from engine.batch_rows import Change
from engine.business_time import Calendar
from engine.deadlines import (
    BEST_EFFORT,
    NOT_APPLICABLE,
    RESOLUTION_BASES,
    Incident,
    PausedClock,
    calendar_for,
    merge_pauses,
    target_duration,
    targets_for,
    waivers_for,
)
from engine.errors import ValidationError
from engine.merge import EffectiveContract
from engine.rules import RuleSet

CLOCKS = ("first_response", "resolution", "time_on_site")
MET, BREACHED, AT_RISK, OPEN, BEST_EFFORT_STATUS, NOT_APPLICABLE_STATUS = (
    "met",
    "breached",
    "at_risk",
    "open",
    "best_effort",
    "n/a",
)
STATUSES = (MET, BREACHED, AT_RISK, OPEN, BEST_EFFORT_STATUS, NOT_APPLICABLE_STATUS)
MODES = ("recompute", "carry_over")
_ZERO = timedelta(0)


@dataclass(frozen=True, slots=True)
class ClockOutcome:
    """One clock of a row: the target as written, the priority that judged it, due, status."""

    target: str
    priority: int
    due: datetime | None
    status: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """The three clocks of a row and the exception rules that made its targets best effort."""

    first_response: ClockOutcome
    resolution: ClockOutcome
    time_on_site: ClockOutcome
    waivers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Profile:
    """What one priority means under the contract, for one set of causes."""

    priority: int
    calendar: Calendar
    clock: PausedClock
    specs: Mapping[str, str]  # target as the rules write it
    limits: Mapping[str, timedelta]  # parsed, for the targets that have a duration
    at_risk: Mapping[str, timedelta]  # the share of each limit that makes an open clock at risk
    waivers: tuple[str, ...]


class Clocks:
    """Judges the clocks of incidents under one contract as of one moment."""

    def __init__(self, rules: RuleSet, contract: EffectiveContract, as_of: datetime) -> None:
        evaluation = rules.evaluation
        self.mode = str(evaluation["priority_change"])
        if self.mode not in MODES:
            raise ValidationError.at(
                f"{self.mode!r} is not a priority_change; use {' or '.join(MODES)}",
                file="rules/evaluation.yaml",
                path="settings.priority_change.value",
            )
        self.share = Fraction(Decimal(str(evaluation["at_risk_share"])))
        self.resolution_start = rules.setting("resolution_clock_start")
        if self.resolution_start not in RESOLUTION_BASES:
            raise ValidationError.at(
                f"{self.resolution_start!r} is not a resolution clock start (D-4); use one of "
                f"{', '.join(sorted(RESOLUTION_BASES))}",
                path="settings.resolution_clock_start",
            )
        self.as_of = as_of
        self._values = contract.values
        self._calendars = rules.calendar_rules()
        self._exceptions = rules.exception_rules()
        self._profiles: dict[tuple[int, tuple[str, ...]], _Profile] = {}
        for priority in (1, 2, 3, 4):  # a contract problem fails once, before any row
            self.profile(priority, ())

    def profile(self, priority: int, causes: tuple[str, ...]) -> _Profile:
        key = (priority, causes)
        found = self._profiles.get(key)
        if found is None:
            found = self._profiles[key] = self._build(priority, causes)
        return found

    def _build(self, priority: int, causes: tuple[str, ...]) -> _Profile:
        calendar = calendar_for(self._values, priority, self._calendars)
        specs = targets_for(self._values, priority)
        limits = {
            name: target_duration(spec, f"targets.P{priority}.{name}")
            for name, spec in specs.items()
            if name in CLOCKS and spec not in (NOT_APPLICABLE, BEST_EFFORT)
        }
        at_risk = {
            name: timedelta(
                microseconds=-(
                    -(limit // timedelta(microseconds=1))
                    * self.share.numerator
                    // self.share.denominator
                )
            )
            for name, limit in limits.items()
        }
        probe = Incident(priority=priority, reported=self.as_of, causes=causes)
        waivers = tuple(w.id for w in waivers_for(probe, self._exceptions))
        return _Profile(
            priority, calendar, PausedClock(calendar, ()), specs, limits, at_risk, waivers
        )

    def judge(
        self, incident: Incident, history: Sequence[Change] = (), visit: bool = True
    ) -> Outcome:
        """Due times and statuses of the three clocks of `incident`; `visit`: whether an
        engineer had to come on site (without one the time-on-site target does not apply)."""
        pauses = merge_pauses(incident.pauses) if incident.pauses else ()
        reported = incident.reported

        def judge(name: str, start: datetime, actual: datetime | None) -> ClockOutcome:
            return self._judge(
                name, self._pieces(incident, history, start, actual, pauses), start, actual
            )

        first = judge("first_response", reported, incident.first_response)
        if self.resolution_start == "first_response" and incident.first_response is not None:
            start = incident.first_response
        elif self.resolution_start == "first_response" and first.due is not None:
            start = first.due
        else:
            start = reported
        resolution = judge("resolution", start, incident.resolved)
        final = self.profile(incident.priority, incident.causes)
        if visit or incident.on_site is not None:
            on_site = judge("time_on_site", reported, incident.on_site)
        else:
            spec = final.specs.get("time_on_site", NOT_APPLICABLE)
            on_site = ClockOutcome(spec, final.priority, None, NOT_APPLICABLE_STATUS)
        return Outcome(first, resolution, on_site, final.waivers)

    def _pieces(
        self,
        incident: Incident,
        history: Sequence[Change],
        start: datetime,
        actual: datetime | None,
        pauses: tuple[tuple[datetime, datetime], ...],
    ) -> list[tuple[datetime, _Profile, PausedClock]]:
        """From when, under which priority, on which clock this clock counts."""
        causes = incident.causes
        if not history:
            seen: Sequence[Change] = ()
            last = incident.priority
        else:
            seen = [history[0], *(c for c in history[1:] if actual is None or c.at < actual)]
            last = seen[-1].priority
        if self.mode == "recompute" or len(seen) < 2:
            profile = self.profile(last, causes)
            return [(start, profile, self._clock(profile, pauses))]
        pieces: list[tuple[datetime, _Profile, PausedClock]] = []
        for change in seen:
            profile = self.profile(change.priority, causes)
            if change.at <= start:
                pieces = [(start, profile, self._clock(profile, pauses))]
            else:
                pieces.append((change.at, profile, self._clock(profile, pauses)))
        return pieces

    @staticmethod
    def _clock(profile: _Profile, pauses: tuple[tuple[datetime, datetime], ...]) -> PausedClock:
        return PausedClock(profile.calendar, pauses) if pauses else profile.clock

    def _judge(
        self,
        name: str,
        pieces: list[tuple[datetime, _Profile, PausedClock]],
        start: datetime,
        actual: datetime | None,
    ) -> ClockOutcome:
        profile = pieces[-1][1]
        spec = profile.specs.get(name, NOT_APPLICABLE)
        if spec == NOT_APPLICABLE:
            return ClockOutcome(spec, profile.priority, None, NOT_APPLICABLE_STATUS)
        if spec == BEST_EFFORT or profile.waivers:
            return ClockOutcome(spec, profile.priority, None, BEST_EFFORT_STATUS)
        limit = profile.limits[name]
        if len(pieces) == 1:
            clock = pieces[0][2]
            due = clock.deadline(start, limit)
            until = actual if actual is not None else self.as_of
            used = clock.elapsed(start, until) if until > start else _ZERO
        else:
            due = _due(pieces, limit)
            used = _used(pieces, actual if actual is not None else self.as_of)
        if actual is not None:
            status = MET if used <= limit else BREACHED
        elif used > limit:
            status = BREACHED
        elif used >= profile.at_risk[name]:
            status = AT_RISK
        else:
            status = OPEN
        return ClockOutcome(spec, profile.priority, due, status)


def _due(pieces: list[tuple[datetime, _Profile, PausedClock]], limit: timedelta) -> datetime:
    """The instant the time counted over the pieces reaches `limit`."""
    remaining = limit
    for index, (at, _, clock) in enumerate(pieces):
        if index + 1 == len(pieces):
            break
        available = clock.elapsed(at, pieces[index + 1][0])
        # As in engine.deadlines: zero open time cannot hold even a zero duration.
        if available and available >= remaining:
            return clock.deadline(at, remaining)
        remaining -= available
    at, _, clock = pieces[-1]
    return clock.deadline(at, remaining)


def _used(pieces: list[tuple[datetime, _Profile, PausedClock]], until: datetime) -> timedelta:
    """Business time counted over the pieces up to `until`."""
    used = _ZERO
    for index, (at, _, clock) in enumerate(pieces):
        if at >= until:
            break
        end = pieces[index + 1][0] if index + 1 < len(pieces) else until
        used += clock.elapsed(at, min(end, until))
    return used
