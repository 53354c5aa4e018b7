"""Test helpers: one incident judged by engine.incident.judge (N = 1), and rows evaluated
through the public batch API, with results as plain values to compare with hand-worked ones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pyarrow as pa

from engine.clock.service_clock import Pauses
from engine.contract.merge import EffectiveContract
from engine.errors import Problem
from engine.evaluate.batches import evaluate_batches
from engine.evaluate.rows import COLUMNS, Change
from engine.evaluate.summary import Summary
from engine.incident.judge import History, Incidents, judge
from engine.incident.model import Incident, merge_pauses
from engine.incident.plans import CLOCKS, STATUSES, JudgeSettings, PlanBook
from engine.rules.ruleset import RuleSet

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)


def micros(moment: datetime) -> int:
    return (moment - _EPOCH) // _US


@dataclass(frozen=True)
class ClockOutcome:
    target: str
    priority: int
    due: datetime | None
    status: str


@dataclass(frozen=True)
class Outcome:
    first_response: ClockOutcome
    resolution: ClockOutcome
    time_on_site: ClockOutcome
    waivers: tuple[str, ...]


class Clocks:
    """The clocks of single incidents under one contract as of one moment."""

    def __init__(self, rules: RuleSet, contract: EffectiveContract, as_of: datetime) -> None:
        self.settings = JudgeSettings.of(rules.settings)
        self.mode = self.settings.priority_change
        self.rules, self.contract, self.as_of = rules, contract, as_of

    def judge(
        self, incident: Incident, history: Sequence[Change] = (), visit: bool = True
    ) -> Outcome:
        settings = JudgeSettings(
            self.settings.resolution_clock_start, self.mode, self.settings.at_risk_share
        )
        book = PlanBook(
            self.contract.values,
            self.rules.calendar_rules(),
            self.rules.exception_rules(),
            settings,
        )
        causes = book.cause_number(tuple(incident.causes))
        stops = (incident.first_response, incident.resolved, incident.on_site)
        one = Incidents(
            np.array([incident.priority]),
            np.array([causes]),
            np.array([micros(incident.reported)]),
            *[
                part
                for moment in stops
                for part in (
                    np.array([micros(moment) if moment else 0]),
                    np.array([moment is not None]),
                )
            ],
            np.array([visit]),
            Pauses.of([tuple((micros(a), micros(b)) for a, b in merge_pauses(incident.pauses))]),
            History.of([tuple((micros(c.at), c.priority) for c in history)]),
        )
        judged = judge(book, one, micros(self.as_of))
        clocks = []
        for k in range(3):
            plan = book.plan(int(judged.plan[0, k]))
            zone = book.clocks[plan.clock].calendar.zone
            due = None
            if judged.has_due[0, k]:
                due = datetime.fromtimestamp(int(judged.due[0, k]) // 1_000_000, zone)
            clocks.append(
                ClockOutcome(plan.specs[k], plan.priority, due, STATUSES[int(judged.status[0, k])])
            )
        final = book.plan(causes * 4 + incident.priority - 1)
        return Outcome(clocks[0], clocks[1], clocks[2], final.waivers)


def evaluate_rows(
    rules: RuleSet,
    contract: EffectiveContract,
    rows: Sequence[dict[str, Any]],
    as_of: datetime,
    batch_size: int = 1000,
) -> tuple[list[dict[str, Any]], Summary, list[Problem]]:
    """Rows (dicts of native columns) through evaluate_batches: the results as dicts, the
    summary and the rejections."""
    names = [name for name in COLUMNS if any(name in row for row in rows)]
    batches = [
        pa.RecordBatch.from_pylist(
            [{name: row.get(name) for name in names} for row in rows[i : i + batch_size]]
        )
        for i in range(0, len(rows), batch_size)
    ]
    problems: list[Problem] = []
    run = evaluate_batches(rules, contract, batches, as_of, on_reject=problems.append)
    results = [row for batch in run for row in batch.to_pylist()]
    return results, run.summary, problems


__all__ = ["CLOCKS", "Change", "ClockOutcome", "Clocks", "Outcome", "evaluate_rows", "micros"]
