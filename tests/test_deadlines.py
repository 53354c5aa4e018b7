"""engine.incident.deadlines and engine.present.deadline_report: the three clocks of an incident,
hand-worked."""

from __future__ import annotations

import copy
import dataclasses
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engine.errors import InputError, ReferenceNotFound, ValidationError
from engine.incident.deadlines import Deadlines, Incident, incident_deadlines
from engine.present.deadline_report import deadlines_as_dict, format_deadlines_text
from engine.rules.settings import Settings
from tests.reference_clock import rule

AMS = ZoneInfo("Europe/Amsterdam")
CALENDARS = {"kantooruren": rule("kantooruren"), "avond-weekend": rule("avond-weekend")}
NA = "not_applicable"
ADVANCED: dict[str, Any] = {
    "tier": "advanced",
    "calendar": "kantooruren",
    "extended_hours": {"calendar": "avond-weekend", "priorities": [1, 2]},
    "targets": {
        "P1": {"first_response": "4h", "resolution": "4h", "time_on_site": "4h"},
        "P2": {"first_response": "8h", "resolution": "4h", "time_on_site": NA},
        "P3": {"first_response": "8h", "resolution": "8h", "time_on_site": NA},
        "P4": {"first_response": "16h", "resolution": NA, "time_on_site": NA},
    },
}
STANDAARD: dict[str, Any] = {
    "tier": "standaard",
    "calendar": "kantooruren",
    "extended_hours": None,
    "targets": {
        "P1": {"first_response": "8h", "resolution": "8h", "time_on_site": "best_effort"},
        "P2": {"first_response": "16h", "resolution": "8h", "time_on_site": NA},
    },
}
THIRD_PARTY = {
    "id": "third-party",
    "name": {"nl": "Derde partijen", "en": "Third parties"},
    "source": "§2.3, §2.4",
    "when": {"cause": "third-party"},
    "effect": {"coverage": "covered", "targets": "best_effort", "billing": "normal"},
}
MISUSE = {
    "id": "misuse",
    "name": {"nl": "Onoordeelkundig gebruik", "en": "Misuse"},
    "source": "§2.2",
    "when": {"cause": "misuse"},
    "effect": {"coverage": "not_covered", "targets": "binding", "billing": "outside_sla"},
}
EXCEPTIONS = {"third-party": THIRD_PARTY, "misuse": MISUSE}
FROM_RESPONSE = Settings(
    workplace_services_from="table",
    public_holidays_closed=True,
    aws_holiday_window="weekend",
    resolution_clock_start="first_response",
    prepaid_card_low_minutes=60,
    config_change_excess_billing="outside_sla",
    travel_time_unit_minutes=15,
    aws_other_priorities_pricing="sla_without_addon",
    at_risk_share=Decimal("0.75"),
    priority_change="carry_over",
    breach_list_limit=1000,
)


REPORTED = dataclasses.replace(FROM_RESPONSE, resolution_clock_start="reported")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMS)  # type: ignore[misc]


def run(
    incident: Incident,
    contract: dict[str, Any] = ADVANCED,
    settings: Settings = FROM_RESPONSE,
) -> Deadlines:
    return incident_deadlines(
        contract, incident, calendars=CALENDARS, exceptions=EXCEPTIONS, settings=settings
    )


def test_seed_example_first_response_8h_reported_monday_1600_is_due_tuesday_1600() -> None:
    d = run(Incident(3, at(2026, 11, 23, 16)))
    assert d.first_response.due == at(2026, 11, 24, 16)
    assert d.clock_start == at(2026, 11, 23, 16)


def test_a_report_at_2300_starts_the_clock_at_0900() -> None:
    d = run(Incident(3, at(2026, 11, 23, 23)))
    assert d.clock_start == at(2026, 11, 24, 9)
    assert d.first_response.due == at(2026, 11, 24, 17)


def test_aws_prio_1_against_prio_3_reported_friday_1800() -> None:
    p1 = run(Incident(1, at(2026, 11, 27, 18)))
    p3 = run(Incident(3, at(2026, 11, 27, 18)))
    assert p1.clock_start == at(2026, 11, 27, 18)
    assert p1.first_response.due == at(2026, 11, 27, 22)  # Fri 18-22 under AWS
    assert p3.clock_start == at(2026, 11, 30, 9)
    assert p3.first_response.due == at(2026, 11, 30, 17)  # office hours only


def test_a_contract_without_aws_counts_prio_1_in_office_hours() -> None:
    d = run(Incident(1, at(2026, 11, 27, 18)), contract=STANDAARD)
    assert d.first_response.due == at(2026, 11, 30, 17)


def test_d3_koningsdag_under_aws_gives_prio_1_the_weekend_window() -> None:
    p1 = run(Incident(1, at(2026, 4, 27, 8)))
    assert p1.clock_start == at(2026, 4, 27, 10)
    assert p1.first_response.due == at(2026, 4, 27, 14)
    p3 = run(Incident(3, at(2026, 4, 27, 8)))
    assert p3.first_response.due == at(2026, 4, 28, 17)


def test_inputs_in_utc_give_the_same_deadlines_in_local_time() -> None:
    d = run(Incident(3, datetime.fromisoformat("2026-11-23T15:00+00:00")))
    assert d.reported == at(2026, 11, 23, 16)
    assert deadlines_as_dict(d)["first_response"]["due"] == "2026-11-24T16:00:00+01:00"


def test_a_reply_at_1730_to_a_deadline_of_1700_with_no_open_time_in_between_is_met() -> None:
    d = run(Incident(3, at(2026, 11, 23, 9), first_response=at(2026, 11, 23, 17, 30)))
    assert d.first_response.due == at(2026, 11, 23, 17)
    assert d.first_response.met is True
    assert d.first_response.elapsed == timedelta(hours=8)


def test_a_reply_after_more_business_time_than_the_target_is_breached() -> None:
    d = run(Incident(3, at(2026, 11, 23, 9), first_response=at(2026, 11, 24, 9, 1)))
    assert d.first_response.met is False
    assert d.first_response.elapsed == timedelta(hours=8, minutes=1)


def test_met_is_none_until_the_actual_time_is_given() -> None:
    d = run(Incident(3, at(2026, 11, 23, 9)))
    assert (d.first_response.met, d.resolution.met, d.first_response.elapsed) == (None, None, None)


def test_paused_open_time_moves_the_deadline_later() -> None:
    pause = (at(2026, 11, 23, 10), at(2026, 11, 23, 12))
    d = run(Incident(3, at(2026, 11, 23, 9), pauses=(pause,)))
    assert d.first_response.due == at(2026, 11, 24, 11)


def test_overlapping_pauses_are_not_counted_twice() -> None:
    pauses = (
        (at(2026, 11, 23, 10), at(2026, 11, 23, 12)),
        (at(2026, 11, 23, 11), at(2026, 11, 23, 13)),
    )
    d = run(Incident(3, at(2026, 11, 23, 9), pauses=pauses))
    assert d.first_response.due == at(2026, 11, 24, 12)


def test_a_pause_over_the_night_only_moves_the_deadline_by_its_open_time() -> None:
    pause = (at(2026, 11, 23, 16), at(2026, 11, 24, 10))  # 1h Monday, 1h Tuesday
    d = run(Incident(3, at(2026, 11, 23, 9), first_response=at(2026, 11, 24, 11), pauses=(pause,)))
    assert d.first_response.due == at(2026, 11, 24, 11)
    assert d.first_response.elapsed == timedelta(hours=8)
    assert d.first_response.met is True
    assert [(s.start, s.end) for s in d.first_response.segments] == [
        (at(2026, 11, 23, 9), at(2026, 11, 23, 16)),
        (at(2026, 11, 24, 10), at(2026, 11, 24, 11)),
    ]


def test_a_pause_that_ends_before_it_starts_is_an_input_error() -> None:
    with pytest.raises(InputError, match="ends before it starts"):
        Incident(3, at(2026, 11, 23, 9), pauses=((at(2026, 11, 23, 12), at(2026, 11, 23, 10)),))


def test_an_exception_rule_with_best_effort_makes_every_target_best_effort() -> None:
    d = run(Incident(1, at(2026, 11, 23, 9), causes=("third-party",)))
    for t in (d.first_response, d.resolution, d.time_on_site):
        assert (t.due, t.best_effort, t.met, t.waived_by) == (None, True, None, ("third-party",))
    text = format_deadlines_text(d)
    assert "best effort: geen termijn" in text
    assert "Derde partijen" in text


def test_an_exception_rule_with_binding_targets_keeps_the_deadlines() -> None:
    d = run(Incident(3, at(2026, 11, 23, 9), causes=("misuse",)))
    assert d.first_response.due == at(2026, 11, 23, 17)
    assert d.first_response.waived_by == ()


def test_an_exception_that_is_not_supported_makes_targets_best_effort() -> None:
    abroad = copy.deepcopy(THIRD_PARTY) | {"id": "abroad", "when": {"cause": "abroad"}}
    abroad["effect"] = {"coverage": "not_supported", "targets": "binding", "billing": "not_billed"}
    d = incident_deadlines(
        ADVANCED,
        Incident(3, at(2026, 11, 23, 9), causes=("abroad",)),
        calendars=CALENDARS,
        exceptions={"abroad": abroad},
        settings=FROM_RESPONSE,
    )
    assert d.first_response.best_effort and d.first_response.due is None


def test_a_cause_that_names_no_exception_is_a_reference_error_with_a_suggestion() -> None:
    with pytest.raises(ReferenceNotFound, match="did you mean 'third-party'"):
        run(Incident(3, at(2026, 11, 23, 9), causes=("third_party",)))


def test_resolution_counts_from_the_actual_first_response_when_known() -> None:
    d = run(Incident(3, at(2026, 11, 23, 9), first_response=at(2026, 11, 23, 11)))
    assert d.resolution.basis == "actual"
    assert d.resolution.due == at(2026, 11, 24, 11)


def test_resolution_counts_from_the_first_response_deadline_when_not_yet_known() -> None:
    d = run(Incident(3, at(2026, 11, 23, 16)))
    assert d.resolution.basis == "projected"
    assert d.resolution.due == at(2026, 11, 25, 16)  # 8h after Tuesday 16:00


def test_resolution_counts_from_the_report_when_the_setting_says_so() -> None:
    d = run(Incident(3, at(2026, 11, 23, 16)), settings=REPORTED)
    assert d.resolution.basis == "reported"
    assert d.resolution.due == at(2026, 11, 24, 16)


def test_d4_standaard_prio_2_resolution_falls_after_its_first_response() -> None:
    d = run(Incident(2, at(2026, 11, 23, 9)), contract=STANDAARD)
    assert d.first_response.due == at(2026, 11, 24, 17)
    assert d.resolution.due == at(2026, 11, 25, 17)
    assert d.resolution.due > d.first_response.due


def test_resolution_met_is_counted_from_its_basis() -> None:
    d = run(
        Incident(
            3,
            at(2026, 11, 23, 9),
            first_response=at(2026, 11, 23, 16),
            resolved=at(2026, 11, 24, 16),
        )
    )
    assert d.resolution.elapsed == timedelta(hours=8)
    assert d.resolution.met is True


def test_prio_4_has_no_resolution_target() -> None:
    d = run(Incident(4, at(2026, 11, 23, 9)))
    assert (d.resolution.target, d.resolution.due, d.resolution.best_effort) == (NA, None, False)
    assert d.first_response.due == at(2026, 11, 24, 17)


def test_time_on_site_applies_to_prio_1_only() -> None:
    assert run(Incident(1, at(2026, 11, 23, 9))).time_on_site.due == at(2026, 11, 23, 13)
    assert run(Incident(2, at(2026, 11, 23, 9))).time_on_site.due is None


def test_a_target_still_by_agreement_is_a_validation_error() -> None:
    contract = copy.deepcopy(ADVANCED)
    contract["targets"]["P3"]["resolution"] = "by_agreement"
    with pytest.raises(ValidationError, match="by_agreement"):
        run(Incident(3, at(2026, 11, 23, 9)), contract=contract)


def test_an_actual_time_before_the_report_is_an_input_error() -> None:
    with pytest.raises(InputError, match="before the report"):
        Incident(3, at(2026, 11, 23, 9), first_response=at(2026, 11, 23, 8))


def test_json_has_the_agreed_shape() -> None:
    d = run(Incident(1, at(2026, 11, 23, 16)), contract=STANDAARD)
    out = deadlines_as_dict(d)
    assert {k: out[k] for k in ("priority", "reported", "clock_start")} == {
        "priority": 1,
        "reported": "2026-11-23T16:00:00+01:00",
        "clock_start": "2026-11-23T16:00:00+01:00",
    }
    keys = ("due", "target", "best_effort", "met")
    assert {k: out["first_response"][k] for k in keys} == {
        "due": "2026-11-24T16:00:00+01:00",
        "target": "8h",
        "best_effort": False,
        "met": None,
    }
    assert {k: out["resolution"][k] for k in (*keys, "basis")} == {
        "due": "2026-11-25T16:00:00+01:00",
        "target": "8h",
        "basis": "projected",
        "best_effort": False,
        "met": None,
    }
    assert {k: out["time_on_site"][k] for k in keys} == {
        "due": None,
        "target": "best_effort",
        "best_effort": True,
        "met": None,
    }


def test_text_explains_the_count_with_dutch_days_and_dates() -> None:
    d = run(Incident(3, at(2026, 11, 23, 16), ticket="T-42"))
    text = format_deadlines_text(d)
    assert "ma 23-11 16:00–17:00 1h, di 24-11 09:00–16:00 7h" in text
    assert "uiterlijk di 24-11-2026 16:00" in text
    assert "Tijd ter plaatse: niet van toepassing" in text
    assert "T-42" in text


def test_text_in_english() -> None:
    d = run(Incident(3, at(2026, 11, 23, 16), first_response=at(2026, 11, 24, 16, 30)))
    text = format_deadlines_text(d, lang="en")
    assert "Mon 23-11 16:00–17:00 1h, Tue 24-11 09:00–16:30 7h30m" in text
    assert "target breached" in text
