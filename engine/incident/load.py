"""Load an incident file: one call or piece of work, for a quote and for the deadline engine.

The file is checked against schemas/incident.schema.json (a ticket is required: every
administrative task has one, §2.9), then its times are read as `engine.clock.times.parse_time` reads
them, each error at the file:line:col of the value. Causes must name exception rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from engine.clock.times import parse_time
from engine.errors import InputError, Problem, SlaError, ValidationError
from engine.incident.deadlines import Incident
from engine.incident.exceptions import check_causes
from engine.pricing.quote import INCIDENT, Work
from engine.rules.ruleset import RuleSet
from engine.rules.schemas import check
from engine.rules.yaml_loader import Document, KeyPath, load_yaml


@dataclass(frozen=True)
class IncidentFile:
    """An incident as the file gives it, times aware; `minutes` is None when not given."""

    file: str
    ticket: str
    priority: int
    reported: datetime
    start: datetime
    minutes: int | None
    kind: str = INCIDENT
    on_site: bool = False
    travel_minutes: int = 0
    causes: tuple[str, ...] = ()
    first_response: datetime | None = None
    resolved: datetime | None = None
    on_site_arrival: datetime | None = None
    pauses: tuple[tuple[datetime, datetime], ...] = ()
    description: str | None = None
    document: Document | None = None

    def work(self) -> Work:
        """The call as pricing sees it; without `minutes` there is nothing to price."""
        if self.minutes is None:
            raise InputError.at(
                "the incident has no minutes; add minutes: N (time worked)", file=self.file
            )
        try:
            return Work(
                priority=self.priority,
                start=self.start,
                minutes=self.minutes,
                kind=self.kind,
                on_site=self.on_site,
                travel_minutes=self.travel_minutes,
                causes=self.causes,
                ticket=self.ticket,
            )
        except InputError as error:
            raise _located(error, self.document, ()) from None

    def incident(self) -> Incident:
        """The incident as the deadline engine (engine.incident.deadlines) sees it."""
        try:
            return Incident(
                priority=self.priority,
                reported=self.reported,
                first_response=self.first_response,
                resolved=self.resolved,
                on_site=self.on_site_arrival,
                causes=self.causes,
                pauses=self.pauses,
                ticket=self.ticket,
            )
        except InputError as error:
            raise _located(error, self.document, ()) from None


def load_incident(
    path: Path, display_name: str | None = None, rules: RuleSet | None = None
) -> IncidentFile:
    """Read, check and convert an incident file; with `rules`, causes are checked too."""
    document = load_yaml(path, display_name)
    problems = check(document, "incident")
    if problems:
        raise ValidationError(problems)
    data: dict[str, Any] = document.data
    times = _Times(document)
    reported = times.read(("reported",))
    start = times.read(("start",))
    pauses = []
    for index in range(len(data.get("pauses", []))):
        begin = times.read(("pauses", index, "from"))
        end = times.read(("pauses", index, "to"))
        if begin is not None and end is not None:
            if end < begin:
                times.problems.append(
                    Problem(
                        "the pause ends before it starts; swap from and to",
                        document.location(("pauses", index)),
                    )
                )
            pauses.append((begin, end))
    first_response = times.read(("first_response",))
    resolved = times.read(("resolved",))
    arrival = times.read(("on_site_arrival",))
    if times.problems or reported is None:  # reported is required by the schema
        raise InputError(times.problems)
    causes = tuple(data.get("causes", ()))
    if rules is not None:
        check_causes(causes, rules.exception_rules(), lambda i: document.location(("causes", i)))
    if data.get("travel_minutes") and not data.get("on_site"):
        raise InputError(
            Problem(
                "travel time is only charged for an on-site visit; add on_site: true or "
                "remove travel_minutes",
                document.location(("travel_minutes",)),
            )
        )
    return IncidentFile(
        file=document.file,
        ticket=data["ticket"],
        priority=data["priority"],
        reported=reported,
        start=start or reported,
        minutes=data.get("minutes"),
        kind=data.get("work", INCIDENT),
        on_site=bool(data.get("on_site", False)),
        travel_minutes=int(data.get("travel_minutes", 0)),
        causes=causes,
        first_response=first_response,
        resolved=resolved,
        on_site_arrival=arrival,
        pauses=tuple(pauses),
        description=data.get("description"),
        document=document,
    )


class _Times:
    """Reads the times of a document, collecting every bad one with its location."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.problems: list[Problem] = []

    def read(self, path: KeyPath) -> datetime | None:
        value: Any = self.document.data
        for key in path:
            value = value.get(key) if isinstance(value, dict) else value[key]
            if value is None:
                return None
        try:
            return parse_time(str(value))
        except InputError as error:
            self.problems.extend(_located(error, self.document, path).problems)
            return None


def _located(error: SlaError, document: Document | None, path: KeyPath) -> InputError:
    """The error's problems placed at `path` of the document (when they have no place yet)."""
    if document is None:
        return InputError(error.problems)
    return InputError(
        [
            p if p.location.file else Problem(p.message, document.location(path))
            for p in error.problems
        ]
    )
