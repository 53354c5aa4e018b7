"""Clocks of many rows as arrays: due times and statuses worked out by hand, and the same as the
row-by-row clocks on a sweep of rows.

Calendar facts (Europe/Amsterdam, November 2026, no public holidays): Mon 23 Nov … Fri 27 Nov,
Sat 28, Sun 29. Office hours Mon–Fri 09–17. Contract advocatenkantoor-meijer (Advanced, aws
add-on): P3 first response 8h on office hours.
"""

from __future__ import annotations

import random

import numpy as np

from engine.clock.calendars import build_calendar
from engine.clock.times import parse_time
from engine.contract.load import resolve_target
from engine.incident.clocks import Clocks
from engine.incident.deadlines import merge_pauses
from engine.incident.vector_clocks import CODES, Intervals, Pauses, PlanTable, VectorClocks
from engine.rules.ruleset import RuleSet


def s(text: str) -> int:
    return int(parse_time(text).timestamp())


def test_positions_count_open_seconds_and_skip_closed_time(rules: RuleSet) -> None:
    office = Intervals(build_calendar(rules.calendar_rules()["kantooruren"]))
    office.cover(s("2026-11-23T00:00"), s("2026-11-30T00:00"))
    mon_9, mon_17, tue_9 = s("2026-11-23T09:00"), s("2026-11-23T17:00"), s("2026-11-24T09:00")
    at = office.position(np.array([mon_9, mon_9 + 60, mon_17, s("2026-11-23T20:00"), tue_9]))
    assert (at - at[0]).tolist() == [0, 60, 8 * 3600, 8 * 3600, 8 * 3600]
    is_open, known = office.is_open(np.array([mon_9, mon_17 - 1, mon_17, s("2026-11-28T12:00")]))
    assert is_open.tolist() == [True, True, False, False] and known.all()


def by_clock(plan: np.ndarray) -> np.ndarray:
    """The plan of each row for each of its three clocks (a row without priority history)."""
    return np.repeat(plan[:, None], 3, axis=1)


def test_due_at_closing_and_a_start_outside_hours_counts_from_the_next_opening(
    rules: RuleSet,
) -> None:
    contract = resolve_target(rules, "contracts/advocatenkantoor-meijer.yaml")
    clocks = Clocks(rules, contract, parse_time("2026-11-30T09:00"))
    table = PlanTable([clocks.plan(priority, ()) for priority in (1, 2, 3, 4)])
    none = np.zeros(2, dtype=np.int64)
    no = np.zeros(2, dtype=np.bool_)
    # P3, reported Mon 09:00 (8h: due Mon 17:00, not Tue 09:00) and Sat 12:00 (from Mon 09:00)
    reported = np.array([s("2026-11-23T09:00"), s("2026-11-28T12:00")])
    first = np.array([s("2026-11-23T17:00"), s("2026-11-30T08:00")])
    due, has_due, status, ok = VectorClocks(clocks).judge(
        table, np.full((2, 3), 2), reported, first, ~no, none, no, none, no, no
    )
    assert ok.all() and has_due[:, 0].all()
    assert due[:, 0].tolist() == [s("2026-11-23T17:00"), s("2026-11-30T17:00")]
    assert status[:, 0].tolist() == [CODES["met"], CODES["met"]]
    assert status[:, 2].tolist() == [CODES["n/a"], CODES["n/a"]]  # no visit


def _random_rows(rng: random.Random, n: int) -> tuple[np.ndarray, ...]:
    """Rows reported in November 2026 on a random priority (plan 0-3); `later` a random
    moment up to five days on, the first response and on-site arrival where `has`, and the
    resolution ten minutes after it; `visit` where an engineer had to come."""
    base = s("2026-11-01T00:00")
    reported = np.array([base + rng.randrange(40 * 86_400) for _ in range(n)])
    plan = np.array([rng.randrange(4) for _ in range(n)])
    later = reported + np.array([rng.randrange(5 * 86_400) for _ in range(n)])
    has = np.array([rng.random() < 0.5 for _ in range(n)])
    visit = np.array([rng.random() < 0.3 for _ in range(n)])
    return reported, plan, later, has, visit


def _assert_as_judge_epoch(
    clocks: Clocks,
    judged: tuple[np.ndarray, np.ndarray, np.ndarray],
    reported: np.ndarray,
    plan: np.ndarray,
    later: np.ndarray,
    has: np.ndarray,
    visit: np.ndarray,
    written: list[list[tuple[int, int]]] | None = None,
) -> None:
    """Each row's due times and statuses as Clocks.judge_epoch gives them, row by row."""
    due, has_due, status = judged
    for i in range(len(reported)):
        got = has[i]
        expected = clocks.judge_epoch(
            int(plan[i]) + 1,
            (),
            int(reported[i]),
            int(later[i]) if got else None,
            int(later[i]) + 600 if got else None,
            int(later[i]) if got and visit[i] else None,
            bool(visit[i]),
            tuple(written[i]) if written is not None else (),
        )
        for k in range(3):
            want = expected[k]
            assert (int(due[i, k]) if has_due[i, k] else None) == want[2]
            assert status[i, k] == CODES[want[3]]


def test_the_same_clocks_as_row_by_row(rules: RuleSet) -> None:
    contract = resolve_target(rules, "advanced")
    clocks = Clocks(rules, contract, parse_time("2026-12-01T09:00:00.5+01:00"))
    table = PlanTable([clocks.plan(priority, ()) for priority in (1, 2, 3, 4)])
    rng = random.Random(7)
    n = 3000
    reported, plan, later, has, visit = _random_rows(rng, n)
    due, has_due, status, ok = VectorClocks(clocks).judge(
        table, by_clock(plan), reported, later, has, later + 600, has, later, has & visit, visit
    )
    assert ok.all()
    _assert_as_judge_epoch(clocks, (due, has_due, status), reported, plan, later, has, visit)


def test_pauses_leave_their_open_time_out_of_the_count(rules: RuleSet) -> None:
    """P3 first response 8h on office hours (Mon–Fri 09–17), reported Mon 23 Nov 09:00
    unless said otherwise; due Mon 17:00 without pauses."""
    contract = resolve_target(rules, "contracts/advocatenkantoor-meijer.yaml")
    clocks = Clocks(rules, contract, parse_time("2026-11-30T09:00"))
    table = PlanTable([clocks.plan(priority, ()) for priority in (1, 2, 3, 4)])
    mon_9 = s("2026-11-23T09:00")
    rows = [
        # (reported, pauses, first response)
        (mon_9, [("2026-11-23T11:00", "2026-11-23T14:00")], "2026-11-24T11:30"),  # 3h paused
        (mon_9, [("2026-11-23T20:00", "2026-11-24T07:00")], "2026-11-24T09:30"),  # at night
        (mon_9, [("2026-11-22T12:00", "2026-11-24T10:00")], "2026-11-25T10:00"),  # before, over
        (
            mon_9,
            [("2026-11-23T10:00", "2026-11-23T12:00"), ("2026-11-23T11:00", "2026-11-23T13:00")],
            "2026-11-24T12:01",
        ),  # overlapping: 10–13 once
        # Sat 12:00, paused Sun 10:00–Mon 10:00: no open time before the pause to hold it
        (s("2026-11-28T12:00"), [("2026-11-29T10:00", "2026-11-30T10:00")], "2026-11-30T09:00"),
    ]
    width = 2
    starts = np.zeros((len(rows), width), dtype=np.int64)
    ends = np.zeros((len(rows), width), dtype=np.int64)
    count = np.zeros(len(rows), dtype=np.int64)
    for i, (_, pauses, _) in enumerate(rows):
        merged = sorted((s(a), s(b)) for a, b in pauses)
        if len(merged) == 2:  # merged by hand: 10:00–13:00
            merged = [(merged[0][0], merged[1][1])]
        count[i] = len(merged)
        for p, (a, b) in enumerate(merged):
            starts[i, p], ends[i, p] = a, b
    reported = np.array([row[0] for row in rows])
    first = np.array([s(row[2]) for row in rows])
    none = np.zeros(len(rows), dtype=np.int64)
    no = np.zeros(len(rows), dtype=np.bool_)
    due, _, status, ok = VectorClocks(clocks).judge(
        table,
        np.full((len(rows), 3), 2),
        reported,
        first,
        ~no,
        none,
        no,
        none,
        no,
        no,
        Pauses(starts, ends, count),
    )
    assert ok.all()
    assert due[:, 0].tolist() == [
        s("2026-11-24T12:00"),
        s("2026-11-23T17:00"),
        s("2026-11-25T10:00"),
        s("2026-11-24T12:00"),
        s("2026-12-01T10:00"),
    ]
    met, breached = CODES["met"], CODES["breached"]
    assert status[:, 0].tolist() == [met, breached, met, breached, met]


def test_the_same_paused_clocks_as_row_by_row(rules: RuleSet) -> None:
    """Rows with one or two pauses (overlapping open hours, at night, from before the report to
    after the due time, overlapping each other), open and closed, as judge_epoch judges them."""
    contract = resolve_target(rules, "advanced")
    clocks = Clocks(rules, contract, parse_time("2026-11-20T09:00:00.5+01:00"))
    table = PlanTable([clocks.plan(priority, ()) for priority in (1, 2, 3, 4)])
    rng = random.Random(11)
    n = 3000
    reported, plan, later, has, visit = _random_rows(rng, n)
    written: list[list[tuple[int, int]]] = []
    for i in range(n):
        pauses = []
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            start = int(reported[i]) + rng.randrange(-86_400, 4 * 86_400)
            pauses.append((start, start + rng.choice((0, 60, 3600, 4 * 3600, 86_400, 9 * 86_400))))
        written.append(pauses)
    merged = [merge_pauses(pauses) for pauses in written]
    width = max(map(len, merged))
    starts = np.zeros((n, width), dtype=np.int64)
    ends = np.zeros((n, width), dtype=np.int64)
    for i, pauses in enumerate(merged):
        for p, (a, b) in enumerate(pauses):
            starts[i, p], ends[i, p] = a, b
    count = np.array([len(pauses) for pauses in merged])
    due, has_due, status, ok = VectorClocks(clocks).judge(
        table,
        by_clock(plan),
        reported,
        later,
        has,
        later + 600,
        has,
        later,
        has & visit,
        visit,
        Pauses(starts, ends, count),
    )
    assert ok.all() and (count == 2).sum() > 500 and (count == 3).sum() > 100
    _assert_as_judge_epoch(
        clocks, (due, has_due, status), reported, plan, later, has, visit, written
    )
    assert {int(c) for c in status[:, 0]} >= {CODES[x] for x in ("met", "breached", "open")}
