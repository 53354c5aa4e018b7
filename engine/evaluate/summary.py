"""The totals of an evaluation: counts per priority and target, per month, breaches and costs.

A summary stays small whatever the number of rows (counters, Decimal totals and the first
`breach_list_limit` breaches), and two summaries of parts of one export add up to the summary
of the whole (`a + b`, the breach list kept in order up to its limit), so parts evaluated
apart (DuckDB, Spark, Polars batches) merge into one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from engine.incident.plans import BREACHED, MET

_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Breach:
    """A breached target, for the summary's list."""

    line: int
    ticket: str
    priority: int
    target: str  # first_response, resolution, time_on_site
    due: datetime | None


@dataclass(frozen=True)
class Summary:
    """The totals of a run: counts per priority and target, per month, breaches and costs."""

    rows_in: int
    rows_out: int
    rows_rejected: int
    statuses: dict[tuple[int, str], Counter[str]]  # (priority, clock) -> status -> count
    months: dict[tuple[str, int], tuple[int, int]]  # (YYYY-MM, priority) -> (met, breached)
    breaches: tuple[Breach, ...]
    breaches_total: int
    cost_total: Decimal
    cost_by_priority: dict[int, Decimal]
    priced: int
    not_priced: int  # rows with work that could not be priced
    no_work: int  # rows without minutes
    as_of: datetime
    breach_limit: int = field(default=1000, compare=False)

    def compliance(self, priority: int | None = None, clock: str | None = None) -> Decimal | None:
        """met / (met + breached) over the matching counts; None when there is neither."""
        met = breached = 0
        for (prio, name), counts in self.statuses.items():
            if (priority is None or prio == priority) and (clock is None or name == clock):
                met += counts[MET]
                breached += counts[BREACHED]
        return None if met + breached == 0 else Decimal(met) / Decimal(met + breached)

    def count(self, status: str, priority: int | None = None, clock: str | None = None) -> int:
        return sum(
            counts[status]
            for (prio, name), counts in self.statuses.items()
            if (priority is None or prio == priority) and (clock is None or name == clock)
        )

    def __add__(self, other: Summary) -> Summary:
        """The summary of both parts: `self` holds the rows before `other`'s."""
        if not isinstance(other, Summary):
            return NotImplemented
        statuses = {key: Counter(counts) for key, counts in self.statuses.items()}
        for key, counts in other.statuses.items():
            statuses.setdefault(key, Counter()).update(counts)
        months = dict(self.months)
        for month, (met, breached) in other.months.items():
            was = months.get(month, (0, 0))
            months[month] = (was[0] + met, was[1] + breached)
        by_priority = dict(self.cost_by_priority)
        for prio, cost in other.cost_by_priority.items():
            by_priority[prio] = by_priority.get(prio, _ZERO) + cost
        limit = min(self.breach_limit, other.breach_limit)
        return replace(
            self,
            rows_in=self.rows_in + other.rows_in,
            rows_out=self.rows_out + other.rows_out,
            rows_rejected=self.rows_rejected + other.rows_rejected,
            statuses=statuses,
            months=months,
            breaches=(self.breaches + other.breaches)[:limit],
            breaches_total=self.breaches_total + other.breaches_total,
            cost_total=self.cost_total + other.cost_total,
            cost_by_priority=by_priority,
            priced=self.priced + other.priced,
            not_priced=self.not_priced + other.not_priced,
            no_work=self.no_work + other.no_work,
            breach_limit=limit,
        )

    @classmethod
    def empty(cls, as_of: datetime, breach_limit: int) -> Summary:
        return cls(0, 0, 0, {}, {}, (), 0, _ZERO, {}, 0, 0, 0, as_of, breach_limit)


@dataclass
class SummaryBuilder:
    """Accumulates counts of evaluated and rejected rows into a `Summary`."""

    breach_limit: int
    as_of: datetime
    rows_out: int = 0
    rows_rejected: int = 0
    statuses: dict[tuple[int, str], Counter[str]] = field(default_factory=dict)
    months: dict[tuple[str, int], list[int]] = field(default_factory=dict)
    breaches: list[Breach] = field(default_factory=list)
    breaches_total: int = 0
    cost_total: Decimal = _ZERO
    cost_by_priority: dict[int, Decimal] = field(default_factory=dict)
    priced: int = 0
    not_priced: int = 0
    no_work: int = 0

    @property
    def listing(self) -> bool:
        """Whether the breach list has room."""
        return len(self.breaches) < self.breach_limit

    def status(self, priority: int, clock: str, status: str, count: int) -> None:
        self.statuses.setdefault((priority, clock), Counter())[status] += count

    def month(self, month: str, priority: int, met: int, breached: int) -> None:
        counts = self.months.setdefault((month, priority), [0, 0])
        counts[0] += met
        counts[1] += breached

    def breach(self, breach: Breach) -> None:
        if len(self.breaches) < self.breach_limit:
            self.breaches.append(breach)

    def cost(self, priority: int, cost: Decimal | None, note: str | None, count: int) -> None:
        if cost is not None:
            self.priced += count
            total = cost * count
            self.cost_total += total
            self.cost_by_priority[priority] = self.cost_by_priority.get(priority, _ZERO) + total
        elif note is not None:
            self.not_priced += count
        else:
            self.no_work += count

    def reject(self) -> None:
        self.rows_rejected += 1

    def summary(self) -> Summary:
        return Summary(
            rows_in=self.rows_out + self.rows_rejected,
            rows_out=self.rows_out,
            rows_rejected=self.rows_rejected,
            statuses={key: Counter(counts) for key, counts in self.statuses.items()},
            months={key: (met, breached) for key, (met, breached) in self.months.items()},
            breaches=tuple(self.breaches),
            breaches_total=self.breaches_total,
            cost_total=self.cost_total,
            cost_by_priority=dict(self.cost_by_priority),
            priced=self.priced,
            not_priced=self.not_priced,
            no_work=self.no_work,
            as_of=self.as_of,
            breach_limit=self.breach_limit,
        )
