"""What each priority means under one contract: a `Plan` per (priority, causes), numbered.

A plan holds, for the three clocks (first response, resolution, time on site), the target as
the rules write it, its limit and at-risk threshold in microseconds, or the fixed status of a
clock without a due time (`n/a`: no such target; `best_effort`: no deadline, or an exception
rule made every target best effort), and the service clock (calendar) it counts on: the
contract's calendar, widened by the evening and weekend calendar when the contract has that
add-on for the priority. `PlanBook` numbers plans and keeps their arrays for the clocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

from engine.clock.service_clock import US, ServiceClock
from engine.errors import SlaError
from engine.incident.model import (
    BEST_EFFORT,
    NOT_APPLICABLE,
    Incident,
    calendar_for,
    target_duration,
    targets_for,
    waivers_for,
)
from engine.rules.settings import Settings

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
"""Status codes are indexes into this tuple."""
MODES = ("recompute", "carry_over")
COUNTED = -1  # a plan's fixed status where the clock is counted


@dataclass(frozen=True)
class JudgeSettings:
    """The settings the clocks read (rules/decisions.yaml and rules/evaluation.yaml)."""

    resolution_clock_start: str  # D-4: first_response or reported
    priority_change: str  # recompute or carry_over
    at_risk_share: Fraction

    @classmethod
    def of(cls, settings: Settings) -> JudgeSettings:
        """From the rules' settings (checked when the rules were loaded)."""
        return cls(
            settings.resolution_clock_start,
            settings.priority_change,
            Fraction(settings.at_risk_share),
        )


@dataclass(frozen=True)
class Plan:
    """One priority under the contract, for one set of causes."""

    priority: int
    clock: int  # index of its service clock in PlanBook.clocks
    specs: tuple[str, str, str]  # the targets as the rules write them, CLOCKS order
    limits: tuple[int, int, int]  # microseconds (0 where not counted)
    at_risk: tuple[int, int, int]  # microseconds used that make an open clock at risk
    fixed: tuple[int, int, int]  # status code, or COUNTED
    waivers: tuple[str, ...]  # exception rules that made every target best effort
    exceptions: tuple[str, ...]  # waivers and causes, as a row's `exceptions` column


class PlanBook:
    """Plans of one contract numbered `causes number * 4 + priority - 1`, and their arrays."""

    def __init__(
        self,
        contract: Any,
        calendars: Any,
        exceptions: Any,
        settings: JudgeSettings,
        *,
        strict: bool = True,
    ) -> None:
        """`strict`: every priority's plan (without causes) must exist, else its error is
        raised here; otherwise a plan's error is raised only when that plan is asked for."""
        self._values = contract
        self._calendars = calendars
        self._exceptions = exceptions
        self.settings = settings
        self.causes: list[tuple[str, ...]] = []
        self._cause_numbers: dict[tuple[str, ...], int] = {}
        self.plans: list[Plan | SlaError] = []
        self.clocks: list[ServiceClock] = []
        self._clock_numbers: dict[int, int] = {}
        self.cause_number(())
        for priority in (1, 2, 3, 4) if strict else ():  # a contract problem fails once
            self.plan(priority - 1)

    def cause_number(self, causes: tuple[str, ...]) -> int:
        """The number of a set of causes (known exception rules), its plans made."""
        number = self._cause_numbers.get(causes)
        if number is None:
            number = self._cause_numbers[causes] = len(self.causes)
            self.causes.append(causes)
            for priority in (1, 2, 3, 4):
                try:
                    self.plans.append(self._plan(priority, causes))
                except SlaError as error:
                    self.plans.append(error)
            self._arrays()
        return number

    def plan(self, number: int) -> Plan:
        found = self.plans[number]
        if isinstance(found, SlaError):
            raise found
        return found

    def _plan(self, priority: int, causes: tuple[str, ...]) -> Plan:
        calendar = calendar_for(self._values, priority, self._calendars)
        clock = self._clock_numbers.get(id(calendar))
        if clock is None:
            clock = self._clock_numbers[id(calendar)] = len(self.clocks)
            self.clocks.append(ServiceClock(calendar))
        specs = targets_for(self._values, priority)
        probe = Incident(priority=priority, reported=_ANY_TIME, causes=causes)
        waivers = tuple(w.id for w in waivers_for(probe, self._exceptions))
        share = self.settings.at_risk_share
        limits, at_risk, fixed = [], [], []
        for name in CLOCKS:
            spec = specs.get(name, NOT_APPLICABLE)
            if spec == NOT_APPLICABLE:
                code, limit = STATUSES.index(NOT_APPLICABLE_STATUS), 0
            elif spec == BEST_EFFORT or waivers:
                code, limit = STATUSES.index(BEST_EFFORT_STATUS), 0
            else:
                duration = target_duration(spec, f"targets.P{priority}.{name}")
                code, limit = (
                    COUNTED,
                    duration.days * 86_400 * US + (duration.seconds * US + duration.microseconds),
                )
            fixed.append(code)
            limits.append(limit)
            at_risk.append(-(-limit * share.numerator // share.denominator))
        return Plan(
            priority,
            clock,
            (*(specs.get(name, NOT_APPLICABLE) for name in CLOCKS),),  # type: ignore[arg-type]
            (limits[0], limits[1], limits[2]),
            (at_risk[0], at_risk[1], at_risk[2]),
            (fixed[0], fixed[1], fixed[2]),
            waivers,
            tuple(sorted({*waivers, *causes})),
        )

    def _arrays(self) -> None:
        """The plans as arrays indexed by plan number; a plan that failed is fixed at -2."""
        count = len(self.plans)
        self.fixed: NDArray[np.int64] = np.full((count, 3), -2, dtype=np.int64)
        self.limits: NDArray[np.int64] = np.zeros((count, 3), dtype=np.int64)
        self.at_risk_us: NDArray[np.int64] = np.zeros((count, 3), dtype=np.int64)
        self.clock_of: NDArray[np.int64] = np.zeros(count, dtype=np.int64)
        self.priority_of: NDArray[np.int64] = np.zeros(count, dtype=np.int64)
        for number, plan in enumerate(self.plans):
            if isinstance(plan, SlaError):
                continue
            self.fixed[number] = plan.fixed
            self.limits[number] = plan.limits
            self.at_risk_us[number] = plan.at_risk
            self.clock_of[number] = plan.clock
            self.priority_of[number] = plan.priority


_ANY_TIME = datetime(2026, 1, 1, tzinfo=UTC)  # waivers do not depend on the time
