"""The VIOMS service-level contract engine: rules in YAML, effective contracts, deadlines, costs.

This module is the engine's facade: the names below are what the command line (and any other
program) uses, whatever subpackage holds them. They are imported on first use (PEP 562), so
`import engine` costs nothing and a command loads only what it runs.

    import engine
    rules = engine.load_rules()                     # the shipped rules (or load_rules(folder))
    due = engine.deadlines(rules, "standaard", priority=1, reported=engine.parse_time("…"))
    print(engine.deadline_report(due, "text", "nl"), end="")

Subpackages, by concept: `rules` (YAML loader, schemas, rule set, settings, validation),
`contract` (merge with origins, deviations, diff, builder, terms), `clock` (calendars, service
time, times and durations), `incident` (incident, exceptions, the clocks), `pricing` (quote,
rates, service windows, prepaid card), `evaluate` (helpdesk exports), `present` (reports and
customer documents).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine._lazy import surface

# name -> module that defines it
_SURFACE = {
    # errors and where things are
    "SlaError": "engine.errors",
    "Problem": "engine.errors",
    "Location": "engine.errors",
    "InputError": "engine.errors",
    "did_you_mean": "engine.errors",
    "RULES_DIR": "engine.paths",
    "SCHEMAS_DIR": "engine.paths",
    "TEMPLATES_DIR": "engine.paths",
    "display_path": "engine.paths",
    "atomic_file": "engine.output",
    "write_atomic": "engine.output",
    # rules
    "RuleSet": "engine.rules.ruleset",
    "Settings": "engine.rules.settings",
    "load_rules": "engine.rules.cache",
    "SCHEMA_KINDS": "engine.rules.schemas",
    # times
    "DEFAULT_ZONE": "engine.clock.times",
    "parse_time": "engine.clock.times",
    "parse_interval": "engine.clock.times",
    "today": "engine.contract.terms",
    # contracts
    "EffectiveContract": "engine.contract.merge",
    "resolve_target": "engine.contract.load",
    "NewContract": "engine.contract.builder",
    "BadOption": "engine.contract.builder",
    "gather_contract": "engine.contract.builder",
    "refuse_overwrite": "engine.contract.builder",
    "default_contract_file": "engine.contract.builder",
    "write_contract": "engine.contract.builder",
    # operations of the commands
    "deadlines": "engine.api",
    "Work": "engine.pricing.work",
    "WORK_KINDS": "engine.pricing.work",
    "incident_work": "engine.api",
    "call_facts": "engine.api",
    "quote_call": "engine.api",
    "prepaid_card": "engine.api",
    "contract_term": "engine.api",
    "diff_targets": "engine.api",
    "diff_revision": "engine.api",
    "validate": "engine.api",
    "schema_text": "engine.api",
    "write_schemas": "engine.api",
    "Evaluation": "engine.api",
    "evaluate_file": "engine.api",
    # reports and documents by name, format and language
    "LANGUAGES": "engine.present.reports",
    "CONTRACT_FORMATS": "engine.present.reports",
    "REPORT_FORMATS": "engine.present.reports",
    "DIFF_FORMATS": "engine.present.reports",
    "PROBLEM_FORMATS": "engine.present.reports",
    "DOCUMENTS": "engine.present.reports",
    "DOCUMENT_FORMATS": "engine.present.reports",
    "contract_report": "engine.present.reports",
    "deadline_report": "engine.present.reports",
    "quote_report": "engine.present.reports",
    "ledger_report": "engine.present.reports",
    "terms_report": "engine.present.reports",
    "diff_report": "engine.present.reports",
    "problems_report": "engine.present.reports",
    "render_document": "engine.present.reports",
    "document_warnings": "engine.present.documents",
}
# Names whose defining module calls them something else.
_RENAMED = {
    "NewContract": "Given",
    "gather_contract": "gather",
    "default_contract_file": "default_file",
    "SCHEMA_KINDS": "KINDS",
}

__all__ = [
    "CONTRACT_FORMATS",
    "DEFAULT_ZONE",
    "DIFF_FORMATS",
    "DOCUMENTS",
    "DOCUMENT_FORMATS",
    "LANGUAGES",
    "PROBLEM_FORMATS",
    "REPORT_FORMATS",
    "RULES_DIR",
    "SCHEMAS_DIR",
    "SCHEMA_KINDS",
    "TEMPLATES_DIR",
    "WORK_KINDS",
    "BadOption",
    "EffectiveContract",
    "Evaluation",
    "InputError",
    "Location",
    "NewContract",
    "Problem",
    "RuleSet",
    "Settings",
    "SlaError",
    "Work",
    "atomic_file",
    "call_facts",
    "contract_report",
    "contract_term",
    "deadline_report",
    "deadlines",
    "default_contract_file",
    "did_you_mean",
    "diff_report",
    "diff_revision",
    "diff_targets",
    "display_path",
    "document_warnings",
    "evaluate_file",
    "gather_contract",
    "incident_work",
    "ledger_report",
    "load_rules",
    "parse_interval",
    "parse_time",
    "prepaid_card",
    "problems_report",
    "quote_call",
    "quote_report",
    "refuse_overwrite",
    "render_document",
    "resolve_target",
    "schema_text",
    "terms_report",
    "today",
    "validate",
    "write_atomic",
    "write_contract",
    "write_schemas",
]


__getattr__, __dir__ = surface(__name__, _SURFACE, _RENAMED)

if TYPE_CHECKING:  # the same names, for type checkers and editors
    from engine.api import (
        Evaluation,
        call_facts,
        contract_term,
        deadlines,
        diff_revision,
        diff_targets,
        evaluate_file,
        incident_work,
        prepaid_card,
        quote_call,
        schema_text,
        validate,
        write_schemas,
    )
    from engine.clock.times import DEFAULT_ZONE, parse_interval, parse_time
    from engine.contract.builder import BadOption, refuse_overwrite, write_contract
    from engine.contract.builder import Given as NewContract
    from engine.contract.builder import default_file as default_contract_file
    from engine.contract.builder import gather as gather_contract
    from engine.contract.load import resolve_target
    from engine.contract.merge import EffectiveContract
    from engine.contract.terms import today
    from engine.errors import InputError, Location, Problem, SlaError, did_you_mean
    from engine.output import atomic_file, write_atomic
    from engine.paths import RULES_DIR, SCHEMAS_DIR, TEMPLATES_DIR, display_path
    from engine.present.documents import document_warnings
    from engine.present.reports import (
        CONTRACT_FORMATS,
        DIFF_FORMATS,
        DOCUMENT_FORMATS,
        DOCUMENTS,
        LANGUAGES,
        PROBLEM_FORMATS,
        REPORT_FORMATS,
        contract_report,
        deadline_report,
        diff_report,
        ledger_report,
        problems_report,
        quote_report,
        render_document,
    )
    from engine.pricing.work import WORK_KINDS, Work
    from engine.rules.cache import load_rules
    from engine.rules.ruleset import RuleSet
    from engine.rules.schemas import KINDS as SCHEMA_KINDS
    from engine.rules.settings import Settings
