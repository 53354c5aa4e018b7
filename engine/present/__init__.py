"""What a person reads: text and JSON reports, the customer documents (annex, quote, maintenance
notice) as HTML, Markdown and PDF, and the compliance report. `reports` decides which report
or document a request (name, format, language) gets.

Public names are imported on first use (engine/_lazy.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine._lazy import surface

_NAMES = {
    "LANGUAGES": ".reports",
    "DOCUMENTS": ".reports",
    "DOCUMENT_FORMATS": ".reports",
    "contract_report": ".reports",
    "ledger_report": ".reports",
    "terms_report": ".reports",
    "diff_report": ".reports",
    "problems_report": ".reports",
    "render_document": ".reports",
    "render_annex": ".documents",
    "render_quote": ".documents",
    "render_maintenance": ".documents",
    "html_to_pdf": ".pdf",
    "load_notice": ".maintenance",
}
__all__ = [
    "DOCUMENTS",
    "DOCUMENT_FORMATS",
    "LANGUAGES",
    "contract_report",
    "diff_report",
    "html_to_pdf",
    "ledger_report",
    "load_notice",
    "problems_report",
    "render_annex",
    "render_document",
    "render_maintenance",
    "render_quote",
    "terms_report",
]
__getattr__, __dir__ = surface(__name__, _NAMES)

if TYPE_CHECKING:
    from engine.present.documents import render_annex, render_maintenance, render_quote
    from engine.present.maintenance import load_notice
    from engine.present.pdf import html_to_pdf
    from engine.present.reports import (
        DOCUMENT_FORMATS,
        DOCUMENTS,
        LANGUAGES,
        contract_report,
        diff_report,
        ledger_report,
        problems_report,
        render_document,
        terms_report,
    )
