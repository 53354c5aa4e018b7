"""Contract terms (SPEC §6, seed §2.1): periods, expiry, tacit renewal and the notice deadline.

The seed: "Het SLA is geldig voor de periode waarover is vooruitbetaald en wordt stilzwijgend
verlengd voor minimaal dezelfde periode. De opzegtermijn is 1 maand voor de expiratiedatum."
What the engine reads in that, sentence by sentence (each has a test named after it):

1. D-9 (`period_month_end`): a period of n months that starts on day d ends on the day before
   day d of the n-th month after; when that month has no day d (31 January + 1 month,
   29 February + 12 months) it ends on the last day of that month. Each period starts the day
   after the one before ends, so 31-01-2026 + 1 month covers up to and including 28-02-2026
   and the renewal runs 01-03-2026 – 31-03-2026.
2. The expiry date is the last day of a period; the contract is valid up to and including it.
   1 January 2026 + 12 months expires on 31 December 2026.
3. Tacit renewal is for the same period (the seed's minimum): the renewal runs from the day
   after the expiry date for `period_months` months.
4. D-10 (`notice_deadline`): the last day to give notice is the day before the date one month
   before the first day after the period (a month that lacks that day uses its last day):
   for expiry 31 December, 30 November; for 28 February 2026, 31 January 2026; for
   30 June, 31 May (the whole of June is the notice month); for 14 March, 14 February.
5. Notice is still possible on a date when that date is on or before the last day to give
   notice. When it is not, notice given that day ends the contract at the next expiry date
   after it whose notice deadline has not passed (the end of the renewal, for most periods).
6. A date before `start` belongs to the first period (the contract has not started yet); the
   contract does not cover it (D-11, `covers`).
7. "Today" is the date in Europe/Amsterdam, whatever the machine's time zone.
8. Dates are counted from `EARLIEST` to `LATEST` (years 1900–2999) and a period is 1 to
   `MAX_PERIOD_MONTHS` months; anything outside is an input error, not an overflow.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from engine.contract.merge import EffectiveContract
from engine.errors import InputError
from engine.i18n import _, ngettext

ZONE = ZoneInfo("Europe/Amsterdam")
_ONE_DAY = timedelta(days=1)
EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)
MAX_PERIOD_MONTHS = 120
"""The range the terms are counted in: a contract is of this century or the next few, and a
prepaid period of more than ten years is a typing error (the schema says the same)."""


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


def period_end(first: date, period_months: int) -> date:
    """The last day of a period of `period_months` that starts on `first` (D-9)."""
    month_index = first.year * 12 + first.month - 1 + period_months
    year, month = divmod(month_index, 12)
    month += 1
    _check_year(year)
    last = monthrange(year, month)[1]
    if first.day > last:
        return date(year, month, last)
    return date(year, month, first.day) - _ONE_DAY


def period(start: date, period_months: int, number: int) -> Period:
    """Period `number` (1-based): each starts the day after the one before ends (D-9)."""
    first = start
    for done in range(number - 1):
        if first.day <= 28:  # no month lacks this day: the rest follow in whole months
            first = _add_months(first, (number - 1 - done) * period_months)
            break
        first = period_end(first, period_months) + _ONE_DAY
    return Period(number, first, period_end(first, period_months))


def notice_deadline(expiry: date) -> date:
    """The last day to give notice for a period that expires on `expiry` (D-10)."""
    following = expiry + _ONE_DAY
    return _add_months(following, -1) - _ONE_DAY


def _add_months(day: date, months: int) -> date:
    """`day` moved by whole months; a month that lacks the day uses its last day."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    _check_year(year)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def _check_year(year: int) -> None:
    if not EARLIEST.year <= year <= LATEST.year + 1:
        raise InputError.at(
            f"the terms reach the year {year}; dates are counted from {EARLIEST} to {LATEST}",
        )


def check_date(value: date, what: str, **where: object) -> date:
    """`value` when it lies in the range the terms are counted in, else an InputError."""
    if not EARLIEST <= value <= LATEST:
        raise InputError.at(
            f"{what} {value.isoformat()} is outside the dates the engine counts terms in "
            f"({EARLIEST.isoformat()} to {LATEST.isoformat()})",
            **where,
        )
    return value


def terms_on(start: date, period_months: int, on: date) -> Terms:
    """The terms of a contract starting on `start` with periods of `period_months`, on `on`."""
    if isinstance(period_months, bool) or not isinstance(period_months, int):
        raise InputError.at(
            f"period_months is {period_months!r}; write a whole number of months, e.g. 12",
            path="period_months",
        )
    if not 1 <= period_months <= MAX_PERIOD_MONTHS:
        raise InputError.at(
            f"period_months is {period_months}; it must be a whole number of months, "
            f"1 to {MAX_PERIOD_MONTHS}",
            path="period_months",
        )
    check_date(start, "the start", path="start")
    check_date(on, "the date")
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
