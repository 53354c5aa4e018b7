"""Planned-maintenance notices (§2.6): every field required, each problem at file:line:col."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from engine.errors import SlaError
from engine.paths import PROJECT_ROOT
from engine.present.maintenance import load_notice
from engine.rules.ruleset import RuleSet

EXAMPLE = PROJECT_ROOT / "examples" / "maintenance" / "bakkerij-server-update.yaml"
VALID = """\
contact: {name: Mark Visser, email: beheer@vioms.nl}
window:
  start: "2026-11-23T22:00"
  end: "2026-11-24T02:00"
expected_duration: 2h
services: [hosted_services]
reason: Updates.
"""


def problems(tmp_path: Path, rules: RuleSet, text: str) -> list[str]:
    path = tmp_path / "notice.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SlaError) as caught:
        load_notice(path, rules, "notice.yaml")
    return [str(p) for p in caught.value.problems]


def test_example_notice_loads(rules: RuleSet) -> None:
    notice = load_notice(EXAMPLE, rules)
    amsterdam = ZoneInfo("Europe/Amsterdam")
    assert notice.start == datetime(2026, 11, 23, 22, 0, tzinfo=amsterdam)
    assert notice.end == datetime(2026, 11, 24, 2, 0, tzinfo=amsterdam)
    assert notice.expected_duration == timedelta(hours=2)
    assert notice.services == ("hosted_services", "remote_help")
    assert notice.reason_in("en").startswith("Installing security updates")


def test_a_plain_reason_serves_both_languages(rules: RuleSet, tmp_path: Path) -> None:
    path = tmp_path / "n.yaml"
    path.write_text(VALID, encoding="utf-8")
    notice = load_notice(path, rules)
    assert notice.reason_in("nl") == notice.reason_in("en") == "Updates."


@pytest.mark.parametrize(
    ("field", "where"),
    [
        ("contact", "notice.yaml:1:1"),
        ("expected_duration", "notice.yaml:1:1"),
        ("services", "notice.yaml:1:1"),
        ("reason", "notice.yaml:1:1"),
    ],
)
def test_missing_field_is_named_with_its_location(
    rules: RuleSet, tmp_path: Path, field: str, where: str
) -> None:
    text = "\n".join(
        line
        for line in VALID.splitlines()
        if not line.startswith(field) and not (field == "window" and line.startswith("  "))
    )
    found = problems(tmp_path, rules, text + "\n")
    assert found == [f"{where}: missing required key '{field}'; add it"]


def test_missing_window_end_is_named_at_the_window(rules: RuleSet, tmp_path: Path) -> None:
    found = problems(tmp_path, rules, VALID.replace('  end: "2026-11-24T02:00"\n', ""))
    assert found == ["notice.yaml:3:3: window: missing required key 'end'; add it"]


def test_window_that_ends_before_it_starts(rules: RuleSet, tmp_path: Path) -> None:
    found = problems(tmp_path, rules, VALID.replace("2026-11-24T02:00", "2026-11-23T21:00"))
    assert found == [
        "notice.yaml:4:8: window.end: the window ends before it starts; "
        "the end must be after the start"
    ]


def test_duration_longer_than_the_window(rules: RuleSet, tmp_path: Path) -> None:
    found = problems(
        tmp_path, rules, VALID.replace("expected_duration: 2h", "expected_duration: 5h")
    )
    assert found == [
        "notice.yaml:5:20: expected_duration: the expected duration 5h is longer than the "
        "window (4h); widen the window or shorten the duration"
    ]


def test_unknown_service_suggests_the_closest(rules: RuleSet, tmp_path: Path) -> None:
    found = problems(tmp_path, rules, VALID.replace("[hosted_services]", "[hosted_service]"))
    assert found == [
        "notice.yaml:6:12: services[0]: unknown service 'hosted_service'; "
        "did you mean 'hosted_services'?"
    ]


def test_a_local_time_that_does_not_exist_is_refused(rules: RuleSet, tmp_path: Path) -> None:
    text = VALID.replace("2026-11-23T22:00", "2026-03-29T02:30").replace(
        "2026-11-24T02:00", "2026-03-29T05:00"
    )
    (found,) = problems(tmp_path, rules, text)
    assert found.startswith("notice.yaml:3:10: window.start: '2026-03-29T02:30' does not exist")


def test_contact_needs_a_way_to_reach_them(rules: RuleSet, tmp_path: Path) -> None:
    (found,) = problems(tmp_path, rules, VALID.replace(", email: beheer@vioms.nl", ""))
    assert found.startswith("notice.yaml:1:10: contact: ")
