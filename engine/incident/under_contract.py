"""The deadlines of an incident under an effective contract, with the rules' calendars,
exception clauses and decisions filled in: the one call the CLI and batch evaluation make."""

from __future__ import annotations

from engine.contract.merge import EffectiveContract
from engine.incident.deadlines import Deadlines, Incident, incident_deadlines
from engine.rules.ruleset import RuleSet


def deadlines_for(rules: RuleSet, contract: EffectiveContract, incident: Incident) -> Deadlines:
    return incident_deadlines(
        contract.values,
        incident,
        calendars=rules.calendar_rules(),
        exceptions=rules.exception_rules(),
        settings=rules.settings,
    )
