"""One incident and its deadlines: the incident model, the exception matcher, and the three clocks
(first response, resolution, time on site) with pauses and priority history.

Public names are imported on first use (engine/_lazy.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine._lazy import surface

_NAMES = {
    "Incident": ".deadlines",
    "Deadlines": ".deadlines",
    "Target": ".deadlines",
    "incident_deadlines": ".deadlines",
    "deadlines_for": ".under_contract",
    "load_incident": ".load",
    "IncidentFile": ".load",
    "matched_exceptions": ".exceptions",
}
__all__ = [
    "Deadlines",
    "Incident",
    "IncidentFile",
    "Target",
    "deadlines_for",
    "incident_deadlines",
    "load_incident",
    "matched_exceptions",
]
__getattr__, __dir__ = surface(__name__, _NAMES)

if TYPE_CHECKING:
    from engine.incident.deadlines import Deadlines, Incident, Target, incident_deadlines
    from engine.incident.exceptions import matched_exceptions
    from engine.incident.load import IncidentFile, load_incident
    from engine.incident.under_contract import deadlines_for
