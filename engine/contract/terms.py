"""Contract terms (SPEC §6, seed §2.1): periods, expiry, tacit renewal and the notice deadline.

The seed: "Het SLA is geldig voor de periode waarover is vooruitbetaald en wordt stilzwijgend
verlengd voor minimaal dezelfde periode. De opzegtermijn is 1 maand voor de expiratiedatum."
What the engine reads in that, sentence by sentence (each has a test named after it):

1. Periods are counted from the contract's `start`: period n (1, 2, …) starts on
   `start + (n - 1) × period_months` months, always reckoned from `start` itself, so a
   contract starting on 31 January keeps returning to the month's end (28 or 29 February,
   31 March, 30 April …) instead of drifting to the 28th. A month that lacks the start's day
   uses its last day (python-dateutil `relativedelta`): 29 February + 12 months is 28 February.
2. The expiry date is the last day of a period, the day before the next period starts; the
   contract is valid up to and including it. 1 January 2026 + 12 months expires on
   31 December 2026.
3. Tacit renewal is for the same period (the seed's minimum): the renewal runs from the day
   after the expiry date for `period_months` months.
4. Notice must be given at least one calendar month before the contract ends, and it ends at
   the end of its expiry date. So the last day to give notice is the day before the date one
   month before the day after expiry: for expiry 31 December, 30 November; for 31 March,
   28 February (29 in a leap year); for 30 June, 31 May (the whole of June is the notice
   month; not 30 May); for 14 March, 14 February.
5. Notice is still possible on a date when that date is on or before the last day to give
   notice. When it is not, notice given that day ends the contract at the next expiry date
   after it whose notice deadline has not passed (the end of the renewal, for most periods).
6. A date before `start` belongs to the first period (the contract has not started yet).
7. "Today" is the date in Europe/Amsterdam, whatever the machine's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from engine.contract.merge import EffectiveContract
from engine.errors import InputError
from engine.i18n import _, ngettext

ZONE = ZoneInfo("Europe/Amsterdam")
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """One period of the contract: its number (1 = the first) and first and last day."""

    number: int
    start: date
    end: date  # the expiry date: the last day the contract is valid in this period


@dataclass(frozen=True)
class Terms:
    """The terms of a contract as they stand on one date."""

    start: date
    period_months: int
    on: date
    started: bool
    current: Period
    renewal: Period
    notice_deadline: date
    notice_possible: bool
    notice_ends_on: date  # the expiry date at which notice given on `on` ends the contract

    @property
    def expiry(self) -> date:
        return self.current.end

    def as_dict(self) -> dict[str, Any]:
        """The terms as JSON-ready data, dates as YYYY-MM-DD."""
        return {
            "start": self.start.isoformat(),
            "period_months": self.period_months,
            "on": self.on.isoformat(),
            "started": self.started,
            "period": _period_dict(self.current),
            "expiry": self.expiry.isoformat(),
            "renewal": _period_dict(self.renewal),
            "notice_deadline": self.notice_deadline.isoformat(),
            "notice_possible": self.notice_possible,
            "notice_ends_on": self.notice_ends_on.isoformat(),
        }


def today(now: datetime | None = None) -> date:
    """The date in Europe/Amsterdam now (or at `now`, an aware datetime)."""
    moment = now or datetime.now(ZONE)
    return moment.astimezone(ZONE).date()


def period(start: date, period_months: int, number: int) -> Period:
    """Period `number` (1-based), reckoned from `start` so month ends do not drift."""
    first = start + relativedelta(months=(number - 1) * period_months)
    following = start + relativedelta(months=number * period_months)
    return Period(number, first, following - _ONE_DAY)


def notice_deadline(expiry: date) -> date:
    """The last day to give notice for a period that expires on `expiry` (sentence 4)."""
    return expiry + _ONE_DAY - relativedelta(months=1) - _ONE_DAY


def terms_on(start: date, period_months: int, on: date) -> Terms:
    """The terms of a contract starting on `start` with periods of `period_months`, on `on`."""
    if period_months < 1:
        raise InputError.at(
            f"period_months is {period_months}; it must be a whole number of months, at least 1",
            path="period_months",
        )
    current = period(start, period_months, _period_number(start, period_months, on))
    deadline = notice_deadline(current.end)
    ends = current
    while notice_deadline(ends.end) < on:  # at most a step or two: each period is >= 1 month
        ends = period(start, period_months, ends.number + 1)
    return Terms(
        start=start,
        period_months=period_months,
        on=on,
        started=on >= start,
        current=current,
        renewal=period(start, period_months, current.number + 1),
        notice_deadline=deadline,
        notice_possible=on <= deadline,
        notice_ends_on=ends.end,
    )


def contract_terms(contract: EffectiveContract, on: date) -> Terms:
    """The terms of an effective contract; a contract without start or period is an error."""
    for key, value in (("start", contract.start), ("period_months", contract.period_months)):
        if value is None:
            raise InputError.at(
                f"{contract.file or contract.tier} has no {key}; terms need a contract file "
                "with start (YYYY-MM-DD) and period_months",
                file=contract.file,
                path=key,
            )
    assert contract.start is not None and contract.period_months is not None
    try:
        start = date.fromisoformat(contract.start)
    except ValueError:
        raise InputError.at(
            f"{contract.start!r} is not a date; write YYYY-MM-DD", file=contract.file, path="start"
        ) from None
    return terms_on(start, contract.period_months, on)


def _period_number(start: date, period_months: int, on: date) -> int:
    if on < start:
        return 1
    months = (on.year - start.year) * 12 + on.month - start.month
    number = max(1, months // period_months)  # an estimate at most one period short
    while period(start, period_months, number).end < on:
        number += 1
    return number


def _period_dict(value: Period) -> dict[str, Any]:
    return {"number": value.number, "start": value.start.isoformat(), "end": value.end.isoformat()}


def terms_text(terms: Terms, name: str) -> str:
    """A short readable summary of the terms on a date, in the run's language."""
    months = ngettext("{count} month a period", "{count} months a period", terms.period_months)
    rows = [
        (_("start"), f"{terms.start.isoformat()} ({months.format(count=terms.period_months)})"),
        (
            _("current period"),
            _span(terms.current) + ("" if terms.started else " " + _("(not started yet)")),
        ),
        (_("expiry"), terms.expiry.isoformat()),
        (_("tacit renewal"), _span(terms.renewal)),
        (
            _("notice deadline"),
            f"{terms.notice_deadline.isoformat()} " + _("(one month before it ends)"),
        ),
        (
            _("notice possible"),
            _("yes") if terms.notice_possible else _("no (the last day has passed)"),
        ),
        (_("notice now ends it"), terms.notice_ends_on.isoformat()),
    ]
    width = max(len(label) for label, _value in rows)
    heading = _("# {name}: terms on {date}").format(name=name, date=terms.on.isoformat())
    lines = [heading, *(f"{label:<{width}} {value}" for label, value in rows)]
    return "\n".join(lines) + "\n"


def _span(value: Period) -> str:
    period = _("(period {number})").format(number=value.number)
    return f"{value.start.isoformat()} – {value.end.isoformat()} {period}"
