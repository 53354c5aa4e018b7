"""Evaluate a stream of export rows: one outcome per row, and a summary that stays small.

- Every row read is either evaluated or rejected, never dropped: rows in = rows out + rows
  rejected, and the summary says so.
- A row's cost is the total of `engine.pricing.quote` for its work; a row without minutes has
  no cost, and a row that cannot be priced (a cause that is not supported, a start with no
  service hours, a rate the rules do not set) keeps its deadlines, gets no cost and a note.
  Quotes are cached by the facts that decide them (priority, minutes, work kind, on site,
  travel, causes and the service window the start falls in), so a million rows price a few
  hundred distinct calls.
- The summary holds counters, Decimal totals and the first `breach_list_limit` breaches
  (rules/evaluation.yaml), whatever the number of rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from engine.clock.business_time import Calendar, is_open, is_open_epoch
from engine.clock.times import DEFAULT_ZONE
from engine.contract.merge import EffectiveContract
from engine.errors import Location, Problem, SlaError
from engine.evaluate.rows import EpochWork, ParsedRow, RowError
from engine.incident.clocks import BREACHED, CLOCKS, MET, ClockOutcome, Clocks, EpochClock, Outcome
from engine.pricing.money import as_decimal_string
from engine.pricing.quote import Work, quote
from engine.pricing.service_windows import (
    EVENING_WEEKEND,
    OFFICE_HOURS,
    NoService,
    service_calendars,
    service_window,
)
from engine.rules.ruleset import RuleSet

_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class RowResult:
    """What became of one row."""

    line: int
    ticket: str
    priority: int
    reported: datetime
    outcome: Outcome
    cost: Decimal | None  # None: nothing to price (no minutes) or not priceable (see note)
    note: str | None
    exceptions: tuple[str, ...]

    def clock(self, name: str) -> ClockOutcome:
        found: ClockOutcome = getattr(self.outcome, name)
        return found


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


@dataclass
class SummaryBuilder:
    """Accumulates row results and rejections into a `Summary`; memory stays bounded."""

    breach_limit: int
    as_of: datetime
    zone: ZoneInfo = DEFAULT_ZONE  # months are counted in this zone
    rows_out: int = 0
    rows_rejected: int = 0
    statuses: dict[tuple[int, str], Counter[str]] = field(default_factory=dict)
    months: dict[tuple[int, int, int], list[int]] = field(default_factory=dict)
    breaches: list[Breach] = field(default_factory=list)
    breaches_total: int = 0
    cost_total: Decimal = _ZERO
    cost_by_priority: dict[int, Decimal] = field(default_factory=dict)
    priced: int = 0
    not_priced: int = 0
    no_work: int = 0
    # Rows added by add_epoch, counted by what decides their counts (month, priorities and
    # statuses) and spread over `statuses` and `months` by summary().
    tally: dict[tuple[str, int, int, str, int, str, int, str], int] = field(default_factory=dict)

    def add_epoch(
        self,
        line: int,
        ticket: str,
        priority: int,
        month: str,
        clocks: tuple[EpochClock, EpochClock, EpochClock],
        zone: ZoneInfo,
        cost: Decimal | None,
        note: str | None,
    ) -> None:
        """`add` for a row judged in epoch seconds: `month` is `YYYY-MM` of the report in
        this builder's zone, `zone` the one due times are given in."""
        self.rows_out += 1
        first, resolution, on_site = clocks
        key = (
            month,
            priority,
            first[1],
            first[3],
            resolution[1],
            resolution[3],
            on_site[1],
            on_site[3],
        )
        tally = self.tally
        tally[key] = tally.get(key, 0) + 1
        if BREACHED in (first[3], resolution[3], on_site[3]):
            for name, clock in zip(CLOCKS, clocks, strict=True):
                if clock[3] == BREACHED:
                    self.breaches_total += 1
                    if len(self.breaches) < self.breach_limit:
                        due = clock[2]
                        when = None if due is None else datetime.fromtimestamp(due, zone)
                        self.breaches.append(Breach(line, ticket, clock[1], name, when))
        if cost is not None:
            self.priced += 1
            self.cost_total += cost
            self.cost_by_priority[priority] = self.cost_by_priority.get(priority, _ZERO) + cost
        elif note is not None:
            self.not_priced += 1
        else:
            self.no_work += 1

    def list_breach(self, line: int, ticket: str, priority: int, name: str, due: datetime) -> None:
        """A breach for the list only (add_counts counts it): while the list has room."""
        if len(self.breaches) < self.breach_limit:
            self.breaches.append(Breach(line, ticket, priority, name, due))

    def add_counts(
        self,
        rows: int,
        tally: Iterable[tuple[tuple[str, int, int, str, int, str, int, str], int]],
        breaches: int,
        costs: Iterable[tuple[int, Decimal | None, str | None, int]],
    ) -> None:
        """What add_epoch adds for many rows at once: their number, their counts by what
        decides them (add_epoch's tally keys), their breaches (listed by list_breach) and their
        costs as (priority, cost, note, number of rows) groups."""
        self.rows_out += rows
        for key, count in tally:
            self.tally[key] = self.tally.get(key, 0) + count
        self.breaches_total += breaches
        for priority, cost, note, count in costs:
            if cost is not None:
                self.priced += count
                total = cost * count
                self.cost_total += total
                self.cost_by_priority[priority] = self.cost_by_priority.get(priority, _ZERO) + total
            elif note is not None:
                self.not_priced += count
            else:
                self.no_work += count

    def add(self, result: RowResult) -> None:
        self.rows_out += 1
        reported = result.reported
        if reported.tzinfo is not self.zone:
            reported = reported.astimezone(self.zone)
        key = (reported.year, reported.month, result.priority)
        month = self.months.get(key)
        if month is None:
            month = self.months[key] = [0, 0]
        outcome = result.outcome
        for name, clock in zip(
            CLOCKS, (outcome.first_response, outcome.resolution, outcome.time_on_site), strict=True
        ):
            counts = self.statuses.get((clock.priority, name))
            if counts is None:
                counts = self.statuses[(clock.priority, name)] = Counter()
            counts[clock.status] += 1
            if clock.status == MET:
                month[0] += 1
            elif clock.status == BREACHED:
                month[1] += 1
                self.breaches_total += 1
                if len(self.breaches) < self.breach_limit:
                    self.breaches.append(
                        Breach(result.line, result.ticket, clock.priority, name, clock.due)
                    )
        if result.cost is not None:
            self.priced += 1
            self.cost_total += result.cost
            self.cost_by_priority[result.priority] = (
                self.cost_by_priority.get(result.priority, _ZERO) + result.cost
            )
        elif result.note is not None:
            self.not_priced += 1
        else:
            self.no_work += 1

    def reject(self) -> None:
        self.rows_rejected += 1

    def summary(self) -> Summary:
        statuses = {key: Counter(counts) for key, counts in self.statuses.items()}
        months = {key: list(counts) for key, counts in self.months.items()}
        for (month, priority, p1, s1, p2, s2, p3, s3), count in self.tally.items():
            counts = months.setdefault((int(month[:4]), int(month[5:7]), priority), [0, 0])
            for name, prio, status in zip(CLOCKS, (p1, p2, p3), (s1, s2, s3), strict=True):
                statuses.setdefault((prio, name), Counter())[status] += count
                if status == MET:
                    counts[0] += count
                elif status == BREACHED:
                    counts[1] += count
        return Summary(
            rows_in=self.rows_out + self.rows_rejected,
            rows_out=self.rows_out,
            rows_rejected=self.rows_rejected,
            statuses=statuses,
            months={
                (f"{year:04d}-{month:02d}", prio): (met, breached)
                for (year, month, prio), (met, breached) in months.items()
            },
            breaches=tuple(self.breaches),
            breaches_total=self.breaches_total,
            cost_total=self.cost_total,
            cost_by_priority=dict(self.cost_by_priority),
            priced=self.priced,
            not_priced=self.not_priced,
            no_work=self.no_work,
            as_of=self.as_of,
        )


class Evaluator:
    """Evaluates parsed rows under one contract as of one moment."""

    def __init__(self, rules: RuleSet, contract: EffectiveContract, as_of: datetime) -> None:
        self.rules = rules
        self.contract = contract
        self.clocks = Clocks(rules, contract, as_of)
        self._quotes: dict[tuple[object, ...], tuple[Decimal | None, str | None]] = {}
        self._priced: dict[tuple[object, ...], tuple[Decimal | None, str | None, str]] = {}
        # The calendars engine.pricing.service_windows.service_window asks, built once: it
        # rebuilds them per call, which costs more than the rest of a row (a test keeps the two
        # in step).
        (self._office_id, self._office), (self._evening_id, self._evening) = service_calendars(
            rules, contract
        )

    @property
    def window_calendars(self) -> tuple[Calendar, Calendar]:
        """The office-hours and evening/weekend calendars that decide a call's window."""
        return self._office, self._evening

    @property
    def window_ids(self) -> tuple[str, str]:
        """The ids of window_calendars, as NoService's message names them."""
        return self._office_id, self._evening_id

    def known_cost(
        self, key: tuple[str, int, int, str, bool, int, tuple[str, ...]]
    ) -> tuple[Decimal | None, str | None, str] | None:
        """What cost_epoch gives a call whose start falls in an open window, when its deciding
        facts (window, priority, minutes, kind, on site, travel, causes) were priced before."""
        return self._priced.get(key)

    def _window(self, moment: datetime) -> str | None:
        """OFFICE_HOURS or EVENING_WEEKEND at `moment`, as service_window says; None: neither."""
        if is_open(moment, self._office):
            return OFFICE_HOURS
        if is_open(moment, self._evening):
            return EVENING_WEEKEND
        return None

    def evaluate(self, row: ParsedRow) -> RowResult:
        incident = row.incident
        outcome = self.clocks.judge(incident, row.history, row.visit)
        cost, note = self._cost(row.work) if row.work is not None else (None, None)
        exceptions = tuple(sorted({*outcome.waivers, *incident.causes}))
        return RowResult(
            row.line,
            incident.ticket or "",
            incident.priority,
            incident.reported,
            outcome,
            cost,
            note,
            exceptions,
        )

    def cost_epoch(
        self,
        priority: int,
        causes: tuple[str, ...],
        work: EpochWork,
        start: int,
        ticket: str,
        zone: ZoneInfo,
    ) -> tuple[Decimal | None, str | None, str]:
        """`_cost` of a row read in epoch seconds (`start` of the work, a local time in
        `zone`), with the cost as the output writes it ("" for none)."""
        minutes, kind, on_site, travel = work
        if is_open_epoch(start, self._office):
            window = OFFICE_HOURS
        elif is_open_epoch(start, self._evening):
            window = EVENING_WEEKEND
        else:
            return self._priced_now(self._work(priority, causes, work, start, ticket, zone))
        key = (window, priority, minutes, kind, on_site, travel, causes)
        found = self._priced.get(key)
        if found is None:
            found = self._priced_now(self._work(priority, causes, work, start, ticket, zone))
            if key in self._quotes:  # what _cost keeps, so the same rows are quoted afresh
                self._priced[key] = found
        return found

    def _priced_now(self, work: Work) -> tuple[Decimal | None, str | None, str]:
        """`_cost` of `work`, with the cost as the output writes it ("" for none)."""
        cost, note = self._cost(work)
        return cost, note, "" if cost is None else as_decimal_string(cost)

    @staticmethod
    def _work(
        priority: int,
        causes: tuple[str, ...],
        work: EpochWork,
        start: int,
        ticket: str,
        zone: ZoneInfo,
    ) -> Work:
        minutes, kind, on_site, travel = work
        moment = datetime.fromtimestamp(start, zone)
        return Work(priority, moment, minutes, kind, on_site, travel, causes, ticket)

    def _cost(self, work: Work) -> tuple[Decimal | None, str | None]:
        window = self._window(work.start)
        if window is None:
            try:  # no service at the start: pricing says so, and when service resumes
                window = service_window(self.rules, self.contract, work.start).kind
            except NoService as error:
                return None, error.problems[0].message
        key = (
            window,
            work.priority,
            work.minutes,
            work.kind,
            work.on_site,
            work.travel_minutes,
            work.causes,
        )
        found = self._quotes.get(key)
        if found is None:
            try:
                found = (quote(self.rules, self.contract, work).total, None)
            except SlaError as error:
                found = (None, error.problems[0].message)
            if len(self._quotes) < 100_000:
                self._quotes[key] = found
        return found


def run(
    rows: Iterable[ParsedRow | RowError],
    evaluator: Evaluator,
    summary: SummaryBuilder,
    on_reject: Callable[[Problem], None],
) -> Iterator[RowResult]:
    """Evaluate each row, yielding its result; a rejected row is reported and counted."""
    for row in rows:
        if isinstance(row, RowError):
            summary.reject()
            for problem in row.problems:
                on_reject(problem)
            continue
        try:
            result = evaluator.evaluate(row)
        except SlaError as error:
            summary.reject()
            for problem in error.problems:
                on_reject(_at_row(problem, row))
            continue
        summary.add(result)
        yield result


def _at_row(problem: Problem, row: ParsedRow) -> Problem:
    """A problem found while evaluating a row, placed at that row."""
    if problem.location.line is not None:
        return problem
    where = Location(row.file, row.line, path=problem.location.path)
    return Problem(problem.message, where)
