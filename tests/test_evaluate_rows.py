"""Evaluating rows: costs from quotes, the summary's counts, compliance and bounded lists.

Expected values are worked out by hand (Advanced: P1 4h/4h, TTP 4h; P2 8h/4h; P3 8h/8h;
P4 16h; rate outside SLA € 90; config changes included up to 1h; evening start fee € 100
without the add-on, hourly € 90; billing in 15-minute units, rounded up).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from engine.clock.times import parse_time
from engine.contract.load import resolve_target
from engine.evaluate.run import Evaluator
from engine.pricing.service_windows import service_window
from engine.rules.ruleset import RuleSet
from tests.evaluation import evaluate_rows

AS_OF = "2026-12-01T09:00"


def t(text: str) -> datetime:
    return parse_time(text)


@pytest.fixture
def evaluator(rules: RuleSet) -> Evaluator:
    return Evaluator(rules, resolve_target(rules, "advanced"), t(AS_OF))


def row(line: int = 2, **values: Any) -> dict[str, Any]:
    return {"ticket": f"T-{line}", "priority": "2", "reported": "2026-11-23T10:00", **values}


def one(rules: RuleSet, **values: Any) -> dict[str, Any]:
    """The result of one row under Advanced."""
    results, _, problems = evaluate_rows(
        rules, resolve_target(rules, "advanced"), [row(**values)], t(AS_OF)
    )
    assert not problems
    return results[0]


@pytest.mark.parametrize(
    ("values", "cost"),
    [
        ({"minutes": "45"}, "0.00"),  # incident work in office hours: covered
        ({"minutes": "50", "work": "outside-sla"}, "90.00"),  # 1h at € 90
        ({"minutes": "80", "work": "config-change"}, "45.00"),  # 1h included, 20m -> 30m
        ({"minutes": "20", "causes": "misbruik"}, "45.00"),  # misuse: 30m at € 90
        ({"priority": "3", "reported": "2026-11-23T19:00", "minutes": "30"}, "145.00"),
        (
            {"priority": "1", "minutes": "60", "on_site": "true", "travel_minutes": "20"},
            "45.00",  # on-site P1 included; travel 20m -> 30m at € 90
        ),
    ],
)
def test_cost_is_the_quote_total(rules: RuleSet, values: dict[str, str], cost: str) -> None:
    result = one(rules, **values)
    assert result["cost"] == cost
    assert result["note"] is None


def test_unsupported_cause_keeps_deadlines_and_gets_a_note(rules: RuleSet) -> None:
    result = one(rules, minutes="20", causes="geen-betrokkenheid")
    assert result["cost"] is None
    assert result["note"] is not None and "not supported" in result["note"]
    assert result["exceptions"] == "geen-betrokkenheid"
    assert result["first_response_status"] == "best_effort"


def test_call_without_service_hours_is_not_priced(rules: RuleSet) -> None:
    result = one(rules, reported="2026-11-23T23:00", minutes="20")
    assert result["cost"] is None
    assert result["note"] is not None
    assert "next available Tuesday 2026-11-24T09:00" in result["note"]


def test_window_cache_agrees_with_pricing(rules: RuleSet, evaluator: Evaluator) -> None:
    """The evaluator's own office/evening check gives what service_window gives."""
    for text in (
        "2026-11-23T08:59",
        "2026-11-23T09:00",
        "2026-11-23T16:59",
        "2026-11-23T17:00",
        "2026-11-23T21:59",
        "2026-11-23T22:00",
        "2026-11-28T10:00",
        "2026-12-25T11:00",
    ):
        moment = t(text)
        try:
            expected: str | None = service_window(rules, evaluator.contract, moment).kind
        except Exception:
            expected = None
        assert evaluator._window(moment) == expected, text


def test_summary_counts_and_compliance(rules: RuleSet) -> None:
    rows = [
        # P2, fr Mon 10:30 (met), resolved Mon 14:00 (4h from 10:30 = 14:30: met)
        row(2, first_response="2026-11-23T10:30", resolved="2026-11-23T14:00"),
        # P2, fr Tue 11:00 (due Tue 10:00: breached); resolution open from Tue 11:00: breached
        row(3, first_response="2026-11-24T11:00", minutes="50", work="outside-sla"),
        row(4, priority="9"),
        # P1 December: fr open, reported Tue 1 Dec 08:00 -> clock at 09:00, nothing used yet
        row(5, priority="1", reported="2026-12-01T08:00"),
    ]
    contract = resolve_target(rules, "advanced")
    results, summary, rejected = evaluate_rows(rules, contract, rows, t(AS_OF))
    assert [r["ticket"] for r in results] == ["T-2", "T-3", "T-5"]
    assert [r["row"] for r in results] == [1, 2, 4]  # rows numbered as given
    assert (summary.rows_in, summary.rows_out, summary.rows_rejected) == (4, 3, 1)
    assert [str(p) for p in rejected] == [
        "<batches>:3: priority: '9' is not a priority; use 1, 2, 3 or 4"
    ]
    assert summary.compliance(2, "first_response") == Decimal("0.5")
    assert summary.compliance(2) == Decimal("0.5")  # 2 met, 2 breached
    assert summary.compliance(1) is None  # only open targets
    assert summary.count("open", 1) == 2  # P1 first response and resolution
    assert summary.months[("2026-11", 2)] == (2, 2)
    assert summary.breaches_total == 2
    assert summary.breaches[0].line == 2 and summary.breaches[0].target == "first_response"
    assert summary.cost_total == Decimal("90.00")
    assert (summary.priced, summary.no_work) == (1, 2)


def test_summaries_of_parts_add_up_to_the_summary_of_the_whole(rules: RuleSet) -> None:
    contract = resolve_target(rules, "advanced")
    rows = [
        row(i, priority=str(i % 4 + 1), first_response="2026-11-24T11:00", minutes=str(i))
        for i in range(2, 40)
    ]
    rows[5]["priority"] = "x"
    _, whole, _ = evaluate_rows(rules, contract, rows, t(AS_OF))
    _, first, _ = evaluate_rows(rules, contract, rows[:17], t(AS_OF))
    _, second, _ = evaluate_rows(rules, contract, rows[17:], t(AS_OF))
    added = first + second
    assert added.rows_in == whole.rows_in == 38
    assert added.statuses == whole.statuses
    assert added.months == whole.months
    assert added.cost_total == whole.cost_total and added.priced == whole.priced
    assert added.breaches_total == whole.breaches_total
    assert [b.ticket for b in added.breaches] == [b.ticket for b in whole.breaches]
