"""The facts of one call to price (`Work`) and the kinds of work, checked when made.

Apart from `quote` so that the command line can offer the kinds of work (`--work`) without
loading the price list's machinery.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.errors import InputError, did_you_mean

INCIDENT, CONFIG_CHANGE, OUTSIDE_SLA = "incident", "config-change", "outside-sla"
WORK_KINDS = (INCIDENT, CONFIG_CHANGE, OUTSIDE_SLA)


@dataclass(frozen=True)
class Work:
    """The facts of one call to price; `start` is an aware datetime."""

    priority: int
    start: datetime
    minutes: int
    kind: str = INCIDENT
    on_site: bool = False
    travel_minutes: int = 0
    causes: tuple[str, ...] = ()
    ticket: str | None = None

    def __post_init__(self) -> None:
        if self.priority not in (1, 2, 3, 4):
            raise InputError.at(f"priority {self.priority!r} does not exist; use 1, 2, 3 or 4")
        if self.kind not in WORK_KINDS:
            raise InputError.at(
                f"work {self.kind!r} is not known{did_you_mean(self.kind, WORK_KINDS)}"
            )
        for name in ("minutes", "travel_minutes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InputError.at(f"{name} is {value!r}; give a whole number, 0 or more")
        if self.travel_minutes and not self.on_site:
            raise InputError.at("travel time is only charged for an on-site visit; add on_site")
        if self.start.tzinfo is None or self.start.utcoffset() is None:
            raise InputError.at(f"{self.start} has no time zone; give an offset or local time")
