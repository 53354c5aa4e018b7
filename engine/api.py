"""The operations behind each `sla` command that span several subpackages, as one call each.

`engine/__init__.py` names them (with the single-purpose functions of the subpackages) as the
engine's public surface. Each function imports what it needs when called, so that a program
importing the facade pays only for the operation it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.contract.diff import ContractDiff
    from engine.contract.merge import EffectiveContract
    from engine.contract.terms import Terms
    from engine.errors import Problem
    from engine.evaluate.summary import Summary
    from engine.incident.deadlines import Deadlines
    from engine.present.quote_report import CallFacts
    from engine.pricing.lines import Quote
    from engine.pricing.prepaid import LedgerReport
    from engine.pricing.work import Work
    from engine.rules.ruleset import RuleSet
    from engine.rules.validation import Report


def deadlines(
    rules: RuleSet,
    target: str,
    *,
    priority: int,
    reported: datetime,
    first_response: datetime | None = None,
    resolved: datetime | None = None,
    on_site: datetime | None = None,
    causes: tuple[str, ...] = (),
    pauses: tuple[tuple[datetime, datetime], ...] = (),
    addons: tuple[str, ...] = (),
) -> Deadlines:
    """The three clocks of one incident under `target` (a tier id or a contract file)."""
    from engine.contract.load import resolve_target

    return contract_deadlines(
        rules,
        resolve_target(rules, target, addons),
        priority=priority,
        reported=reported,
        first_response=first_response,
        resolved=resolved,
        on_site=on_site,
        causes=causes,
        pauses=pauses,
    )


def contract_deadlines(
    rules: RuleSet,
    contract: EffectiveContract,
    *,
    priority: int,
    reported: datetime,
    first_response: datetime | None = None,
    resolved: datetime | None = None,
    on_site: datetime | None = None,
    causes: tuple[str, ...] = (),
    pauses: tuple[tuple[datetime, datetime], ...] = (),
) -> Deadlines:
    """The three clocks of one incident under an effective contract already resolved."""
    from engine.incident.deadlines import Incident
    from engine.incident.under_contract import deadlines_for

    incident = Incident(
        priority=priority,
        reported=reported,
        first_response=first_response,
        resolved=resolved,
        on_site=on_site,
        causes=causes,
        pauses=pauses,
    )
    return deadlines_for(rules, contract, incident)


def incident_work(rules: RuleSet, incident: Path) -> Work:
    """The call an incident file describes, as `quote` prices it."""
    from engine.incident.load import load_incident
    from engine.paths import display_path

    return load_incident(incident, display_path(incident), rules).work()


def call_facts(work: Work, rules: RuleSet | None = None, incident: Path | None = None) -> CallFacts:
    """The facts of the call a quote prices (ticket, reported, description, minutes, travel),
    as its text and JSON show them; reported and description come from the incident file."""
    from engine.present.quote_report import CallFacts

    if incident is None or rules is None:
        return CallFacts(work.ticket, None, None, work.minutes, work.travel_minutes)
    from engine.incident.load import load_incident
    from engine.paths import display_path

    loaded = load_incident(incident, display_path(incident), rules)
    return CallFacts(
        loaded.ticket, loaded.reported, loaded.description, work.minutes, work.travel_minutes
    )


def quote_call(rules: RuleSet, target: str, work: Work, addons: tuple[str, ...] = ()) -> Quote:
    """What a call costs under `target`, line by line."""
    from engine.contract.load import resolve_target
    from engine.pricing.quote import quote

    return quote(rules, resolve_target(rules, target, addons), work)


def prepaid_card(rules: RuleSet, ledger: Path) -> LedgerReport:
    """A prepaid-hours card's ledger file evaluated under the contract it names."""
    from engine.paths import display_path
    from engine.pricing.prepaid import evaluate_ledger, ledger_contract, load_ledger

    document = load_ledger(ledger, display_path(ledger))
    return evaluate_ledger(rules, ledger_contract(rules, document, ledger), document)


def contract_term(rules: RuleSet, target: str, on: date | None = None) -> Terms:
    """The contract's period, expiry and notice deadline as of `on` (default: today)."""
    from engine.contract import terms
    from engine.contract.load import resolve_target

    return terms.contract_terms(resolve_target(rules, target), on or terms.today())


def diff_targets(rules: RuleSet, old: str, new: str) -> ContractDiff:
    """What differs between two targets' effective contracts."""
    from engine.contract.diff import diff, side_for_target

    return diff(side_for_target(rules, old), side_for_target(rules, new))


def diff_revision(rules: RuleSet, revision: str, contract: Path) -> ContractDiff:
    """What differs between a contract file and the same file at git `revision`."""
    from engine.contract.diff import contract_at_revision, diff, side_for_target

    old = contract_at_revision(rules, revision, contract)
    return diff(old, side_for_target(rules, str(contract)))


def validate(paths: list[Path], rules_dir: Path) -> Report:
    """Check the rules and every file under `paths` (default: the rules, and the contracts/
    and examples/ folders of the working folder when there are any); every problem found."""
    from engine.rules.validation import validate as check_all

    if not paths:
        paths = [rules_dir, *(p for p in (Path("contracts"), Path("examples")) if p.is_dir())]
    return check_all(paths, rules_dir)


def schema_text(kind: str) -> str:
    """The JSON Schema of one kind of file, as shipped."""
    from engine.paths import SCHEMAS_DIR

    return (SCHEMAS_DIR / f"{kind}.schema.json").read_text(encoding="utf-8")


def write_schemas(folder: Path) -> int:
    """Write every shipped schema into `folder` (created if missing); how many were written."""
    from engine.output import write_atomic
    from engine.rules.schemas import schema_files

    folder.mkdir(parents=True, exist_ok=True)
    shipped = schema_files()
    for source in shipped:
        write_atomic(folder / source.name, source.read_bytes(), inputs=shipped)
    return len(shipped)


@dataclass(frozen=True)
class Evaluation:
    """What `evaluate_file` did: the summary, and its text for the terminal."""

    summary: Summary
    text: str


def evaluate_file(
    rules: RuleSet,
    contract: EffectiveContract,
    incidents: Path,
    *,
    as_of: datetime,
    output: Path | None = None,
    lang: str = "nl",
    title: str = "",
    on_reject: Callable[[Problem], None],
    on_progress: Callable[[int], None] | None = None,
) -> Evaluation:
    """A helpdesk export evaluated against `contract`; `output` gets the rows (.csv, .jsonl)
    or the compliance report (.html). `title` names the contract in the report when it has
    no customer (e.g. the tier id the user gave)."""
    from engine.evaluate import export
    from engine.output import write_atomic
    from engine.paths import display_path
    from engine.present import compliance

    kind = export.output_format(output) if output is not None else None
    summary = export.evaluate_export(
        rules,
        contract,
        incidents,
        as_of,
        output=output if kind != export.HTML else None,
        on_reject=on_reject,
        on_progress=on_progress,
        name=display_path(incidents),
    )
    if output is not None and kind == export.HTML:
        info = compliance.ReportInfo(
            contract=f"{contract.customer} ({contract.tier})" if contract.customer else title,
            export=display_path(incidents),
            mode=rules.settings.priority_change,
            at_risk_share=str(rules.settings.at_risk_share),
            issued=as_of.date(),
        )
        write_atomic(output, compliance.render_html(summary, info, lang), inputs=[incidents])
    return Evaluation(summary, compliance.summary_text(summary, lang))
