"""Clocks of export rows: statuses as of a moment, and priority changes, worked out by hand.

Calendar facts used below (Europe/Amsterdam, November 2026, no public holidays):
Mon 23 Nov … Fri 27 Nov, Sat 28, Sun 29, Mon 30 Nov. Office hours Mon–Fri 09–17; with the aws
add-on PRIO 1 and 2 also count Mon–Fri 17–22 and Sat/Sun 10–16 (contract advocatenkantoor-meijer,
Advanced: P1 first response 4h, P3 first response 8h). Standaard: P1 8h/8h, P3 16h/16h.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from engine.clock.times import parse_time
from engine.contract.load import resolve_target
from engine.incident.deadlines import Incident
from engine.rules.ruleset import RuleSet
from tests.evaluation import Change, Clocks

MEIJER = "contracts/advocatenkantoor-meijer.yaml"


def t(text: str) -> datetime:
    return parse_time(text)


def clocks(rules: RuleSet, target: str, as_of: str, mode: str = "carry_over") -> Clocks:
    result = Clocks(rules, resolve_target(rules, target), t(as_of))
    result.mode = mode
    return result


def history(*entries: tuple[str, int]) -> tuple[Change, ...]:
    return tuple(Change(t(at), priority) for at, priority in entries)


def test_seed_example_due_tuesday_four_pm_and_open_monday_evening(rules: RuleSet) -> None:
    """§1.2.11: 8 h, reported Mon 16:00, due Tue 16:00; 1 h used by Mon 17:00 is open."""
    out = clocks(rules, "standaard", "2026-11-23T17:00").judge(
        Incident(priority=1, reported=t("2026-11-23T16:00"))
    )
    assert out.first_response.due == t("2026-11-24T16:00")
    assert out.first_response.status == "open"
    # D-4: resolution (8h) from the projected first response: Tue 16–17 1h, Wed 09–16 7h
    assert out.resolution.due == t("2026-11-25T16:00")
    assert out.resolution.status == "open"


@pytest.mark.parametrize(
    ("as_of", "status"),
    [
        ("2026-11-24T13:59", "open"),  # 1h + 4h59m = 5h59m of 8h, under 75 % (6h)
        ("2026-11-24T14:00", "at_risk"),  # 1h + 5h = 6h = 75 % of 8h
        ("2026-11-24T16:00", "at_risk"),  # exactly 8h used: not past the target yet
        ("2026-11-24T16:01", "breached"),  # past the due time, still no response
        ("2026-11-28T12:00", "breached"),
    ],
)
def test_open_target_status_as_of(rules: RuleSet, as_of: str, status: str) -> None:
    out = clocks(rules, "standaard", as_of).judge(
        Incident(priority=1, reported=t("2026-11-23T16:00"))
    )
    assert out.first_response.status == status


@pytest.mark.parametrize(
    ("responded", "status"),
    [
        ("2026-11-24T16:00", "met"),
        ("2026-11-24T16:30", "breached"),
        ("2026-11-23T16:05", "met"),
    ],
)
def test_stopped_clock_met_or_breached(rules: RuleSet, responded: str, status: str) -> None:
    out = clocks(rules, "standaard", "2026-12-31T09:00").judge(
        Incident(priority=1, reported=t("2026-11-23T16:00"), first_response=t(responded))
    )
    assert out.first_response.status == status


def test_reply_after_closing_with_no_open_time_in_between_is_met(rules: RuleSet) -> None:
    """Mon 09:00 + 8h is due Mon 17:00; a reply at 17:30 used no more service time."""
    out = clocks(rules, "standaard", "2026-12-31T09:00").judge(
        Incident(priority=1, reported=t("2026-11-23T09:00"), first_response=t("2026-11-23T17:30"))
    )
    assert out.first_response.due == t("2026-11-23T17:00")
    assert out.first_response.status == "met"


def test_pause_moves_the_due_time(rules: RuleSet) -> None:
    """Pause Mon 10–12 (2h): Mon 09–10 + 12–17 = 6h, Tue 09–11 = 2h, due Tue 11:00."""
    out = clocks(rules, "standaard", "2026-11-23T09:00").judge(
        Incident(
            priority=1,
            reported=t("2026-11-23T09:00"),
            pauses=((t("2026-11-23T10:00"), t("2026-11-23T12:00")),),
        )
    )
    assert out.first_response.due == t("2026-11-24T11:00")


def test_exception_makes_every_target_best_effort(rules: RuleSet) -> None:
    out = clocks(rules, "enterprise", "2026-11-30T09:00").judge(
        Incident(priority=1, reported=t("2026-11-23T09:00"), causes=("derde-partij",))
    )
    assert [c.status for c in (out.first_response, out.resolution, out.time_on_site)] == [
        "best_effort"
    ] * 3
    assert out.first_response.due is None
    assert out.waivers == ("derde-partij",)


def test_time_on_site_only_when_a_visit_was_needed(rules: RuleSet) -> None:
    """Advanced P1 TTP 4h: arrival Mon 12:00 after a Mon 09:00 report is met; no visit: n/a."""
    judge = clocks(rules, "advanced", "2026-11-30T09:00").judge
    visited = judge(
        Incident(priority=1, reported=t("2026-11-23T09:00"), on_site=t("2026-11-23T12:00"))
    )
    assert (visited.time_on_site.due, visited.time_on_site.status) == (
        t("2026-11-23T13:00"),
        "met",
    )
    remote = judge(Incident(priority=1, reported=t("2026-11-23T09:00")), visit=False)
    assert remote.time_on_site.status == "n/a"
    standaard = clocks(rules, "standaard", "2026-11-30T09:00").judge(
        Incident(priority=1, reported=t("2026-11-23T09:00")), visit=True
    )
    assert standaard.time_on_site.status == "best_effort"  # Standaard: TTP best effort


def test_prio_4_has_no_resolution_target(rules: RuleSet) -> None:
    out = clocks(rules, "standaard", "2026-11-30T09:00").judge(
        Incident(priority=4, reported=t("2026-11-23T09:00"))
    )
    assert (out.resolution.target, out.resolution.status) == ("not_applicable", "n/a")
    assert out.first_response.due == t("2026-11-26T17:00")  # 32h = four office days


# -- priority changes ----------------------------------------------------------------------


UPGRADE_FRIDAY = history(("2026-11-27T16:00", 3), ("2026-11-30T10:00", 1))


def test_carry_over_counts_old_time_on_the_old_calendar(rules: RuleSet) -> None:
    """P3 Fri 16–17 and Mon 09–10 (2h of office time), then P1's other 2h from Mon 10:00."""
    out = clocks(rules, MEIJER, "2026-11-30T11:00").judge(
        Incident(priority=1, reported=t("2026-11-27T16:00")), UPGRADE_FRIDAY
    )
    assert (out.first_response.priority, out.first_response.target) == (1, "4h")
    assert out.first_response.due == t("2026-11-30T12:00")
    assert out.first_response.status == "at_risk"  # 3h of 4h used by Mon 11:00


def test_recompute_counts_the_final_priority_from_the_report(rules: RuleSet) -> None:
    """P1 on the aws calendar from Fri 16:00: 16–17 office, 17–20 evening; due Fri 20:00."""
    out = clocks(rules, MEIJER, "2026-11-30T11:00", mode="recompute").judge(
        Incident(priority=1, reported=t("2026-11-27T16:00")), UPGRADE_FRIDAY
    )
    assert out.first_response.due == t("2026-11-27T20:00")
    assert out.first_response.status == "breached"


def test_carry_over_downgrade_counts_weekend_time_before_the_change(rules: RuleSet) -> None:
    """P1 Sat 10–12 (aws, 2h), then P3 (8h) on office hours: 6h left, due Mon 15:00."""
    changes = history(("2026-11-28T10:00", 1), ("2026-11-28T12:00", 3))
    incident = Incident(priority=3, reported=t("2026-11-28T10:00"))
    carried = clocks(rules, MEIJER, "2026-11-28T12:00").judge(incident, changes)
    assert carried.first_response.due == t("2026-11-30T15:00")
    recomputed = clocks(rules, MEIJER, "2026-11-28T12:00", "recompute").judge(incident, changes)
    assert recomputed.first_response.due == t("2026-11-30T17:00")


def test_upgrade_after_the_new_target_was_used_up_is_due_when_it_ran_out(
    rules: RuleSet,
) -> None:
    """Standaard P3 from Mon 09:00, P1 (8h) from Tue 12:00: 8h were used by Mon 17:00."""
    changes = history(("2026-11-23T09:00", 3), ("2026-11-24T12:00", 1))
    out = clocks(rules, "standaard", "2026-11-24T13:00").judge(
        Incident(priority=1, reported=t("2026-11-23T09:00"), first_response=t("2026-11-24T13:00")),
        changes,
    )
    assert out.first_response.due == t("2026-11-23T17:00")
    assert out.first_response.status == "breached"


def test_first_response_before_an_upgrade_is_judged_under_the_old_priority(
    rules: RuleSet,
) -> None:
    """Standaard, P3 Mon 09:00, responded Mon 10:00, P1 from Mon 11:00.

    First response: P3, 16h, 1h used: met. Resolution (P1, 8h) counts from the response at
    Mon 10:00: 1h under P3, then 7h under P1 (same office calendar): due Tue 10:00; as of
    Tue 09:30 it has used 7h30m of 8h: at risk.
    """
    changes = history(("2026-11-23T09:00", 3), ("2026-11-23T11:00", 1))
    incident = Incident(
        priority=1, reported=t("2026-11-23T09:00"), first_response=t("2026-11-23T10:00")
    )
    for mode in ("carry_over", "recompute"):
        out = clocks(rules, "standaard", "2026-11-24T09:30", mode).judge(incident, changes)
        assert (out.first_response.priority, out.first_response.target) == (3, "16h")
        assert out.first_response.status == "met"
        assert (out.resolution.priority, out.resolution.due) == (1, t("2026-11-24T10:00"))
        assert out.resolution.status == "at_risk"


def test_change_at_the_moment_a_clock_stops_comes_after_it(rules: RuleSet) -> None:
    changes = history(("2026-11-23T09:00", 3), ("2026-11-23T10:00", 1))
    out = clocks(rules, "standaard", "2026-11-24T09:30").judge(
        Incident(priority=1, reported=t("2026-11-23T09:00"), first_response=t("2026-11-23T10:00")),
        changes,
    )
    assert out.first_response.priority == 3
