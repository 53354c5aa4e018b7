"""Which report or document a command builds, by name, format and language.

The command line passes what the user asked for (`--format json`, `--doc annex --lang en`)
and prints what comes back; the choice of renderer lives here, so a web page or a script gets
the same bytes for the same request. Each function imports its renderer when called: asking
for a deadline in text does not load Jinja, and only PDF loads WeasyPrint.

Every text returned ends with its own newline (or is empty), ready to be written as it is.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.contract.diff import ContractDiff
    from engine.contract.merge import EffectiveContract
    from engine.contract.terms import Terms
    from engine.errors import Problem
    from engine.incident.deadlines import Deadlines
    from engine.present.quote_report import CallFacts
    from engine.pricing.lines import Quote
    from engine.pricing.prepaid import LedgerReport
    from engine.rules.ruleset import RuleSet

LANGUAGES = ("nl", "en")
# The formats each report can be asked for; the first is the default.
CONTRACT_FORMATS = ("yaml", "json")
REPORT_FORMATS = ("text", "json")  # deadlines, quote, prepaid card, contract term
DIFF_FORMATS = ("text", "json", "md")
PROBLEM_FORMATS = ("text", "json", "github")
DOCUMENTS = ("annex", "quote", "maintenance")
DOCUMENT_FORMATS = ("html", "md", "pdf")


def contract_report(
    contract: EffectiveContract, fmt: str = "yaml", *, explain: bool = False
) -> str:
    """The effective contract as YAML or JSON; `explain` adds the origin of each value."""
    from engine.present import contract_view  # a module, not a public name

    if explain:
        if fmt == "json":
            return contract_view.explain_json(contract)
        return contract_view.explain_text(contract)
    if fmt == "json":
        return contract_view.contract_json(contract)
    return contract_view.contract_yaml(contract)


def deadline_report(deadlines: Deadlines, fmt: str = "text", lang: str = "nl") -> str:
    """The three clocks of an incident: due times, what was counted, met or breached."""
    from engine.present.deadline_report import deadlines_as_dict, format_deadlines_text

    if fmt == "json":
        return json.dumps(deadlines_as_dict(deadlines), indent=2, ensure_ascii=False) + "\n"
    return format_deadlines_text(deadlines, lang) + "\n"


def quote_report(
    quote: Quote, fmt: str = "text", lang: str = "nl", call: CallFacts | None = None
) -> str:
    """A quote's line items and total; with `call`, the facts of the call it prices."""
    from engine.present.quote_report import format_quote_text, quote_json

    if fmt == "json":
        return quote_json(quote, call)
    return format_quote_text(quote, lang, call)


def ledger_report(ledger: LedgerReport, fmt: str = "text", lang: str = "nl") -> str:
    """A prepaid-hours card: purchases, deductions, notifications, balance."""
    from engine.present.prepaid_report import format_ledger_text, ledger_json

    if fmt == "json":
        return ledger_json(ledger)
    return format_ledger_text(ledger, lang)


def terms_report(terms: Terms, fmt: str = "text", name: str = "") -> str:
    """A contract's current period, expiry, renewal and notice deadline; `name` heads the text."""
    from engine.contract.terms import terms_text

    if fmt == "json":
        return json.dumps(terms.as_dict(), indent=2) + "\n"
    return terms_text(terms, name)


def diff_report(result: ContractDiff, fmt: str = "text") -> str:
    """What differs between two effective contracts; `md` is a table for a pull request."""
    from engine.contract.diff import RENDERERS

    return RENDERERS[fmt](result)


def problems_report(problems: Sequence[Problem], fmt: str = "text") -> str:
    """Problems as `file:line:col: key.path: message` lines, JSON, or GitHub annotations."""
    from engine.rules import problems as reporting

    return reporting.REPORTERS[fmt](list(problems))


def render_document(
    rules: RuleSet,
    contract: EffectiveContract,
    doc: str,
    fmt: str = "html",
    lang: str = "nl",
    day: date | None = None,
    *,
    incident: Path | None = None,
    notice: Path | None = None,
    pdfa: bool = False,
) -> str | bytes:
    """A customer document: the SLA `annex`, a `quote` of an incident file, or a planned
    `maintenance` notice, as HTML or Markdown text or PDF bytes.

    `day` is the document's date: by default the notice's own date, else today. `pdfa`
    (with pdf) writes PDF/A-3b with the contract file embedded as `contract.yaml`.
    """
    from engine.contract.terms import today
    from engine.paths import display_path
    from engine.present import documents  # a module, not a public name

    markup = "md" if fmt == "md" else "html"
    if doc == "quote":
        from engine.incident.load import load_incident
        from engine.pricing.quote import quote

        if incident is None:
            raise ValueError("a quote document needs an incident file")
        work = load_incident(incident, display_path(incident), rules).work()
        text = documents.render_quote(
            rules, quote(rules, contract, work), markup, lang, day or today()
        )
    elif doc == "maintenance":
        from engine.present.maintenance import load_notice

        if notice is None:
            raise ValueError("a maintenance document needs a notice file")
        loaded = load_notice(notice, rules, display_path(notice))
        text = documents.render_maintenance(
            rules, contract, loaded, markup, lang, day or loaded.issued or today()
        )
    else:
        text = documents.render_annex(rules, contract, markup, lang, day or today())
    if fmt == "pdf":
        from engine.present.pdf import html_to_pdf

        source = Path(contract.file).read_bytes() if pdfa and contract.file else None
        return html_to_pdf(text, pdfa=pdfa, source=source)
    return text
