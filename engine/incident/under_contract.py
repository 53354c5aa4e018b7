"""The deadlines of an incident under an effective contract, with the rules' calendars,
exception clauses and decisions filled in: the one call the CLI and batch evaluation make."""

from __future__ import annotations

from dataclasses import replace

from engine.contract.coverage import covering_contract
from engine.contract.merge import EffectiveContract
from engine.contract.waivers import exception_rules_for
from engine.incident.deadlines import Deadlines, Incident, incident_deadlines
from engine.rules.ruleset import RuleSet


def deadlines_for(rules: RuleSet, contract: EffectiveContract, incident: Incident) -> Deadlines:
    contract, outside = covering_contract(rules, contract, incident.reported)  # D-11
    deadlines = incident_deadlines(
        contract.values,
        incident,
        calendars=rules.calendar_rules(),
        exceptions=exception_rules_for(rules, contract),
        settings=rules.settings,
    )
    return deadlines if outside is None else replace(deadlines, outside_term=outside)
