"""The three clocks of one incident judged as of a moment, priority changes included.

This is engine.incident.deadlines for many rows at once, plus a status as of a moment (`--as-of`):

- Without a priority history, due times and met/breached are exactly those of
  `engine.incident.deadlines.incident_deadlines`: the same calendar per priority (evening and
  weekend hours for the priorities of the aws add-on), targets, waivers (exception rules),
  pauses and D-4 resolution start. What a priority means under the contract is worked out once per
  (priority, causes) and cached, so a row costs a few binary searches.
- Status of a clock: `n/a` (no such target), `best_effort` (no deadline, or an exception made it
  best effort), `met` / `breached` when it stopped (business time used against the target,
  as engine.incident.deadlines judges it), and when it has not stopped, as of `as_of`:
  `breached` once
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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import NamedTuple, TypeVar

from engine.clock.business_time import Calendar, deadline_epoch, due_and_used, elapsed_epoch
from engine.contract.merge import EffectiveContract
from engine.evaluate.rows import Change
from engine.incident.deadlines import (
    BEST_EFFORT,
    NOT_APPLICABLE,
    Incident,
    PausedClock,
    calendar_for,
    merge_pauses,
    target_duration,
    targets_for,
    waivers_for,
)
from engine.rules.ruleset import RuleSet

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
_SECOND = timedelta(seconds=1)
_US = 1_000_000


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


EpochClock = tuple[str, int, int | None, str]
"""A clock judged in epoch seconds: target as written, priority, due (epoch second), status."""


class ClockPlan(NamedTuple):
    """A profile for the integer path: per clock (in CLOCKS order) its limit in seconds and
    at-risk threshold in microseconds, or the fixed outcome of a clock without a due time."""

    priority: int
    calendar: Calendar
    specs: tuple[str, str, str]  # the targets as the rules write them
    limits: tuple[int, int, int]
    at_risk: tuple[int, int, int]
    fixed: tuple[EpochClock | None, EpochClock | None, EpochClock | None]
    no_visit: EpochClock  # time on site when no engineer had to come
    waivers: tuple[str, ...]
    exceptions: tuple[str, ...]  # RowResult.exceptions of a row with these causes


class Clocks:
    """Judges the clocks of incidents under one contract as of one moment."""

    def __init__(self, rules: RuleSet, contract: EffectiveContract, as_of: datetime) -> None:
        settings = rules.settings
        self.mode: str = settings.priority_change
        self.share = Fraction(settings.at_risk_share)
        self.resolution_start: str = settings.resolution_clock_start
        self.as_of = as_of
        self._values = contract.values
        self._calendars = rules.calendar_rules()
        self._exceptions = rules.exception_rules()
        self._profiles: dict[tuple[int, tuple[str, ...]], _Profile] = {}
        for priority in (1, 2, 3, 4):  # a contract problem fails once, before any row
            self.profile(priority, ())
        self._plans: dict[tuple[int, tuple[str, ...]], ClockPlan] = {}
        self._as_of_s, self._as_of_us = divmod((as_of - _EPOCH) // timedelta(microseconds=1), _US)
        zones = {self.profile(priority, ()).calendar.zone for priority in (1, 2, 3, 4)}
        self.zone = next(iter(zones))
        # The integer path needs whole-second targets and one zone for every due time.
        self._plain = {priority: self.plan(priority, ()) for priority in (1, 2, 3, 4)}
        self.epoch_ready = len(zones) == 1 and all(
            not limit % _SECOND
            for priority in (1, 2, 3, 4)
            for limit in self.profile(priority, ()).limits.values()
        )

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

    def plan(self, priority: int, causes: tuple[str, ...]) -> ClockPlan:
        """`profile` for the integer path (epoch_ready must be true)."""
        key = (priority, causes)
        found = self._plans.get(key)
        if found is None:
            profile = self.profile(priority, causes)
            fixed: list[EpochClock | None] = []
            for name in CLOCKS:
                spec = profile.specs.get(name, NOT_APPLICABLE)
                if spec == NOT_APPLICABLE:
                    fixed.append((spec, priority, None, NOT_APPLICABLE_STATUS))
                elif spec == BEST_EFFORT or profile.waivers:
                    fixed.append((spec, priority, None, BEST_EFFORT_STATUS))
                else:
                    fixed.append(None)
            zero = timedelta(0)
            found = self._plans[key] = ClockPlan(
                priority,
                profile.calendar,
                _three(profile.specs.get(name, NOT_APPLICABLE) for name in CLOCKS),
                _three(profile.limits.get(name, zero) // _SECOND for name in CLOCKS),
                _three(profile.at_risk.get(name, zero) // _MICROSECOND for name in CLOCKS),
                (fixed[0], fixed[1], fixed[2]),
                (
                    profile.specs.get("time_on_site", NOT_APPLICABLE),
                    priority,
                    None,
                    NOT_APPLICABLE_STATUS,
                ),
                profile.waivers,
                tuple(sorted({*profile.waivers, *causes})),
            )
        return found

    def judge_epoch(
        self,
        priority: int,
        causes: tuple[str, ...],
        reported: int,
        first_response: int | None,
        resolved: int | None,
        on_site: int | None,
        visit: bool,
        pauses: tuple[tuple[int, int], ...] = (),
        history: tuple[tuple[int, int], ...] = (),
    ) -> tuple[EpochClock, EpochClock, EpochClock, ClockPlan]:
        """`judge` with every instant in epoch seconds: the three clocks and the final plan.

        `pauses` as written (they are merged here), `history` (at, priority) pairs as
        ParsedRow.history has them. Same results as `judge`, computed without datetimes.
        """
        final = self._plain[priority] if not causes else self.plan(priority, causes)
        if pauses:
            pauses = merge_pauses(pauses)
        if not pauses and not history:  # the common row, written out
            first = self._single(final, 0, reported, first_response)
        else:
            first = self._clock_epoch(
                0,
                self._epoch_pieces(priority, causes, history, reported, first_response),
                pauses,
                reported,
                first_response,
            )
        if self.resolution_start == "first_response" and first_response is not None:
            start = first_response
        elif self.resolution_start == "first_response" and first[2] is not None:
            start = first[2]
        else:
            start = reported
        if not pauses and not history:
            resolution = self._single(final, 1, start, resolved)
            if visit or on_site is not None:
                on_site_clock = self._single(final, 2, reported, on_site)
            else:
                on_site_clock = final.no_visit
            return first, resolution, on_site_clock, final
        resolution = self._clock_epoch(
            1,
            self._epoch_pieces(priority, causes, history, start, resolved),
            pauses,
            start,
            resolved,
        )
        if visit or on_site is not None:
            on_site_clock = self._clock_epoch(
                2,
                self._epoch_pieces(priority, causes, history, reported, on_site),
                pauses,
                reported,
                on_site,
            )
        else:
            on_site_clock = final.no_visit
        return first, resolution, on_site_clock, final

    def _single(self, plan: ClockPlan, index: int, start: int, actual: int | None) -> EpochClock:
        """One clock on one calendar without pauses: `_clock_epoch` for the common row."""
        fixed = plan.fixed[index]
        if fixed is not None:
            return fixed
        calendar, limit = plan.calendar, plan.limits[index]
        if actual is not None:
            due, used = due_and_used(start, limit, actual, calendar)
            return (plan.specs[index], plan.priority, due, MET if used <= limit else BREACHED)
        as_of, micro = self._as_of_s, self._as_of_us
        due, used = due_and_used(start, limit, as_of, calendar)
        used *= _US
        if micro:  # every bound is a whole second: time counts at one rate up to as_of + 1
            used += (elapsed_epoch(start, as_of + 1, calendar) * _US - used) // _US * micro
        return (plan.specs[index], plan.priority, due, self._open_status(plan, index, used))

    def _open_status(self, plan: ClockPlan, index: int, used_us: int) -> str:
        if used_us > plan.limits[index] * _US:
            return BREACHED
        if used_us >= plan.at_risk[index]:
            return AT_RISK
        return OPEN

    def _epoch_pieces(
        self,
        priority: int,
        causes: tuple[str, ...],
        history: tuple[tuple[int, int], ...],
        start: int,
        actual: int | None,
    ) -> list[tuple[int, ClockPlan]]:
        """`_pieces` in epoch seconds."""
        if not history:
            seen: Sequence[tuple[int, int]] = ()
            last = priority
        else:
            seen = [history[0], *(c for c in history[1:] if actual is None or c[0] < actual)]
            last = seen[-1][1]
        if self.mode == "recompute" or len(seen) < 2:
            return [(start, self.plan(last, causes))]
        pieces: list[tuple[int, ClockPlan]] = []
        for at, changed in seen:
            plan = self.plan(changed, causes)
            if at <= start:
                pieces = [(start, plan)]
            else:
                pieces.append((at, plan))
        return pieces

    def _clock_epoch(
        self,
        index: int,
        pieces: list[tuple[int, ClockPlan]],
        pauses: tuple[tuple[int, int], ...],
        start: int,
        actual: int | None,
    ) -> EpochClock:
        """`_judge` in epoch seconds."""
        plan = pieces[-1][1]
        fixed = plan.fixed[index]
        if fixed is not None:
            return fixed
        limit = plan.limits[index]
        due = _due_epoch(pieces, pauses, limit)
        spec = plan.specs[index]
        if actual is not None:
            met = _used_epoch(pieces, pauses, actual) <= limit
            return (spec, plan.priority, due, MET if met else BREACHED)
        # Every bound is a whole second, so time counts at one rate (0 or 1) from as_of_s to
        # as_of_s + 1: the microseconds of as_of add that rate times themselves.
        as_of, micro = self._as_of_s, self._as_of_us
        used = _used_epoch(pieces, pauses, as_of)
        rate = _used_epoch(pieces, pauses, as_of + 1) - used if micro else 0
        return (spec, plan.priority, due, self._open_status(plan, index, used * _US + rate * micro))

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
        # As in engine.incident.deadlines: zero open time cannot hold even a zero duration.
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


_T = TypeVar("_T")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _three(values: Iterable[_T]) -> tuple[_T, _T, _T]:
    first, second, third = values
    return first, second, third


def _paused_elapsed(
    calendar: Calendar, pauses: tuple[tuple[int, int], ...], start: int, end: int
) -> int:
    """PausedClock.elapsed in epoch seconds."""
    used = elapsed_epoch(start, end, calendar)
    for p_start, p_end in pauses:
        used -= elapsed_epoch(max(start, p_start), min(end, p_end), calendar)
    return used


def _paused_deadline(
    calendar: Calendar, pauses: tuple[tuple[int, int], ...], start: int, duration: int
) -> int:
    """PausedClock.deadline in epoch seconds."""
    remaining, cursor = duration, start
    for p_start, p_end in pauses:
        if p_end <= cursor:
            continue
        if p_start > cursor:
            available = elapsed_epoch(cursor, p_start, calendar)
            if available and available >= remaining:
                return deadline_epoch(cursor, remaining, calendar)
            remaining -= available
        cursor = p_end
    return deadline_epoch(cursor, remaining, calendar)


def _due_epoch(
    pieces: list[tuple[int, ClockPlan]], pauses: tuple[tuple[int, int], ...], limit: int
) -> int:
    """`_due` in epoch seconds."""
    remaining = limit
    for index in range(len(pieces) - 1):
        at, plan = pieces[index]
        available = _paused_elapsed(plan.calendar, pauses, at, pieces[index + 1][0])
        if available and available >= remaining:
            return _paused_deadline(plan.calendar, pauses, at, remaining)
        remaining -= available
    at, plan = pieces[-1]
    return _paused_deadline(plan.calendar, pauses, at, remaining)


def _used_epoch(
    pieces: list[tuple[int, ClockPlan]], pauses: tuple[tuple[int, int], ...], until: int
) -> int:
    """`_used` in epoch seconds."""
    used = 0
    for index, (at, plan) in enumerate(pieces):
        if at >= until:
            break
        end = pieces[index + 1][0] if index + 1 < len(pieces) else until
        used += _paused_elapsed(plan.calendar, pauses, at, min(end, until))
    return used
