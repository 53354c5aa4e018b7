"""Loading an incident file: a ticket is required (§2.9), times are read with their zone, and
every error points at file:line:col."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from engine.errors import InputError, ReferenceNotFound, SlaError, ValidationError
from engine.incident.deadlines import Incident
from engine.incident.load import load_incident
from engine.pricing.quote import Work
from engine.rules.ruleset import RuleSet

EXAMPLES = Path(__file__).parent.parent / "examples" / "incidents"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "incident.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def only_problem(error: pytest.ExceptionInfo[SlaError]) -> tuple[int | None, int | None, str]:
    (problem,) = error.value.problems
    return problem.location.line, problem.location.column, problem.message


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_example_loads(rules: RuleSet, path: Path) -> None:
    incident = load_incident(path, rules=rules)
    assert incident.ticket.startswith("T-")
    assert isinstance(incident.work(), Work)
    assert isinstance(incident.incident(), Incident)


def test_fields_are_read_with_their_zone(rules: RuleSet) -> None:
    incident = load_incident(EXAMPLES / "virus-cleanup-jansen.yaml", rules=rules)
    assert incident.reported == datetime.fromisoformat("2026-11-23T09:30+01:00")
    assert incident.start == datetime.fromisoformat("2026-11-23T10:00+01:00")
    assert (incident.minutes, incident.kind, incident.on_site) == (95, "incident", True)
    assert (incident.travel_minutes, incident.causes) == (25, ("misbruik",))
    assert incident.pauses == (
        (
            datetime.fromisoformat("2026-11-23T12:00+01:00"),
            datetime.fromisoformat("2026-11-23T13:00+01:00"),
        ),
    )
    for_deadlines = incident.incident()
    assert for_deadlines.ticket == "T-2043" and for_deadlines.causes == ("misbruik",)


def test_start_defaults_to_the_report(tmp_path: Path) -> None:
    path = write(tmp_path, 'ticket: T-1\npriority: 3\nreported: "2026-11-24T19:10"\nminutes: 5\n')
    incident = load_incident(path)
    assert incident.start == incident.reported
    assert incident.work().kind == "incident"


def test_incident_without_ticket_is_invalid(tmp_path: Path) -> None:
    path = write(tmp_path, 'priority: 1\nreported: "2026-11-23T10:00"\nminutes: 10\n')
    with pytest.raises(ValidationError) as caught:
        load_incident(path, "incident.yaml")
    assert str(caught.value) == "incident.yaml:1:1: missing required key 'ticket'; add it"


def test_blank_ticket_is_invalid(tmp_path: Path) -> None:
    path = write(tmp_path, 'ticket: " "\npriority: 1\nreported: "2026-11-23T10:00"\n')
    with pytest.raises(ValidationError) as caught:
        load_incident(path)
    line, column, message = only_problem(caught)
    assert (line, column) == (1, 9) and "support ticket" in message


def test_bad_time_is_located(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'ticket: T-1\npriority: 1\nreported: "2026-11-23T10:00"\nresolved: "2026-11-23 25:00"\n',
    )
    with pytest.raises(InputError) as caught:
        load_incident(path)
    line, column, message = only_problem(caught)
    assert (line, column) == (4, 11) and "not a valid date and time" in message


def test_unknown_cause_is_located_with_did_you_mean(rules: RuleSet, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'ticket: T-1\npriority: 1\nreported: "2026-11-23T10:00"\ncauses: [derde-party]\n',
    )
    with pytest.raises(ReferenceNotFound) as caught:
        load_incident(path, rules=rules)
    line, column, message = only_problem(caught)
    assert (line, column) == (4, 10)
    assert message == "unknown cause 'derde-party'; did you mean 'derde-partij'?"


def test_travel_without_on_site_is_located(tmp_path: Path) -> None:
    path = write(
        tmp_path, 'ticket: T-1\npriority: 1\nreported: "2026-11-23T10:00"\ntravel_minutes: 20\n'
    )
    with pytest.raises(InputError) as caught:
        load_incident(path)
    assert only_problem(caught)[:2] == (4, 17)


def test_unknown_work_kind_and_key_are_schema_errors(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'ticket: T-1\npriority: 1\nreported: "2026-11-23T10:00"\nwork: repair\nminuts: 5\n',
    )
    with pytest.raises(ValidationError) as caught:
        load_incident(path)
    messages = [p.message for p in caught.value.problems]
    assert messages == [
        "'repair' is not allowed; choose one of config-change, incident, outside-sla",
        "unknown key 'minuts'; did you mean 'minutes'?",
    ]


def test_without_minutes_there_is_nothing_to_price(tmp_path: Path) -> None:
    path = write(tmp_path, 'ticket: T-1\npriority: 1\nreported: "2026-11-23T10:00"\n')
    incident = load_incident(path)
    with pytest.raises(InputError, match="add minutes"):
        incident.work()


def test_first_response_before_report_is_located(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'ticket: T-1\npriority: 1\nreported: "2026-11-23T10:00"\n'
        'first_response: "2026-11-23T09:00"\n',
    )
    with pytest.raises(InputError) as caught:
        load_incident(path, "incident.yaml").incident()
    assert str(caught.value).startswith("incident.yaml:1:1: first_response is before the report")
