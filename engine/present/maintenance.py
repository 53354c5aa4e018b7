"""A planned-maintenance notice (seed §2.6): load a notice file, check it, make it data.

§2.6 says a notice states the contact person, the time window, the expected duration, the
services affected and the reason. Each is required by schemas/maintenance.schema.json, so a
missing one is an error naming it at the notice's file:line:col. Beyond the schema: the times
are read as `engine.clock.times.parse_time` reads them (local Europe/Amsterdam unless an offset is
given), the window must end after it starts, the expected duration must fit in the window, and
every service must be one of rules/services.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from engine.clock.durations import parse_duration
from engine.clock.times import parse_time
from engine.errors import InputError, Problem, SlaError, ValidationError, did_you_mean
from engine.i18n import _
from engine.rules.ruleset import RuleSet
from engine.rules.schemas import check
from engine.rules.yaml_loader import Document, KeyPath, load_yaml


@dataclass(frozen=True)
class Contact:
    name: str
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class MaintenanceNotice:
    """What a notice of planned maintenance says; times are aware, `reason` per language."""

    contact: Contact
    start: datetime
    end: datetime
    expected_duration: timedelta
    services: tuple[str, ...]
    reason: dict[str, str]
    reference: str | None = None
    issued: date | None = None
    file: str | None = None

    def reason_in(self, lang: str) -> str:
        """The reason in `lang`; a reason written once (a plain string) serves every language."""
        return self.reason.get(lang) or self.reason["nl"]


def load_notice(path: Path, rules: RuleSet, display_name: str | None = None) -> MaintenanceNotice:
    """Read and check a notice file; every problem found is reported at once."""
    document = load_yaml(path, display_name)
    problems = check(document, "maintenance")
    if problems:
        raise ValidationError(problems)
    return notice_from_document(document, rules)


def notice_from_document(document: Document, rules: RuleSet) -> MaintenanceNotice:
    """The notice of a document that passed its schema; the checks beyond the schema."""
    data: dict[str, Any] = document.data
    problems: list[Problem] = []
    start = _time(document, ("window", "start"), problems)
    end = _time(document, ("window", "end"), problems)
    duration = _duration(document, problems)
    if start and end and end <= start:
        problems.append(
            Problem(
                _("the window ends before it starts; the end must be after the start"),
                document.location(("window", "end")),
            )
        )
    elif start and end and duration is not None and duration > end - start:
        problems.append(
            Problem(
                _(
                    "the expected duration {duration} is longer than the window ({window}); "
                    "widen the window or shorten the duration"
                ).format(duration=data["expected_duration"], window=_hours(end - start)),
                document.location(("expected_duration",)),
            )
        )
    issued_text = data.get("issued")
    if start and issued_text and date.fromisoformat(issued_text) > start.date():
        problems.append(
            Problem(
                f"issued {issued_text}, after the window starts ({start.date().isoformat()}); "
                "a notice is given before the maintenance (§2.6, 'voorafgaand'): correct the "
                "date it was issued",
                document.location(("issued",)),
            )
        )
    known = rules.services
    for index, service in enumerate(data["services"]):
        if service not in known:
            problems.append(
                Problem(
                    _("unknown service {name}").format(name=repr(service))
                    + did_you_mean(service, known),
                    document.location(("services", index)),
                )
            )
    if problems:
        raise ValidationError(problems)
    assert start is not None and end is not None and duration is not None
    reason = data["reason"]
    contact = data["contact"]
    issued = data.get("issued")
    return MaintenanceNotice(
        contact=Contact(contact["name"], contact.get("email"), contact.get("phone")),
        start=start,
        end=end,
        expected_duration=duration,
        services=tuple(data["services"]),
        reason={"nl": reason, "en": reason} if isinstance(reason, str) else dict(reason),
        reference=data.get("reference"),
        issued=date.fromisoformat(issued) if issued else None,
        file=document.file,
    )


def _time(document: Document, path: KeyPath, problems: list[Problem]) -> datetime | None:
    value: Any = document.data
    for key in path:
        value = value[key]
    try:
        return parse_time(value)
    except SlaError as error:
        problems.extend(Problem(p.message, document.location(path)) for p in error.problems)
        return None


def _duration(document: Document, problems: list[Problem]) -> timedelta | None:
    try:
        duration = parse_duration(document.data["expected_duration"])
    except InputError as error:
        problems.extend(
            Problem(p.message, document.location(("expected_duration",))) for p in error.problems
        )
        return None
    if not duration:
        problems.append(
            Problem(
                _("the expected duration is zero; give the time the maintenance takes, e.g. 2h"),
                document.location(("expected_duration",)),
            )
        )
        return None
    return duration


def _hours(value: timedelta) -> str:
    minutes = int(value.total_seconds()) // 60
    hours, rest = divmod(minutes, 60)
    return f"{hours}h{rest}m" if rest else f"{hours}h"
