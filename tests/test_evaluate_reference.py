"""The one evaluation of an incident (engine.incident.judge) against a slow reference that
steps minute by minute (tests/reference_clock.py), with pauses and priority histories.

The reference counts a minute for a clock when the calendar of the priority in force in that
minute (carry_over; recompute: the last priority the clock sees) is open and no pause covers
it; the due time is the end of the minute in which the count reaches the target, met means
the count up to the stop is at most the target, and an open clock is at risk from 75 % of it.
Contract: advocatenkantoor-meijer (Advanced with evening and weekend service for PRIO 1 and
2), so a history mixes office hours and the wider calendar.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.clock.durations import parse_duration
from engine.contract.load import resolve_target
from engine.incident.deadlines import Incident
from engine.rules.ruleset import RuleSet
from tests.evaluation import Change, Clocks
from tests.reference_clock import MINUTE, ReferenceClock

AMS = ZoneInfo("Europe/Amsterdam")
MEIJER = "contracts/advocatenkantoor-meijer.yaml"
OFFICE, WIDER = ReferenceClock(with_aws=False), ReferenceClock(with_aws=True)
FIRST = datetime(2026, 10, 19, tzinfo=AMS).astimezone(UTC)  # a week before the autumn change


def calendar(priority: int) -> ReferenceClock:
    return WIDER if priority in (1, 2) else OFFICE


def reference(
    targets: dict[str, dict[str, str]],
    name: str,
    start: datetime,
    stop: datetime | None,
    changes: list[tuple[datetime, int]],
    pauses: list[tuple[datetime, datetime]],
    as_of: datetime,
    mode: str,
) -> tuple[int, datetime, str]:
    """(priority judging, due, status) of one counted clock, minute by minute."""
    seen = [changes[0], *(c for c in changes[1:] if stop is None or c[0] < stop)]
    last = seen[-1][1]
    limit = int(parse_duration(targets[f"P{last}"][name]).total_seconds()) // 60

    def counted(minute: datetime) -> bool:
        if any(a <= minute < b for a, b in pauses):
            return False
        in_force = last
        if mode == "carry_over":
            in_force = [p for at, p in seen if at <= minute][-1]
        return calendar(in_force).minute_is_open(minute)

    used = used_until = 0
    t, due = start, None
    until = stop if stop is not None else as_of
    while due is None or t < until:
        now = counted(t)
        used += now
        if now and used == limit and due is None:
            due = t + MINUTE
        used_until += now and t < until
        t += MINUTE
    assert due is not None
    if stop is not None:
        status = "met" if used_until <= limit else "breached"
    elif used_until > limit:
        status = "breached"
    elif used_until * 4 >= limit * 3:
        status = "at_risk"
    else:
        status = "open"
    return last, due, status


minutes = st.integers(min_value=0, max_value=9 * 24 * 60)


@st.composite
def cases(draw: st.DrawFn) -> tuple[Incident, list[Change], datetime, str]:
    reported = FIRST + timedelta(minutes=draw(minutes))
    first_priority = draw(st.integers(1, 3))
    changes = [(reported, first_priority)]
    for _ in range(draw(st.integers(0, 2))):
        at = changes[-1][0] + timedelta(minutes=draw(st.integers(1, 2 * 24 * 60)))
        changes.append((at, draw(st.integers(1, 3))))
    pauses = []
    for _ in range(draw(st.integers(0, 3))):
        begin = reported + timedelta(minutes=draw(st.integers(0, 3 * 24 * 60)))
        pauses.append((begin, begin + timedelta(minutes=draw(st.integers(0, 20 * 60)))))
    responded = None
    if draw(st.booleans()):
        responded = reported + timedelta(minutes=draw(st.integers(0, 3 * 24 * 60)))
    changes = [c for c in changes if responded is None or c[0] <= responded + timedelta(days=30)]
    as_of = reported + timedelta(minutes=draw(st.integers(0, 4 * 24 * 60)))
    incident = Incident(
        priority=changes[-1][1],
        reported=reported.astimezone(AMS),
        first_response=responded.astimezone(AMS) if responded else None,
        pauses=tuple((a.astimezone(AMS), b.astimezone(AMS)) for a, b in pauses),
    )
    history = [Change(at.astimezone(AMS), p) for at, p in changes] if len(changes) > 1 else []
    return incident, history, as_of, draw(st.sampled_from(["carry_over", "recompute"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_first_response_and_resolution_agree_with_the_minute_stepper(
    rules: RuleSet, case: tuple[Incident, list[Change], datetime, str]
) -> None:
    incident, history, as_of, mode = case
    contract = resolve_target(rules, MEIJER)
    judge = Clocks(rules, contract, as_of.astimezone(AMS))
    judge.mode = mode
    out = judge.judge(incident, history)
    targets = contract.values["targets"]
    changes = [(c.at.astimezone(UTC), c.priority) for c in history] or [
        (incident.reported.astimezone(UTC), incident.priority)
    ]
    pauses = [(a.astimezone(UTC), b.astimezone(UTC)) for a, b in incident.pauses]
    reported = incident.reported.astimezone(UTC)
    responded = incident.first_response.astimezone(UTC) if incident.first_response else None
    priority, due, status = reference(
        targets, "first_response", reported, responded, changes, pauses, as_of, mode
    )
    assert out.first_response.priority == priority
    assert out.first_response.due == due
    assert out.first_response.status == status
    start = responded if responded is not None else due  # D-4: actual, else projected
    priority, due, status = reference(
        targets, "resolution", start, None, changes, pauses, as_of, mode
    )
    assert out.resolution.priority == priority
    assert out.resolution.due == due
    assert out.resolution.status == status


@settings(max_examples=40, deadline=None)
@given(
    starts=st.lists(minutes, min_size=1, max_size=20),
    needs=st.lists(st.integers(0, 30 * 60), min_size=20, max_size=20),
    wider=st.booleans(),
)
def test_the_service_clock_over_arrays_agrees_with_the_minute_stepper(
    starts: list[int], needs: list[int], wider: bool
) -> None:
    """deadline = F⁻¹(F(a) + need) and elapsed = F(b) − F(a) for many rows at once."""
    import numpy as np

    from engine.clock.calendars import build_calendar
    from engine.clock.service_clock import ServiceClock
    from tests.reference_clock import rule

    extensions = [rule("avond-weekend")] if wider else []
    clock = ServiceClock(build_calendar(rule("kantooruren"), extensions))
    ref = WIDER if wider else OFFICE
    begin = [FIRST + timedelta(minutes=m) for m in starts]
    need = needs[: len(begin)]
    us = 60 * 1_000_000
    a = np.array([int(b.timestamp()) * 1_000_000 for b in begin])
    due = clock.deadline(a, np.array(need) * us)
    for b, n, got in zip(begin, need, due.tolist(), strict=True):
        assert got == int(ref.deadline(b, n).timestamp()) * 1_000_000
    end = a + np.array(need) // 2 * us
    used = clock.elapsed(a, end)
    for b, n, got in zip(begin, need, used.tolist(), strict=True):
        assert got == ref.elapsed_minutes(b, b + timedelta(minutes=n // 2)) * us
