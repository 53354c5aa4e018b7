"""`sla quote` and `sla hours`: output, exit codes (0 done, 1 bad input, 2 wrong usage), and
one line per error, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

ROOT = Path(__file__).parent.parent
INCIDENTS = ROOT / "examples" / "incidents"
LEDGERS = ROOT / "examples" / "ledgers"
MEIJER = str(ROOT / "contracts" / "advocatenkantoor-meijer.yaml")
JANSEN = str(ROOT / "contracts" / "jansen-installatietechniek.yaml")
BAKKERIJ = str(ROOT / "contracts" / "bakkerij-de-vries.yaml")
OFFICE_CALL = ("advanced", "--priority", "1", "--start", "2026-11-23T10:00", "--minutes", "5")


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_quote_json_of_a_weekend_call(runner: CliRunner) -> None:
    code, out, err = run(
        runner,
        *("quote", "advanced", "--priority", "1", "--start", "2026-11-28T11:00"),
        *("--minutes", "20", "--format", "json"),
    )
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert (data["currency"], data["total"]) == ("EUR", "145.00")
    assert [
        {k: line[k] for k in ("quantity", "unit", "unit_price", "amount", "rule")}
        for line in data["lines"]
    ] == [
        {
            "quantity": "1.00",
            "unit": "call",
            "unit_price": "100.00",
            "amount": "100.00",
            "rule": "prices evening_weekend.start_fee.sla_without_addon",
        },
        {
            "quantity": "0.50",
            "unit": "hour",
            "unit_price": "90.00",
            "amount": "45.00",
            "rule": "tier:advanced rates.evening_weekend",
        },
    ]


def test_quote_text_shows_dutch_amounts(runner: CliRunner) -> None:
    code, out, _ = run(
        runner,
        *("quote", JANSEN, "--priority", "1", "--start", "2026-11-23T10:00", "--minutes", "600"),
        *("--on-site", "--travel-minutes", "20", "--lang", "nl"),
    )
    assert code == 0
    # 10 h x 95 on site (billed for Standaard) + 0.5 h travel x 95
    assert "€ 950,00" in out and "€ 47,50" in out
    assert out.splitlines()[-1].split() == ["Totaal", "(excl.", "btw)", "€", "997,50"]
    assert out.startswith("Offerte — Jansen Installatietechniek (standaard)")


def test_quote_text_in_english(runner: CliRunner) -> None:
    code, out, _ = run(
        runner,
        *("quote", "standaard", "--priority", "3", "--start", "2026-11-24T19:10"),
        *("--minutes", "20", "--lang", "en"),
    )
    assert code == 0
    assert "Evening/weekend start fee" in out and "Total (excl. VAT)" in out
    assert "€147.50" in out


@pytest.mark.parametrize(
    ("contract", "incident", "total"),
    [
        (MEIJER, "saturday-outage-meijer.yaml", "0.00"),  # add-on, PRIO 1
        (JANSEN, "evening-printer-jansen.yaml", "147.50"),  # 100 + 0.5 h x 95
        (JANSEN, "virus-cleanup-jansen.yaml", "213.75"),  # 1.75 h x 95 + 0.5 h x 95
        (BAKKERIJ, "password-reset-bakkerij.yaml", "0.00"),  # unlimited changes
    ],
)
def test_quote_from_each_example_incident(
    runner: CliRunner, contract: str, incident: str, total: str
) -> None:
    code, out, _ = run(
        runner, "quote", contract, "--incident", str(INCIDENTS / incident), "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["total"] == total
    assert data["ticket"].startswith("T-")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--priority", "2"), "missing --start, --minutes (or give --incident FILE)"),
        (("--priority", "5", "--start", "2026-11-23T10:00", "--minutes", "1"), "--priority"),
        (("--priority", "1", "--start", "tomorrow", "--minutes", "1"), "--start"),
        (("--priority", "1", "--start", "2026-11-23T10:00", "--minutes", "-1"), "--minutes"),
        (
            ("--priority", "1", "--start", "2026-11-23T10:00", "--minutes", "1", "--work", "x"),
            "--work",
        ),
        (
            ("--incident", str(INCIDENTS / "evening-printer-jansen.yaml"), "--priority", "1"),
            "--incident gives the facts of the call; leave out --priority",
        ),
    ],
)
def test_quote_usage_errors_exit_2(runner: CliRunner, args: tuple[str, ...], message: str) -> None:
    code, out, err = run(runner, "quote", "advanced", *args)
    assert code == 2
    assert out == ""
    assert message in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("standaard", "--priority", "1", "--start", "2026-11-24T23:30", "--minutes", "5"),
            "service is next available Wednesday 2026-11-25T09:00:00+01:00 (office hours",
        ),
        (
            ("geen-sla", "--priority", "1", "--start", "2026-11-23T10:00", "--minutes", "5"),
            "regular_rate.hourly: the regular hourly rate for customers without SLA",
        ),
        (
            (*OFFICE_CALL, "--cause", "misbruk"),
            "unknown cause 'misbruk'; did you mean 'misbruik'?",
        ),
        (
            (*OFFICE_CALL, "--cause", "geen-betrokkenheid"),
            "is not supported at all (§2.7)",
        ),
        (
            (*OFFICE_CALL, "--travel-minutes", "5"),
            "travel time is only charged for an on-site visit",
        ),
        (("advanced", "--incident", "no/such/incident.yaml"), "cannot read the file"),
    ],
)
def test_quote_input_errors_exit_1_with_one_line(
    runner: CliRunner, args: tuple[str, ...], message: str
) -> None:
    code, out, err = run(runner, "quote", *args)
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert message in err


def test_quote_incident_without_ticket_exits_1_at_its_location(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "incident.yaml"
    path.write_text('priority: 1\nreported: "2026-11-23T10:00"\nminutes: 10\n', encoding="utf-8")
    code, _, err = run(runner, "quote", "advanced", "--incident", str(path))
    assert code == 1
    assert err == f"error: {path}:1:1: missing required key 'ticket'; add it\n"


def test_hours_of_the_example_card(runner: CliRunner) -> None:
    code, out, err = run(
        runner, "hours", str(LEDGERS / "jansen-strippenkaart.yaml"), "--lang", "nl"
    )
    assert (code, err) == (0, "")
    assert "Strippenkaart — Jansen Installatietechniek (standaard) · € 90,00 per uur" in out
    assert "Gekocht 15h, verbruikt 5h45m, resterend 9h15m." in out


def test_hours_json_of_an_overdrawn_card(runner: CliRunner) -> None:
    code, out, _ = run(runner, "hours", str(LEDGERS / "meijer-overdrawn.yaml"), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert (data["purchased_minutes"], data["used_minutes"], data["remaining_minutes"]) == (
        300,
        300,
        0,
    )
    assert [n["kind"] for n in data["notifications"]] == ["low", "exhausted"]
    assert data["beyond_card"]["amount"] == "45.00"  # 30 min at 90
    assert data["purchases"][0]["price"] == "425.00"  # 5 h x 85


def test_hours_with_bad_rows_reports_each_and_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "ledger.yaml"
    path.write_text(
        "contract: standaard\n"
        "purchases:\n"
        "  - {date: 2026-01-05, hours: 4}\n"
        "  - {date: 2026-01-06, hours: 6}\n"
        "calls:\n"
        "  - {ticket: T-1, date: 2026-02-03, minutes: 10}\n"
        "  - {date: 2026-02-04, minutes: 10}\n",
        encoding="utf-8",
    )
    code, out, err = run(runner, "hours", str(path), "--format", "json")
    assert code == 1
    assert err.splitlines() == [
        f"error: {path}:3:31: purchases[0].hours: 4 hours is below the minimum purchase of "
        "5 hours (§1.3.15); buy at least 5",
        f"error: {path}:7:5: calls[1]: missing required key 'ticket'; add it",
    ]
    assert json.loads(out)["remaining_minutes"] == 360 - 15


def test_hours_of_a_missing_ledger_exits_1(runner: CliRunner) -> None:
    code, out, err = run(runner, "hours", "no/such/ledger.yaml")
    assert (code, out) == (1, "")
    assert "no/such/ledger.yaml: cannot read the file" in err
