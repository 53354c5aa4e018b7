"""Contract terms (seed §2.1): each sentence of engine/contract/terms.py's docstring has a test
here.

Every expected date is worked out by hand from the calendar, not read from the code.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from engine.contract.merge import effective_for_tier
from engine.contract.terms import Period, contract_terms, notice_deadline, period, terms_on, today
from engine.errors import InputError
from engine.rules.ruleset import RuleSet

D = date.fromisoformat


# 1. D-9: a period ends the day before day d of the n-th month after, or on the last day of a
# month that has no day d; the next period starts the day after.


def test_d9_a_31_january_start_with_one_month_periods_ends_on_28_february() -> None:
    start = D("2026-01-31")
    assert period(start, 1, 1) == Period(1, D("2026-01-31"), D("2026-02-28"))
    assert period(start, 1, 2) == Period(2, D("2026-03-01"), D("2026-03-31"))
    assert period(start, 1, 3) == Period(3, D("2026-04-01"), D("2026-04-30"))
    assert period(start, 1, 4) == Period(4, D("2026-05-01"), D("2026-05-31"))


def test_d9_a_29_february_start_with_twelve_month_periods_ends_on_28_february() -> None:
    start = D("2028-02-29")
    assert period(start, 12, 1) == Period(1, D("2028-02-29"), D("2029-02-28"))
    assert period(start, 12, 2) == Period(2, D("2029-03-01"), D("2030-02-28"))
    assert period(start, 12, 5) == Period(5, D("2032-03-01"), D("2033-02-28"))


def test_d9_a_31_january_start_in_a_leap_year_ends_on_29_february() -> None:
    terms = terms_on(D("2024-01-31"), 1, D("2024-02-29"))
    assert terms.current == Period(1, D("2024-01-31"), D("2024-02-29"))
    assert terms.renewal == Period(2, D("2024-03-01"), D("2024-03-31"))


def test_d9_a_31_january_start_with_twelve_month_periods_keeps_the_31st() -> None:
    # January always has a 31st: the period ends the day before, on 30 January.
    assert period(D("2026-01-31"), 12, 1) == Period(1, D("2026-01-31"), D("2027-01-30"))
    assert period(D("2026-01-31"), 12, 3) == Period(3, D("2028-01-31"), D("2029-01-30"))


def test_d9_a_30_march_start_with_eleven_month_periods_meets_february_in_period_one() -> None:
    # 30-03-2026 + 11 months is February 2027, which has no 30th: it ends 28-02-2027; then
    # 01-03-2027 + 11 months ends the day before 01-02-2028, 31-01-2028.
    assert period(D("2026-03-30"), 11, 1) == Period(1, D("2026-03-30"), D("2027-02-28"))
    assert period(D("2026-03-30"), 11, 2) == Period(2, D("2027-03-01"), D("2028-01-31"))


def test_d9_d10_the_spec_example_31_january_2026_notice_by_31_january() -> None:
    terms = terms_on(D("2026-01-31"), 1, D("2026-01-31"))
    assert terms.expiry == D("2026-02-28")
    assert terms.renewal == Period(2, D("2026-03-01"), D("2026-03-31"))
    assert terms.notice_deadline == D("2026-01-31")
    assert terms.notice_possible


# 2. The expiry date is the last day of the period.


def test_expiry_is_the_last_day_of_the_period() -> None:
    terms = terms_on(D("2026-01-01"), 12, D("2026-06-15"))
    assert terms.current == Period(1, D("2026-01-01"), D("2026-12-31"))
    assert terms.expiry == D("2026-12-31")


def test_the_expiry_day_itself_still_belongs_to_the_period() -> None:
    assert terms_on(D("2026-01-01"), 12, D("2026-12-31")).current.number == 1
    assert terms_on(D("2026-01-01"), 12, D("2027-01-01")).current.number == 2


# 3. Tacit renewal for the same period.


def test_tacit_renewal_is_for_the_same_period_from_the_day_after_expiry() -> None:
    terms = terms_on(D("2026-01-01"), 12, D("2026-06-15"))
    assert terms.renewal == Period(2, D("2027-01-01"), D("2027-12-31"))


def test_renewal_after_several_periods() -> None:
    terms = terms_on(D("2020-03-01"), 12, D("2026-05-10"))
    assert terms.current == Period(7, D("2026-03-01"), D("2027-02-28"))
    assert terms.renewal == Period(8, D("2027-03-01"), D("2028-02-29"))
    assert terms.notice_deadline == D("2027-01-31")


# 4. The last day to give notice: one calendar month before the contract ends.


@pytest.mark.parametrize(
    ("expiry", "deadline"),
    [
        ("2026-12-31", "2026-11-30"),
        ("2027-03-31", "2027-02-28"),
        ("2028-03-31", "2028-02-29"),
        ("2026-06-30", "2026-05-31"),
        ("2026-03-14", "2026-02-14"),
        ("2027-02-28", "2027-01-31"),
        ("2026-02-28", "2026-01-31"),  # D-10's own example
        ("2027-11-30", "2027-10-31"),  # D-10's own example
        ("2026-03-30", "2026-02-27"),  # one month before 31 March is 28 February, minus a day
    ],
)
def test_the_last_day_for_notice_is_one_month_before_the_contract_ends(
    expiry: str, deadline: str
) -> None:
    assert notice_deadline(D(expiry)) == D(deadline)


# 5. Notice is possible up to and including the deadline; after it, it ends the next period.


def test_notice_on_the_last_allowed_day_ends_the_contract_at_this_expiry() -> None:
    terms = terms_on(D("2026-01-01"), 12, D("2026-11-30"))
    assert terms.notice_possible
    assert terms.notice_ends_on == D("2026-12-31")


def test_notice_the_day_after_the_deadline_ends_the_contract_after_the_renewal() -> None:
    terms = terms_on(D("2026-01-01"), 12, D("2026-12-01"))
    assert not terms.notice_possible
    assert terms.notice_deadline == D("2026-11-30")
    assert terms.notice_ends_on == D("2027-12-31")


def test_periods_of_one_month() -> None:
    terms = terms_on(D("2026-01-15"), 1, D("2026-03-20"))
    assert terms.current == Period(3, D("2026-03-15"), D("2026-04-14"))
    assert terms.notice_deadline == D("2026-03-14")
    assert not terms.notice_possible
    # The period after (15 April - 14 May) still takes notice until 14 April.
    assert terms.notice_ends_on == D("2026-05-14")


def test_periods_of_six_months() -> None:
    terms = terms_on(D("2026-07-01"), 6, D("2027-01-10"))
    assert terms.current == Period(2, D("2027-01-01"), D("2027-06-30"))
    assert terms.renewal == Period(3, D("2027-07-01"), D("2027-12-31"))
    assert terms.notice_deadline == D("2027-05-31")
    assert terms.notice_possible


def test_periods_of_twelve_months_on_the_day_after_the_deadline_of_a_leap_february() -> None:
    terms = terms_on(D("2027-04-01"), 12, D("2028-03-01"))
    assert terms.current == Period(1, D("2027-04-01"), D("2028-03-31"))
    assert terms.notice_deadline == D("2028-02-29")
    assert not terms.notice_possible
    assert terms.notice_ends_on == D("2029-03-31")


def test_periods_of_twenty_four_months() -> None:
    terms = terms_on(D("2025-07-01"), 24, D("2027-05-31"))
    assert terms.current == Period(1, D("2025-07-01"), D("2027-06-30"))
    assert terms.renewal == Period(2, D("2027-07-01"), D("2029-06-30"))
    assert terms.notice_deadline == D("2027-05-31")
    assert terms.notice_possible


# 6. A date before start belongs to the first period.


def test_a_date_before_start_belongs_to_the_first_period() -> None:
    terms = terms_on(D("2026-03-01"), 12, D("2026-01-10"))
    assert not terms.started
    assert terms.current == Period(1, D("2026-03-01"), D("2027-02-28"))
    assert terms.notice_possible


# 7. Today is the date in Europe/Amsterdam.


def test_today_is_the_date_in_amsterdam() -> None:
    # 23:30 UTC on 28 March 2026 is 00:30 on 29 March in Amsterdam (CET, +01:00).
    assert today(datetime(2026, 3, 28, 23, 30, tzinfo=UTC)) == D("2026-03-29")


# A contract without start or period, and the command.


def test_a_tier_has_no_start_and_the_error_names_the_key(rules: RuleSet) -> None:
    with pytest.raises(InputError) as caught:
        contract_terms(effective_for_tier(rules, "advanced"), D("2026-01-01"))
    problem = caught.value.problems[0]
    assert problem.location.path == "start"
    assert "advanced has no start" in problem.message


def test_cli_term_json(runner: CliRunner) -> None:
    result = runner.invoke(
        main,
        [
            "term",
            "contracts/jansen-installatietechniek.yaml",
            "--on",
            "2027-02-01",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "start": "2026-03-01",
        "period_months": 12,
        "on": "2027-02-01",
        "started": True,
        "period": {"number": 1, "start": "2026-03-01", "end": "2027-02-28"},
        "expiry": "2027-02-28",
        "renewal": {"number": 2, "start": "2027-03-01", "end": "2028-02-29"},
        "notice_deadline": "2027-01-31",
        "notice_possible": False,
        "notice_ends_on": "2028-02-29",
    }


def test_cli_term_text(runner: CliRunner) -> None:
    result = runner.invoke(
        main, ["term", "contracts/jansen-installatietechniek.yaml", "--on", "2027-01-31"]
    )
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "# contracts/jansen-installatietechniek.yaml: terms on 2027-01-31"
    assert "expiry             2027-02-28" in lines
    assert "notice deadline    2027-01-31 (one month before it ends)" in lines
    assert "notice possible    yes" in lines


def test_cli_term_of_a_tier_exits_1_naming_the_key(runner: CliRunner) -> None:
    result = runner.invoke(main, ["term", "advanced"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: start: advanced has no start")


def test_cli_term_bad_date_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(
        main, ["term", "contracts/jansen-installatietechniek.yaml", "--on", "31-01-2027"]
    )
    assert result.exit_code == 2
    assert "--on" in result.stderr


def test_d9_the_term_command_prints_28_february_for_a_31_january_start(
    runner: CliRunner, tmp_path: Path
) -> None:
    contract = tmp_path / "maand.yaml"
    contract.write_text(
        "customer: Maand B.V.\ntier: standaard\nstart: 2026-01-31\nperiod_months: 1\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["term", str(contract), "--on", "2026-02-10", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["expiry"] == "2026-02-28"
    assert data["renewal"] == {"number": 2, "start": "2026-03-01", "end": "2026-03-31"}
    assert data["notice_deadline"] == "2026-01-31"
    assert data["notice_possible"] is False
    # Notice on 10 February is too late for 28 February: it ends the renewal, on 31 March.
    assert data["notice_ends_on"] == "2026-03-31"
