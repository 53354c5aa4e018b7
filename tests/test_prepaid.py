"""The prepaid-hours card (§1.3.15, D-5): purchases, deductions in 15-minute units, the
notifications, and time beyond the card. Expected figures are worked out by hand."""

from __future__ import annotations

import copy
import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from engine.errors import PricingError, ReferenceNotFound, ValidationError
from engine.present.prepaid_report import ledger_as_dict
from engine.pricing.prepaid import (
    EXHAUSTED,
    LOW,
    LedgerReport,
    evaluate_ledger,
    ledger_contract,
    load_ledger,
)
from engine.rules.ruleset import RuleSet
from engine.rules.yaml_loader import Document


def card(rules: RuleSet, tmp_path: Path, text: str, name: str = "ledger.yaml") -> LedgerReport:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    document = load_ledger(path, str(path))
    return evaluate_ledger(rules, ledger_contract(rules, document, path), document)


def notes(report: LedgerReport) -> list[tuple[str, str, int, str]]:
    return [(str(n.date), n.ticket, n.remaining_minutes, n.kind) for n in report.notifications]


def test_purchase_is_priced_at_the_tiers_card_rate(rules: RuleSet, tmp_path: Path) -> None:
    report = card(
        rules,
        tmp_path,
        "contract: advanced\npurchases:\n  - {date: 2026-01-05, hours: 10}\n",
    )
    (purchase,) = report.purchases
    assert purchase.unit_price == Decimal("85.00")
    assert purchase.price == Decimal("850.00")
    assert report.purchased_minutes == 600
    assert report.card_rate.rule == "tier:advanced rates.prepaid_card"


def test_purchase_below_the_minimum_is_refused_and_the_rest_evaluated(
    rules: RuleSet, tmp_path: Path
) -> None:
    report = card(
        rules,
        tmp_path,
        "contract: standaard\n"
        "purchases:\n"
        "  - {date: 2026-01-05, hours: 4}\n"
        "  - {date: 2026-01-06, hours: 5}\n"
        "calls:\n"
        "  - {ticket: T-1, date: 2026-02-01, minutes: 10}\n",
    )
    (problem,) = report.rejected
    assert problem.location.path == "purchases[0].hours"
    assert (problem.location.line, problem.location.column) == (3, 31)
    assert "minimum purchase of 5 hours" in problem.message
    assert [p.hours for p in report.purchases] == [5]
    assert report.remaining_minutes == 300 - 15


def test_card_used_up_exactly(rules: RuleSet, tmp_path: Path) -> None:
    report = card(
        rules,
        tmp_path,
        "contract: standaard\n"
        "purchases: [{date: 2026-01-05, hours: 5}]\n"
        "calls:\n"
        "  - {ticket: T-1, date: 2026-01-10, minutes: 240}\n"
        "  - {ticket: T-2, date: 2026-01-11, minutes: 60}\n",
    )
    assert report.purchases[0].price == Decimal("450.00")  # 5 h x 90
    assert (report.used_minutes, report.remaining_minutes) == (300, 0)
    assert report.beyond_card_minutes == 0
    assert notes(report) == [
        ("2026-01-10", "T-1", 60, LOW),
        ("2026-01-11", "T-2", 0, EXHAUSTED),
    ]


def test_call_that_overdraws_the_card_bills_the_rest_ad_hoc(rules: RuleSet, tmp_path: Path) -> None:
    report = card(
        rules,
        tmp_path,
        "contract: standaard\n"
        "purchases: [{date: 2026-01-05, hours: 5}]\n"
        "calls: [{ticket: T-1, date: 2026-01-10, minutes: 310}]\n",
    )
    (call,) = report.calls
    # 310 min -> 315: 300 from the card, 15 beyond it at the rate outside SLA (95)
    assert (call.billed_minutes, call.from_card, call.beyond_card) == (315, 300, 15)
    assert report.remaining_minutes == 0
    assert report.beyond_card_amount == Decimal("23.75")
    assert notes(report) == [("2026-01-10", "T-1", 0, EXHAUSTED)]


def test_each_call_is_rounded_up_to_15_minutes(rules: RuleSet, tmp_path: Path) -> None:
    report = card(
        rules,
        tmp_path,
        "contract: enterprise\n"
        "purchases: [{date: 2026-01-05, hours: 5}]\n"
        "calls:\n"
        "  - {ticket: T-1, date: 2026-01-10, minutes: 1}\n"
        "  - {ticket: T-2, date: 2026-01-10, minutes: 16}\n"
        "  - {ticket: T-3, date: 2026-01-10, minutes: 0}\n",
    )
    assert [c.billed_minutes for c in report.calls] == [15, 30, 0]
    assert report.remaining_minutes == 300 - 45


def test_calls_are_taken_in_date_order_and_purchases_first(rules: RuleSet, tmp_path: Path) -> None:
    report = card(
        rules,
        tmp_path,
        "contract: standaard\n"
        "purchases:\n"
        "  - {date: 2026-01-05, hours: 5}\n"
        "  - {date: 2026-03-01, hours: 5}\n"
        "calls:\n"
        "  - {ticket: T-2, date: 2026-03-01, minutes: 60}\n"
        "  - {ticket: T-1, date: 2026-02-01, minutes: 300}\n",
    )
    assert [(c.ticket, c.balance_after, c.beyond_card) for c in report.calls] == [
        ("T-1", 0, 0),
        ("T-2", 240, 0),  # the purchase of the same day came first
    ]


def test_a_new_purchase_rearms_the_notifications(rules: RuleSet, tmp_path: Path) -> None:
    report = card(
        rules,
        tmp_path,
        "contract: standaard\n"
        "purchases:\n"
        "  - {date: 2026-01-05, hours: 5}\n"
        "  - {date: 2026-02-05, hours: 5}\n"
        "calls:\n"
        "  - {ticket: T-1, date: 2026-01-10, minutes: 300}\n"
        "  - {ticket: T-2, date: 2026-02-10, minutes: 250}\n"
        "  - {ticket: T-3, date: 2026-02-11, minutes: 15}\n",
    )
    assert notes(report) == [
        ("2026-01-10", "T-1", 0, EXHAUSTED),
        ("2026-02-10", "T-2", 45, LOW),  # 250 -> 255 min; once: T-3 (30 left) is silent
    ]


def test_low_threshold_is_the_d5_setting(rules: RuleSet, tmp_path: Path) -> None:
    decisions = rules.singles["decisions"]
    data = copy.deepcopy(decisions.data)
    data["decisions"]["D-5"]["value"] = 120
    changed = dataclasses.replace(
        rules,
        singles={**rules.singles, "decisions": Document(decisions.file, data, decisions.positions)},
    )
    report = card(
        changed,
        tmp_path,
        "contract: standaard\n"
        "purchases: [{date: 2026-01-05, hours: 5}]\n"
        "calls: [{ticket: T-1, date: 2026-01-10, minutes: 180}]\n",
    )
    assert notes(report) == [("2026-01-10", "T-1", 120, LOW)]


def test_bad_call_rows_are_reported_with_their_location(rules: RuleSet, tmp_path: Path) -> None:
    report = card(
        rules,
        tmp_path,
        "contract: standaard\n"
        "purchases: [{date: 2026-01-05, hours: 5}]\n"
        "calls:\n"
        "  - {ticket: T-1, date: 2026-01-10, minutes: 10}\n"
        "  - {date: 2026-01-11, minutes: 10}\n"
        "  - {ticket: T-3, date: 2026-02-30, minutes: 10}\n"
        "  - {ticket: T-4, date: 2026-01-12, minutes: 20}\n",
    )
    assert [(p.location.path, p.location.line) for p in report.rejected] == [
        ("calls[1]", 5),
        ("calls[2].date", 6),
    ]
    assert "missing required key 'ticket'" in report.rejected[0].message
    assert [c.ticket for c in report.calls] == ["T-1", "T-4"]
    assert report.remaining_minutes == 300 - 15 - 30


def test_ledger_without_contract_fails_as_a_whole(rules: RuleSet, tmp_path: Path) -> None:
    path = tmp_path / "ledger.yaml"
    path.write_text("purchases: []\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="missing required key 'contract'"):
        load_ledger(path)


def test_contract_file_is_found_beside_the_ledger(rules: RuleSet, tmp_path: Path) -> None:
    (tmp_path / "acme.yaml").write_text(
        "customer: Acme\ntier: enterprise\nstart: 2026-01-01\nperiod_months: 12\n",
        encoding="utf-8",
    )
    report = card(
        rules, tmp_path, "contract: acme.yaml\npurchases: [{date: 2026-01-05, hours: 5}]\n"
    )
    assert (report.customer, report.purchases[0].price) == ("Acme", Decimal("400.00"))


def test_unknown_contract_is_a_located_error(rules: RuleSet, tmp_path: Path) -> None:
    with pytest.raises(ReferenceNotFound) as caught:
        card(rules, tmp_path, "contract: advancd\npurchases: []\n")
    problem = caught.value.problems[0]
    assert (problem.location.path, problem.location.line) == ("contract", 1)
    assert "did you mean 'advanced'" in problem.message


def test_card_without_sla_needs_the_regular_rate(rules: RuleSet, tmp_path: Path) -> None:
    with pytest.raises(PricingError, match=r"regular_rate\.hourly|regular hourly rate"):
        card(rules, tmp_path, "contract: geen-sla\npurchases: [{date: 2026-01-05, hours: 5}]\n")


def test_json_has_the_balance_notifications_and_prices(rules: RuleSet, tmp_path: Path) -> None:
    report = card(
        rules,
        tmp_path,
        "contract: advanced\n"
        "purchases: [{date: 2026-04-01, hours: 5}]\n"
        "calls:\n"
        "  - {ticket: T-1, date: 2026-04-07, minutes: 200}\n"
        "  - {ticket: T-2, date: 2026-04-14, minutes: 70}\n"
        "  - {ticket: T-3, date: 2026-04-21, minutes: 40}\n",
    )
    data = ledger_as_dict(report)
    # 200 -> 210 (90 left), 70 -> 75 (15 left: low), 40 -> 45 (15 from the card, 30 beyond)
    assert (data["purchased_minutes"], data["used_minutes"], data["remaining_minutes"]) == (
        300,
        300,
        0,
    )
    assert data["notifications"] == [
        {"date": "2026-04-14", "ticket": "T-2", "remaining_minutes": 15, "kind": "low"},
        {"date": "2026-04-21", "ticket": "T-3", "remaining_minutes": 0, "kind": "exhausted"},
    ]
    assert data["purchases"][0]["price"] == "425.00"
    assert data["beyond_card"] == {
        "minutes": 30,
        "unit_price": "90.00",
        "rule": "tier:advanced rates.outside_sla",
        "amount": "45.00",
    }
