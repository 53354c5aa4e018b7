"""PDF output: WeasyPrint makes a file that opens, with the expected pages and text."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from engine.contract.load import resolve_target
from engine.paths import CONTRACTS_DIR
from engine.present.document_format import DocumentError
from engine.present.documents import render_annex, render_quote
from engine.present.pdf import html_to_pdf, pdf_available
from engine.pricing.lines import Quote, QuoteLine
from engine.rules.ruleset import RuleSet

pytestmark = pytest.mark.skipif(
    pdf_available() is not None,
    reason=f"WeasyPrint cannot import here ({pdf_available()}); run `make install`",
)


def pdf_text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(text.split())


def test_annex_pdf_opens_with_customer_and_prio_1_targets(rules: RuleSet) -> None:
    contract = resolve_target(rules, str(CONTRACTS_DIR / "bakkerij-de-vries.yaml"))
    pdf = html_to_pdf(render_annex(rules, contract, "html", "nl", date(2026, 11, 23)))
    assert pdf.startswith(b"%PDF-")
    pages, text = pdf_text(pdf)
    assert pages == 5  # A4, as reviewed by eye: overview on 1-2, explanations, terms
    assert "Bakkerij De Vries B.V." in text
    # The contract's own PRIO 1 targets (overrides: 1h, 3h; base enterprise TTP 2h).
    assert re.search(r"PRIO 1 Urgent 1 uur 3 uur 2 uur", text)
    assert f"Pagina 1 van {pages}" in text
    assert "geïnformeerd" in text  # Dutch characters survive the font


def test_quote_pdf_is_one_page_with_the_total(rules: RuleSet) -> None:
    line = QuoteLine("Werk", "Work", Decimal("12.99"), "hour", Decimal("95.00"), "r", "§1.3.14")
    quote = Quote("Bakkerij De Vries B.V.", "standaard", 1, None, (line,))
    pages, text = pdf_text(html_to_pdf(render_quote(rules, quote, "html", "nl")))
    assert pages == 1
    assert "€ 1.234,05" in text and "Bakkerij De Vries B.V." in text  # 12.99 × 95


def test_a_document_that_names_a_url_is_refused_not_fetched() -> None:
    html = '<html><body><img src="http://example.invalid/x.png"></body></html>'
    with pytest.raises(DocumentError, match="self-contained"):
        html_to_pdf(html)
