"""One row of a helpdesk export read into an `Incident` (for the clocks) and a `Work` (for the
price), every error naming the row and the column.

A row comes from CSV (every value a string; an empty cell is an absent value) or from JSON Lines
(values typed: numbers, booleans, lists). Both forms are accepted in either file:

- ticket (required): `T-1001`.
- priority: `1` … `4`; may be empty when priority_history gives it (JSON: `1` or `"1"`).
- reported (required), first_response, resolved, on_site_arrival, start: ISO 8601 times as
  `sla deadline` reads them (`2026-11-23T16:00`; without an offset Europe/Amsterdam).
- pauses: CSV `FROM/TO;FROM/TO`; JSON `["FROM/TO", …]` or `[{"from": …, "to": …}]`.
- causes: CSV `derde-partij;misbruik`; JSON `["derde-partij"]`; each an exception rule id.
- minutes, travel_minutes: whole numbers. work: `incident`, `config-change`, `outside-sla`.
- on_site: `true` or `false`.
- priority_history: CSV `2026-11-23T10:00=3;2026-11-23T12:00=1`; JSON `["…=3", …]` or
  `[{"from": …, "priority": 3}]`.

- A priority history lists the priority in force from each moment on. Its first entry is the
  priority at the report (its time is the report's), later entries are changes, in time order,
  none after the resolution; the last entry's priority is the row's priority (the column may
  be left empty). A history of one entry is no change at all.
- Without `minutes` nothing is priced: the row gets no cost (an export without work times
  still has deadlines). The call is priced from `start`, else the first response (when an
  engineer started), else the report.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from engine.clock.times import DEFAULT_ZONE, EpochTimes, parse_interval, parse_time
from engine.errors import InputError, Location, Problem, SlaError, did_you_mean
from engine.incident.deadlines import Incident
from engine.pricing.quote import INCIDENT, WORK_KINDS, Work

TIME_COLUMNS = ("reported", "first_response", "resolved", "on_site_arrival", "start")
COLUMNS = (
    "ticket",
    "priority",
    *TIME_COLUMNS,
    "pauses",
    "causes",
    "minutes",
    "work",
    "on_site",
    "travel_minutes",
    "priority_history",
)
PRIORITIES = {"1": 1, "2": 2, "3": 3, "4": 4}
_LOCAL = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d)?$")
_DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d")
_TIME_HINT = "write e.g. 2026-11-23T16:00"


@dataclass(frozen=True, slots=True)
class Change:
    """From `at` on, the ticket has `priority`."""

    at: datetime
    priority: int


@dataclass(frozen=True, slots=True)
class ParsedRow:
    """A row as the evaluation needs it: where it was, the incident, its work and history."""

    file: str
    line: int
    incident: Incident
    work: Work | None
    history: tuple[Change, ...] = ()  # empty, or the priority at the report plus changes
    visit: bool = False  # an engineer came (or has to come) on site


class RowError(InputError):
    """A row that cannot be evaluated; its problems name the file, row and column."""


EpochWork = tuple[int, str, bool, int]
"""Work in the integer path: minutes, kind, on site, travel minutes."""

EpochRow = tuple[
    str,  # ticket
    int,  # priority
    tuple[str, ...],  # causes
    int,  # reported (epoch seconds)
    int | None,  # first_response
    int | None,  # resolved
    int | None,  # on_site_arrival
    int,  # the start of the work (start, else first response, else reported)
    tuple[tuple[int, int], ...],  # pauses, as written (not merged)
    tuple[tuple[int, int], ...],  # priority history (at, priority); empty without changes
    EpochWork | None,  # None: no minutes
    bool,  # visit
]
"""A row as `RowReader.epoch_row` reads it: `parse`'s ParsedRow with instants in epoch seconds."""


class _Unusual(Exception):
    """A cell the integer path leaves to `parse` (which reads it or says what is wrong)."""


_FLAGS = {"": False, "true": True, "false": False}


class RowReader:
    """Reads rows of one export; `file` is the name errors show, `causes` the known ones."""

    def __init__(self, file: str, causes: Collection[str], zone: ZoneInfo = DEFAULT_ZONE) -> None:
        self.file = file
        self.causes = causes
        self.zone = zone
        self._safe_dates: dict[str, bool] = {}
        self.epochs = EpochTimes(zone)
        self._known_causes: dict[str, tuple[str, ...] | None] = {}

    def columns(self, header: Sequence[str]) -> tuple[int, ...]:
        """For `epoch_row`: the index of each of COLUMNS in a CSV header, -1 when absent."""
        return tuple(header.index(name) if name in header else -1 for name in COLUMNS)

    def epoch_row(self, cells: list[str], columns: tuple[int, ...]) -> EpochRow | None:
        """The CSV row `cells` as `parse` reads it, instants in epoch seconds; None when a cell
        is in any form but the plain ones (then `parse` reads the row, or rejects it).

        `columns` is `columns(header)`; an empty cell is appended to `cells` for the absent
        columns (index -1). Every row `parse` would reject gives None.
        """
        cells.append("")
        (
            at_ticket,
            at_priority,
            at_reported,
            at_first,
            at_resolved,
            at_arrival,
            at_start,
            at_pauses,
            at_causes,
            at_minutes,
            at_work,
            at_on_site,
            at_travel,
            at_history,
        ) = columns
        read, slow = self.epochs.read, self._epoch
        try:
            ticket = cells[at_ticket].strip()
            text = cells[at_reported]
            reported = read(text)
            if reported is None:
                reported = slow(text)
                if reported is None:
                    raise _Unusual
            # `read(text) or slow(text)`: slow reads what read does not (0 is read again).
            text = cells[at_first]
            first = (read(text) or slow(text)) if text else None
            text = cells[at_resolved]
            resolved = (read(text) or slow(text)) if text else None
            text = cells[at_arrival]
            arrival = (read(text) or slow(text)) if text else None
            text = cells[at_start]
            start = (read(text) or slow(text)) if text else None
            text = cells[at_priority]
            priority = PRIORITIES.get(text)
            if (priority is None and text) or not ticket:
                raise _Unusual
            text = cells[at_history]
            history = self._epoch_history(text, reported, resolved) if text else ()
            if history:
                last = history[-1][1]
                if priority is not None and priority != last:
                    raise _Unusual
                priority = last
            if priority is None:
                raise _Unusual
            if (
                (
                    first is not None
                    and (first < reported or (resolved is not None and resolved < first))
                )
                or (resolved is not None and resolved < reported)
                or (arrival is not None and arrival < reported)
            ):
                raise _Unusual
            text = cells[at_pauses]
            pauses = self._epoch_pauses(text) if text else ()
            text = cells[at_causes]
            causes = self._causes_of(text) if text else ()
            text = cells[at_minutes]
            on_site = _FLAGS.get(cells[at_on_site])
            if on_site is None:
                raise _Unusual
            if not text:
                work = None
            else:
                kind = cells[at_work].strip() or INCIDENT
                travel = cells[at_travel]
                if (
                    kind not in WORK_KINDS
                    or not (text.isascii() and text.isdigit())
                    or (travel and not (travel.isascii() and travel.isdigit()))
                ):
                    raise _Unusual
                work = (int(text), kind, on_site, int(travel) if travel else 0)
                if work[3] and not on_site:
                    raise _Unusual  # Work refuses travel time without a visit
        except _Unusual:
            return None
        if start is None:
            start = reported if first is None else first
        return (
            ticket,
            priority,
            causes,
            reported,
            first,
            resolved,
            arrival,
            start,
            pauses,
            history if len(history) > 1 else (),
            work,
            on_site,
        )

    def _epoch(self, text: str) -> int | None:
        """A time cell in epoch seconds as `time` reads it; None when empty; _Unusual for an
        error, a time with an offset (it keeps its own zone) or with sub-seconds."""
        if not text:
            return None
        found = self.epochs.read(text)
        if found is not None:
            return found
        try:
            moment = self.time(text)
        except SlaError:
            raise _Unusual from None
        return self._whole(moment)

    def _whole(self, moment: datetime | None) -> int:
        if moment is None or moment.tzinfo is not self.zone or moment.microsecond:
            raise _Unusual
        return self.epochs.epoch(moment)

    def _epoch_pauses(self, text: str) -> tuple[tuple[int, int], ...]:
        out = []
        for item in _items(text):
            parts = item.split("/")
            if len(parts) != 2:
                raise _Unusual
            ends = []
            for part in parts:
                found = self.epochs.read(part)
                if found is None:
                    try:
                        found = self._whole(parse_time(part, self.zone))
                    except SlaError:
                        raise _Unusual from None
                ends.append(found)
            if ends[1] < ends[0]:
                raise _Unusual
            out.append((ends[0], ends[1]))
        return tuple(out)

    def history_of(
        self, text: str, reported: int, resolved: int | None
    ) -> tuple[tuple[int, int], ...] | None:
        """The (at, priority) changes of a non-empty priority_history cell as epoch_row reads
        them for a row reported and resolved then; None when it does not (`parse` says what
        is wrong, or reads a form epoch_row leaves to it)."""
        try:
            return self._epoch_history(text, reported, resolved)
        except _Unusual:
            return None

    def causes_of(self, text: str) -> tuple[str, ...] | None:
        """The causes of a non-empty causes cell as epoch_row reads them; None when it does
        not (an unknown cause: `parse` says what is wrong)."""
        try:
            return self._causes_of(text)
        except _Unusual:
            return None

    def _causes_of(self, text: str) -> tuple[str, ...]:
        if text not in self._known_causes:
            causes: tuple[str, ...] | None = tuple(_items(text))
            if causes is not None and any(cause not in self.causes for cause in causes):
                causes = None
            if len(self._known_causes) > 10_000:
                self._known_causes.clear()
            self._known_causes[text] = causes
        found = self._known_causes[text]
        if found is None:
            raise _Unusual
        return found

    def _epoch_history(
        self, text: str, reported: int, resolved: int | None
    ) -> tuple[tuple[int, int], ...]:
        changes = []
        for item in _items(text):
            at, equals, written = item.rpartition("=")
            moment = self._epoch(at) if equals else None
            priority = PRIORITIES.get(written.strip())
            if moment is None or priority is None:
                raise _Unusual
            changes.append((moment, priority))
        if not changes:
            return ()
        if changes[0][0] != reported or (resolved is not None and changes[-1][0] > resolved):
            raise _Unusual
        for before, after in pairwise(changes):
            if after[0] <= before[0]:
                raise _Unusual
        return tuple(changes)

    def parse(self, line: int, values: Mapping[str, Any]) -> ParsedRow:
        """The row at `line` (as a person counts lines in the file); RowError when it is bad."""
        column: str | None = "ticket"
        try:
            unknown = [key for key in values if key not in _KNOWN]
            if unknown:
                column = unknown[0]
                raise InputError.at(f"unknown column{did_you_mean(column, COLUMNS)}")
            get = values.get
            ticket = _text(get("ticket"))
            if not ticket:
                raise InputError.at("missing; every incident has a ticket id (§2.9)")
            column = "reported"
            reported = self.time(get("reported"))
            if reported is None:
                raise InputError.at(f"missing; give the time it was reported, {_TIME_HINT}")
            column = "priority"
            priority = _priority(get("priority"))
            times: dict[str, datetime | None] = {}
            for column in TIME_COLUMNS[1:]:
                times[column] = self.time(get(column))
            column = "pauses"
            pauses = self._pauses(get("pauses"))
            column = "causes"
            causes = self._causes(get("causes"))
            column = "priority_history"
            history = self._history(get("priority_history"), reported, times["resolved"])
            if history:
                last = history[-1].priority
                if priority is not None and priority != last:
                    column = "priority"
                    raise InputError.at(
                        f"{priority} differs from the last priority of priority_history "
                        f"({last}); make them equal or leave priority empty"
                    )
                priority = last
            if priority is None:
                column = "priority"
                raise InputError.at("missing; give 1, 2, 3 or 4 (or a priority_history)")
            column = None  # the incident's own checks name the columns they compare
            incident = Incident(
                priority=priority,
                reported=reported,
                first_response=times["first_response"],
                resolved=times["resolved"],
                on_site=times["on_site_arrival"],
                causes=causes,
                pauses=pauses,
                ticket=ticket,
            )
            column = "minutes"
            work = self._work(values, incident, times["start"])
            column = "on_site"
            visit = work.on_site if work is not None else _flag(values.get("on_site"))
        except SlaError as error:
            raise RowError(
                [
                    Problem(
                        p.message, Location(self.file, line, path=p.location.path or column or None)
                    )
                    for p in error.problems
                ]
            ) from None
        return ParsedRow(
            self.file, line, incident, work, history if len(history) > 1 else (), visit
        )

    def time(self, value: Any) -> datetime | None:
        """An aware time from a cell, as `engine.clock.times.parse_time` reads it; None when empty.

        The common form (local time, no offset, on a day without a DST change) is read
        directly; every other form goes through parse_time, which refuses the ambiguous ones.
        """
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise InputError.at(f"{value!r} is not a time; {_TIME_HINT}")
        if _LOCAL.match(value):
            day = value[:10]
            safe = self._safe_dates.get(day)
            if safe is None:
                safe = self._safe_dates[day] = _no_dst_change(day, self.zone)
            if safe:
                try:
                    return datetime.fromisoformat(value).replace(tzinfo=self.zone)
                except ValueError:
                    pass  # e.g. 2026-02-30: parse_time says what is wrong
        try:
            return parse_time(value, self.zone)
        except InputError:
            if _DATE_TIME.match(value):
                raise  # its own words: a date that does not exist, a DST gap or repeat
            raise InputError.at(f"{value!r} is not a time; {_TIME_HINT}") from None

    def _pauses(self, value: Any) -> tuple[tuple[datetime, datetime], ...]:
        items = _items(value)
        out = []
        for item in items:
            if isinstance(item, Mapping):
                start, end = self.time(item.get("from")), self.time(item.get("to"))
                if start is None or end is None:
                    raise InputError.at(f"{dict(item)!r} needs both from and to")
                if end < start:
                    raise InputError.at("a pause ends before it starts; write FROM/TO")
                out.append((start, end))
            else:
                out.append(parse_interval(str(item), self.zone))
        return tuple(out)

    def _causes(self, value: Any) -> tuple[str, ...]:
        causes = tuple(str(item) for item in _items(value))
        for cause in causes:
            if cause not in self.causes:
                raise InputError.at(f"unknown cause {cause!r}{did_you_mean(cause, self.causes)}")
        return causes

    def _history(
        self, value: Any, reported: datetime, resolved: datetime | None
    ) -> tuple[Change, ...]:
        changes = []
        for item in _items(value):
            if isinstance(item, Mapping):
                at, prio = item.get("from"), item.get("priority")
            else:
                at, equals, prio = str(item).rpartition("=")
                if not equals:
                    at = prio = None
            moment = self.time(at)
            priority = _priority(prio)
            if moment is None or priority is None:
                raise InputError.at(
                    f"{item!r} is not a change; write TIME=PRIORITY, e.g. 2026-11-23T12:00=1"
                )
            changes.append(Change(moment, priority))
        if not changes:
            return ()
        if changes[0].at != reported:
            raise InputError.at(
                "the first entry is the priority at the report; give it the reported time"
            )
        for before, after in pairwise(changes):
            if after.at <= before.at:
                raise InputError.at("the changes are not in time order; sort them")
        if resolved is not None and changes[-1].at > resolved:
            raise InputError.at("a change after the resolution; remove it or fix resolved")
        return tuple(changes)

    def _work(
        self, values: Mapping[str, Any], incident: Incident, start: datetime | None
    ) -> Work | None:
        minutes = _whole(values.get("minutes"), "minutes")
        if minutes is None:
            return None
        kind = _text(values.get("work")) or INCIDENT
        if kind not in WORK_KINDS:
            raise InputError(
                Problem(
                    f"{kind!r} is not known{did_you_mean(kind, WORK_KINDS)}", Location(path="work")
                )
            )
        travel = _whole(values.get("travel_minutes"), "travel_minutes") or 0
        return Work(
            priority=incident.priority,
            start=start or incident.first_response or incident.reported,
            minutes=minutes,
            kind=kind,
            on_site=_flag(values.get("on_site")),
            travel_minutes=travel,
            causes=incident.causes,
            ticket=incident.ticket,
        )


_KNOWN = frozenset(COLUMNS)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _priority(value: Any) -> int | None:
    if value is None or value == "":
        return None
    found = PRIORITIES.get(str(value).strip()) if not isinstance(value, bool) else None
    if found is None:
        raise InputError.at(f"{value!r} is not a priority; use 1, 2, 3 or 4")
    return found


def _whole(value: Any, column: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value)
    else:
        raise InputError(
            Problem(
                f"{value!r} is not a whole number of minutes; write e.g. 45",
                Location(path=column),
            )
        )
    if number < 0:
        raise InputError(Problem(f"{value!r} is negative; give 0 or more", Location(path=column)))
    return number


def _flag(value: Any) -> bool:
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "false"):
        return text == "true"
    raise InputError(Problem(f"{value!r} is not true or false", Location(path="on_site")))


def _items(value: Any) -> list[Any]:
    """A list cell: a JSON list, or a CSV string of `;`-separated items."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [item.strip() for item in value.split(";") if item.strip()]
    raise InputError.at(f"{value!r} is not a list; write items separated by ';'")


def _no_dst_change(day: str, zone: ZoneInfo) -> bool:
    """Whether the zone keeps one UTC offset through the whole local day `day`."""
    try:
        noon = datetime.fromisoformat(f"{day}T12:00").replace(tzinfo=zone)
    except ValueError:
        return False
    before, after = noon - timedelta(hours=13), noon + timedelta(hours=13)
    return before.utcoffset() == noon.utcoffset() == after.utcoffset()


RowParser = Callable[[int, Mapping[str, Any]], ParsedRow]
