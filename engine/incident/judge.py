"""The three clocks of incidents judged as of a moment: the one evaluation of an incident, for
one (`sla deadline`, N = 1) or a million rows (`sla evaluate`), over arrays.

- Each clock (first response, resolution, time on site) counts service time on its plan's
  service clock (engine.incident.plans), less the paused time: a deadline moves later by the
  paused service time, overlapping pauses count once (they are merged first).
- The first-response and time-on-site clocks count from the report; the resolution clock
  (D-4, setting `resolution_clock_start`) from the actual first response when known, else
  from the first-response due time (basis `projected`), else from the report (`reported`).
- Met or breached is decided by the service time used against the target, not by comparing
  instants (a reply at 17:30 to a deadline of 17:00 with no open time in between is met).
  A clock that has not stopped is, as of `as_of`, `breached` once the time used exceeds the
  target, `at_risk` once it reaches the share `at_risk_share` of it, else `open`.
- Time on site (§1.2.12) applies only when an engineer had to come (`visit`, or an arrival):
  otherwise it is `n/a`.
- Priority changes (docs/priority-changes.md): a clock sees the first entry of the history
  and the changes made before it stopped (a change at the very moment it stopped comes after
  it); the last one it sees decides its target and whether it is best effort. `recompute`:
  that priority's target counts from the clock's start on its calendar. `carry_over`: each
  stretch between changes counts on the calendar of the priority in force then, against the
  last priority's target; the due time is the instant the counted time reaches the target,
  which lies before the change when the old priority had used more.

Every instant is int64 microseconds since the epoch. The pieces of a clock (from when, on
which plan it counts) are (rows, pieces) arrays, walked one piece index at a time over the
rows that have that many, each piece on its own service clock.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from engine.clock.service_clock import Pauses, ServiceClock
from engine.incident.plans import BREACHED, COUNTED, MET, STATUSES, PlanBook

Ints = NDArray[np.int64]
Flags = NDArray[np.bool_]
CODES = {status: code for code, status in enumerate(STATUSES)}
_MET, _BREACHED, _AT_RISK, _OPEN = (CODES[s] for s in (MET, BREACHED, "at_risk", "open"))
NOT_APPLICABLE_CODE = CODES["n/a"]
FAILED = -2  # a plan the contract cannot give (PlanBook keeps the error)
BASES = ("actual", "projected", "reported")


class History(NamedTuple):
    """Priority histories: (rows, entries) times and priorities, `entries` per row (0:
    no change). The first entry is at the report; entries are in time order."""

    at: Ints
    priority: Ints
    entries: Ints

    @classmethod
    def none(cls, n: int) -> History:
        empty = np.zeros((n, 0), dtype=np.int64)
        return cls(empty, empty, np.zeros(n, dtype=np.int64))

    @classmethod
    def of(cls, rows: list[tuple[tuple[int, int], ...]]) -> History:
        """From each row's (at, priority) entries; a row of one entry has no change."""
        width = max(map(len, rows), default=0)
        at = np.zeros((len(rows), width), dtype=np.int64)
        priority = np.zeros((len(rows), width), dtype=np.int64)
        count = np.zeros(len(rows), dtype=np.int64)
        for i, row in enumerate(rows):
            if len(row) > 1:
                count[i] = len(row)
                for k, (moment, prio) in enumerate(row):
                    at[i, k], priority[i, k] = moment, prio
        return cls(at, priority, count)


class Incidents(NamedTuple):
    """Incidents as columns; times in epoch microseconds, `has_*` where the time is known."""

    priority: Ints  # the final priority, 1–4
    causes: Ints  # PlanBook cause number
    reported: Ints
    first: Ints
    has_first: Flags
    resolved: Ints
    has_resolved: Flags
    arrival: Ints
    has_arrival: Flags
    visit: Flags  # an engineer came or has to come on site
    pauses: Pauses  # merged and sorted
    history: History


class Judged(NamedTuple):
    """Per row and clock (CLOCKS order), (rows, 3): the plan that judged it, the due time,
    the status code, the service time used (until the clock stopped, else until as_of), and
    the instant it counts from; `basis` of the resolution clock (BASES index) per row;
    `failed` marks rows whose plan the contract cannot give (PlanBook says why)."""

    plan: Ints
    due: Ints
    has_due: Flags
    status: Ints
    used: Ints
    start: Ints
    basis: Ints
    failed: Flags


def judge(book: PlanBook, rows: Incidents, as_of: int, measure_all: bool = False) -> Judged:
    """The three clocks of each row as of `as_of`; `measure_all`: the time used also for
    clocks without a due time (best effort), as one incident's report shows it."""
    n = len(rows.priority)
    shape = (n, 3)
    out = Judged(
        np.zeros(shape, dtype=np.int64),
        np.zeros(shape, dtype=np.int64),
        np.zeros(shape, dtype=np.bool_),
        np.zeros(shape, dtype=np.int64),
        np.zeros(shape, dtype=np.int64),
        np.zeros(shape, dtype=np.int64),
        np.full(n, BASES.index("reported"), dtype=np.int64),
        np.zeros(n, dtype=np.bool_),
    )
    if n == 0:
        return out
    everyone = np.ones(n, dtype=np.bool_)
    _clock(
        book, rows, out, 0, rows.reported, rows.first, rows.has_first, everyone, as_of, measure_all
    )
    start = rows.reported
    if book.settings.resolution_clock_start == "first_response":
        projected = out.has_due[:, 0]
        start = np.where(rows.has_first, rows.first, np.where(projected, out.due[:, 0], start))
        out.basis[:] = np.where(rows.has_first, 0, np.where(projected, 1, 2))
    _clock(
        book, rows, out, 1, start, rows.resolved, rows.has_resolved, everyone, as_of, measure_all
    )
    needed = rows.visit | rows.has_arrival
    _clock(
        book,
        rows,
        out,
        2,
        rows.reported,
        rows.arrival,
        rows.has_arrival,
        needed,
        as_of,
        measure_all,
    )
    out.status[~needed, 2] = NOT_APPLICABLE_CODE
    return out


def _clock(
    book: PlanBook,
    rows: Incidents,
    out: Judged,
    k: int,
    start: Ints,
    actual: Ints,
    has_actual: Flags,
    needed: Flags,
    as_of: int,
    measure_all: bool,
) -> None:
    """Clock `k` of every row, written into `out`."""
    base = rows.causes * 4 - 1
    pieces_at, pieces_plan, count, plan = _pieces(book, rows, base, start, actual, has_actual)
    out.plan[:, k] = plan
    out.start[:, k] = start
    fixed = book.fixed[plan, k]
    out.failed[:] |= fixed == FAILED
    out.status[:, k] = np.maximum(fixed, 0)
    counted = np.flatnonzero((fixed == COUNTED) & needed)
    measured = counted
    if measure_all:
        measured = np.flatnonzero((fixed != FAILED) & needed)
    if not measured.size:
        return
    until = np.where(has_actual, actual, as_of)[measured]
    pauses = rows.pauses.take(measured)
    used = _used(book, pieces_at[measured], pieces_plan[measured], count[measured], pauses, until)
    out.used[measured, k] = used
    if not counted.size:
        return
    if measure_all:  # the counted rows among the measured ones
        used = used[np.isin(measured, counted)]
        pauses = rows.pauses.take(counted)
    limit = book.limits[plan[counted], k]
    out.due[counted, k] = _due(
        book, pieces_at[counted], pieces_plan[counted], count[counted], pauses, limit
    )
    out.has_due[counted, k] = True
    stopped = has_actual[counted]
    still = np.where(
        used > limit,
        _BREACHED,
        np.where(used >= book.at_risk_us[plan[counted], k], _AT_RISK, _OPEN),
    )
    out.status[counted, k] = np.where(stopped, np.where(used <= limit, _MET, _BREACHED), still)


def _pieces(
    book: PlanBook,
    rows: Incidents,
    base: Ints,
    start: Ints,
    actual: Ints,
    has_actual: Flags,
) -> tuple[Ints, Ints, Ints, Ints]:
    """From when and on which plan a clock counts: (rows, pieces) starts and plan numbers,
    the pieces per row, and the plan of the last change the clock sees (its target's)."""
    n = len(start)
    history = rows.history
    width = max(history.at.shape[1], 1)
    at = np.zeros((n, width), dtype=np.int64)
    plans = np.zeros((n, width), dtype=np.int64)
    at[:, 0] = start
    plans[:, 0] = base + rows.priority
    count = np.ones(n, dtype=np.int64)
    changed = np.flatnonzero(history.entries > 1)
    if not changed.size:
        return at, plans, count, plans[:, 0].copy()
    last = plans[:, 0].copy()
    carry_over = book.settings.priority_change == "carry_over"
    for e in range(history.at.shape[1]):
        r = changed[history.entries[changed] > e]
        when, plan = history.at[r, e], base[r] + history.priority[r, e]
        seen = (e == 0) | ~has_actual[r] | (when < actual[r])
        r, when, plan = r[seen], when[seen], plan[seen]
        last[r] = plan
        if not carry_over:
            continue
        early = when <= start[r]
        plans[r[early], 0] = plan[early]
        late = r[~early]
        at[late, count[late]] = when[~early]
        plans[late, count[late]] = plan[~early]
        count[late] += 1
    if not carry_over:
        plans[:, 0] = last
    return at, plans, count, last


def _groups(book: PlanBook, plans: Ints, rows: Ints) -> list[tuple[ServiceClock, Ints]]:
    """`rows` by the service clock of their plan."""
    clock_of = book.clock_of[plans[rows]]
    return [
        (clock, rows[clock_of == number])
        for number, clock in enumerate(book.clocks)
        if (clock_of == number).any()
    ]


def _used(book: PlanBook, at: Ints, plans: Ints, count: Ints, pauses: Pauses, until: Ints) -> Ints:
    """Service time counted over the pieces up to `until`."""
    used = np.zeros(len(until), dtype=np.int64)
    for p in range(at.shape[1]):
        rows = np.flatnonzero((count > p) & (at[:, p] < until))
        if not rows.size:
            break
        end = np.minimum(
            np.where(count[rows] > p + 1, at[rows, min(p + 1, at.shape[1] - 1)], until[rows]),
            until[rows],
        )
        for clock, group in _groups(book, plans[:, p], rows):
            where = np.searchsorted(rows, group)
            used[group] += clock.paused_elapsed(at[group, p], end[where], pauses.take(group))
    return used


def _due(book: PlanBook, at: Ints, plans: Ints, count: Ints, pauses: Pauses, limit: Ints) -> Ints:
    """The instant the time counted over the pieces reaches `limit`: before each change, the
    piece holds what remains only when its open time is not zero and at least that."""
    due = np.zeros(len(limit), dtype=np.int64)
    remaining = limit.copy()
    done = np.zeros(len(limit), dtype=np.bool_)
    for p in range(at.shape[1]):
        active = ~done & (count > p)
        last = np.flatnonzero(active & (count == p + 1))
        for clock, group in _groups(book, plans[:, p], last):
            due[group] = clock.paused_deadline(at[group, p], remaining[group], pauses.take(group))
        done[last] = True
        middle = np.flatnonzero(active & (count > p + 1))
        for clock, group in _groups(book, plans[:, p], middle):
            taken = pauses.take(group)
            available = clock.paused_elapsed(at[group, p], at[group, p + 1], taken)
            hit = (available > 0) & (available >= remaining[group])
            if hit.any():
                took = group[hit]
                due[took] = clock.paused_deadline(
                    at[took, p], remaining[took], taken.take(np.flatnonzero(hit))
                )
                done[took] = True
            remaining[group[~hit]] -= available[~hit]
    return due
