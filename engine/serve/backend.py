"""The one place the web layer calls the engine.

Each function here answers what the command line answers for the same input (the API tests
compare them), and raises the engine's own `SlaError`s; the web layer turns those into
problem documents or messages beside a field. When the engine gets its facade, this module is
what changes.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from engine.clock.times import parse_time
from engine.contract import builder as contract_builder
from engine.contract import diff as contract_diff
from engine.contract import terms as contract_terms
from engine.contract.deviations import Deviation, deviation_problems, deviations
from engine.contract.diff import value_at as value_at  # the pages read dotted paths through here
from engine.contract.load import resolve_target
from engine.contract.merge import (
    EffectiveContract,
    Layer,
    Origin,
    effective_for_contract,
    effective_for_tier,
    lay,
)
from engine.errors import Problem, SlaError
from engine.evaluate.summary import Summary
from engine.present import contract_view, documents
from engine.present.deadline_report import deadlines_as_dict
from engine.present.pdf import html_to_pdf
from engine.pricing.lines import Quote
from engine.pricing.quote import WORK_KINDS, Work, quote
from engine.rules.ruleset import CUSTOM_TIER, NO_SLA_TIER, RuleSet, load_rules
from engine.rules.schemas import check
from engine.rules.yaml_loader import Document, parse_yaml

__all__ = [
    "CUSTOM_TIER",
    "NO_SLA_TIER",
    "WORK_KINDS",
    "Deviation",
    "Document",
    "EffectiveContract",
    "Origin",
    "Problem",
    "RuleSet",
    "SlaError",
    "Summary",
]


def rules_from(folder: Path) -> RuleSet:
    return load_rules(folder)


def effective(rules: RuleSet, target: str, addons: Sequence[str] = ()) -> EffectiveContract:
    """A tier id or a contract file, as every command resolves its TARGET."""
    return resolve_target(rules, target, tuple(addons))


def tier_contract(rules: RuleSet, tier: str, addons: Sequence[str] = ()) -> EffectiveContract:
    return effective_for_tier(rules, tier, tuple(addons))


def contract_dict(contract: EffectiveContract) -> dict[str, Any]:
    """As `sla show --format json`."""
    return contract.as_dict()


def explain_rows(contract: EffectiveContract) -> list[dict[str, Any]]:
    """As `sla show --explain --format json`: path, value, layer, where, clause."""
    return contract_view.explain_rows(contract)


def deadlines_dict(
    rules: RuleSet,
    contract: EffectiveContract,
    *,
    priority: int,
    reported: datetime,
    first_response: datetime | None = None,
    resolved: datetime | None = None,
    on_site: datetime | None = None,
    pauses: Sequence[tuple[datetime, datetime]] = (),
    causes: Sequence[str] = (),
) -> dict[str, Any]:
    """As `sla deadline --format json`."""
    from engine.api import contract_deadlines

    found = contract_deadlines(
        rules,
        contract,
        priority=priority,
        reported=reported,
        first_response=first_response,
        resolved=resolved,
        on_site=on_site,
        causes=tuple(causes),
        pauses=tuple(pauses),
    )
    return deadlines_as_dict(found)


def make_work(
    *,
    priority: int,
    start: datetime,
    minutes: int,
    kind: str = "incident",
    on_site: bool = False,
    travel_minutes: int = 0,
    causes: Sequence[str] = (),
    ticket: str | None = None,
) -> Work:
    return Work(
        priority=priority,
        start=start,
        minutes=minutes,
        kind=kind,
        on_site=on_site,
        travel_minutes=travel_minutes,
        causes=tuple(causes),
        ticket=ticket,
    )


def quote_for(rules: RuleSet, contract: EffectiveContract, work: Work) -> Quote:
    return quote(rules, contract, work)


def quote_dict(result: Quote, work: Work) -> dict[str, Any]:
    """As `sla quote --format json`: the lines, and the facts of the call they price."""
    import json

    import engine

    report: str = engine.quote_report(result, "json", "nl", engine.call_facts(work))
    answer: dict[str, Any] = json.loads(report)
    return answer


def time_of(text: str) -> datetime:
    """An ISO 8601 time as the command line reads it (Europe/Amsterdam when it has no offset)."""
    return parse_time(text)


def parse_contract(raw: bytes, name: str) -> Document:
    """A contract's YAML, read and checked against its schema (SlaError otherwise)."""
    document = parse_yaml(raw, name)
    problems = check(document, "contract")
    if problems:
        raise SlaError(problems)
    return document


def contract_problems(rules: RuleSet, raw: bytes, name: str) -> list[Problem]:
    """Every problem `sla validate` reports for this contract text; empty when it is valid."""
    try:
        document = parse_contract(raw, name)
        contract = effective_for_contract(rules, document)
        return deviation_problems(rules, document, contract)
    except SlaError as error:
        return list(error.problems)


def contract_of(rules: RuleSet, document: Document) -> EffectiveContract:
    return effective_for_contract(rules, document)


def weakened(rules: RuleSet, document: Document, contract: EffectiveContract) -> list[Deviation]:
    """The overrides worse for the customer than the base (each wants a reason)."""
    return deviations(rules, document, contract)


@dataclass(frozen=True)
class Difference:
    path: str
    old: Any
    new: Any
    old_layer: str | None
    new_layer: str | None
    effect: str | None


def differences(
    old: EffectiveContract, new: EffectiveContract, old_label: str, new_label: str
) -> list[Difference]:
    """What differs between two effective contracts, by meaning (as `sla diff`)."""
    result = contract_diff.diff(
        contract_diff.Side(old_label, old), contract_diff.Side(new_label, new)
    )
    return [
        Difference(
            c.path,
            c.old,
            c.new,
            c.old_origin.layer if c.old_origin else None,
            c.new_origin.layer if c.new_origin else None,
            c.effect,
        )
        for c in result.changes
    ]


def format_value(value: Any) -> str:
    return contract_view._short(value)


@dataclass(frozen=True)
class TermsView:
    period_start: date
    period_end: date
    notice_deadline: date
    notice_possible: bool


def terms_of(contract: EffectiveContract, on: date) -> TermsView:
    found = contract_terms.contract_terms(contract, on)
    return TermsView(
        found.current.start, found.current.end, found.notice_deadline, found.notice_possible
    )


def today() -> date:
    return contract_terms.today()


def annex_html(rules: RuleSet, contract: EffectiveContract, lang: str, issued: date) -> str:
    return documents.render_annex(rules, contract, "html", lang, issued)


def quote_html(rules: RuleSet, result: Quote, lang: str, issued: date) -> str:
    return documents.render_quote(rules, result, "html", lang, issued)


def pdf_of(html: str) -> bytes:
    return html_to_pdf(html)


def evaluate_export(
    rules: RuleSet,
    contract: EffectiveContract,
    content: bytes,
    suffix: str,
    name: str,
    as_of: datetime,
) -> tuple[Summary, list[Problem]]:
    """A helpdesk export (CSV or JSON Lines, as bytes) under `contract`, as `sla evaluate`."""
    from engine.evaluate import export as batch_io
    from engine.evaluate.read import input_format

    rejected: list[Problem] = []
    with tempfile.TemporaryDirectory(prefix="sla-serve-") as folder:
        source = Path(folder) / f"export{suffix}"
        source.write_bytes(content)
        input_format(source)
        summary = batch_io.evaluate_export(
            rules, contract, source, as_of, on_reject=rejected.append, name=name
        )
    return summary, rejected


def breaches_by_priority(summary: Summary) -> dict[int, int]:
    from engine.incident.plans import BREACHED

    return {p: summary.count(BREACHED, priority=p) for p in (1, 2, 3, 4)}


def addon_rules(rules: RuleSet) -> Mapping[str, Document]:
    return rules.addons


def tier_rules(rules: RuleSet) -> Mapping[str, Document]:
    return rules.tiers


def priority_rules(rules: RuleSet) -> Mapping[str, Any]:
    return rules.priorities


def layered(
    rules: RuleSet, tier: str, base: str | None, addons: Sequence[str]
) -> tuple[dict[str, Any], dict[str, Origin]]:
    """Values and origins of tier, base tier and add-ons, before a contract's overrides.

    Unlike an effective contract this may still hold by_agreement: it is what a configurator
    starts from.
    """
    layers = [Layer(f"tier:{tier}", rules.tiers[tier])]
    if base:
        layers.append(Layer(f"base:{base}", rules.tiers[base]))
    layers += [
        Layer(f"addon:{a}", rules.addons[a], ("sets",), rules.addons[a].data["source"])
        for a in addons
    ]
    return lay(layers)


def addons_for(rules: RuleSet, tier: str) -> list[str]:
    return contract_builder.addons_for(rules, tier)


def new_contract_text(
    customer: str, tier: str, base: str | None, addons: Sequence[str], start: str, months: int
) -> str:
    """A minimal contract file as `sla new` writes it (schema line first)."""
    draft = contract_builder.Draft(customer, tier, start, months, base, tuple(addons))
    return contract_builder.render(draft)


def same_value(path: str, a: Any, b: Any) -> bool:
    """Equal in meaning (60m is 1h, "90" is "90.00"), as `sla diff` compares."""
    return contract_diff._same(path, a, b)


def contact_fields() -> tuple[str, ...]:
    """The keys the contract schema allows under `contact` (name, function, email, phone)."""
    import json

    from engine.paths import SCHEMAS_DIR

    schema = json.loads((SCHEMAS_DIR / "contract.schema.json").read_text(encoding="utf-8"))
    return tuple(schema["properties"]["contact"]["properties"])


def default_file_for(customer: str) -> str:
    """contracts/<customer as a file name>.yaml, as `sla new` names it."""
    return contract_builder.default_file(customer)
