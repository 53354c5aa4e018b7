"""PDF output: WeasyPrint makes a file that opens, with the expected pages and text."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from cli import main
from engine.contract.load import resolve_target
from engine.incident.load import load_incident
from engine.paths import CONTRACTS_DIR, PROJECT_ROOT
from engine.present.document_format import DocumentError
from engine.present.documents import render_annex, render_maintenance, render_quote
from engine.present.maintenance import load_notice
from engine.present.pdf import html_to_pdf, pdf_available
from engine.pricing.lines import Quote, QuoteLine
from engine.pricing.quote import quote
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


# ---- contract-grade documents (issue 13), read back from the PDF text ----

EXAMPLES = PROJECT_ROOT / "examples"
BAKKERIJ = CONTRACTS_DIR / "bakkerij-de-vries.yaml"
JANSEN = CONTRACTS_DIR / "jansen-installatietechniek.yaml"
VIRUS = EXAMPLES / "incidents" / "virus-cleanup-jansen.yaml"
NOTICE = EXAMPLES / "maintenance" / "bakkerij-server-update.yaml"
ISSUED = date(2026, 11, 23)


def page_texts(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def incident_quote(rules: RuleSet, contract_path: Path, incident: Path) -> Quote:
    work = load_incident(incident, incident.name, rules).work()
    return quote(rules, resolve_target(rules, str(contract_path)), work)


def test_annex_is_tied_to_its_agreement_and_closes_with_both_signatures(
    filled_rules: RuleSet,
) -> None:
    contract = resolve_target(filled_rules, str(BAKKERIJ))
    pages = page_texts(html_to_pdf(render_annex(filled_rules, contract, "html", "nl", ISSUED)))
    # contracts/bakkerij-de-vries.yaml: agreement OVK-2026-014, annex 2, version 3.
    agreement = "Bijlage 2 bij overeenkomst OVK-2026-014 · versie 3"
    assert agreement in pages[0]
    assert all(agreement in page for page in pages)  # the running footer
    last = pages[-1]
    block = last[last.index("Voor akkoord") :]
    assert block.startswith("Voor akkoord Aldus overeengekomen en in tweevoud ondertekend:")
    assert "Namens VIOMS B.V." in block and "Namens Bakkerij De Vries B.V." in block
    assert "Anne de Vries" in block and "Jan Voorbeeld" in block  # the two signatories
    for field in ("Naam", "Functie", "Plaats", "Datum", "Handtekening"):
        assert block.count(field) == 2, field
    assert "Anne de Vries, directeur, anne@bakkerijdevries.nl" in pages[0]  # the contact


def test_english_annex_signature_block(filled_rules: RuleSet) -> None:
    contract = resolve_target(filled_rules, str(BAKKERIJ))
    pages = page_texts(html_to_pdf(render_annex(filled_rules, contract, "html", "en", ISSUED)))
    assert "Annex 2 to agreement OVK-2026-014 · version 3" in pages[0]
    block = pages[-1][pages[-1].index("Agreed") :]
    assert "On behalf of VIOMS B.V." in block and "On behalf of Bakkerij De Vries B.V." in block
    assert block.count("Signature") == 2


def test_every_page_names_the_provider_and_its_numbers(filled_rules: RuleSet) -> None:
    contract = resolve_target(filled_rules, str(BAKKERIJ))
    notice = load_notice(NOTICE, filled_rules, "notice.yaml")
    documents = [
        render_annex(filled_rules, contract, "html", "nl", ISSUED),
        render_quote(filled_rules, incident_quote(filled_rules, JANSEN, VIRUS), "html", "nl"),
        render_maintenance(filled_rules, contract, notice, "html", "en"),
    ]
    numbers = "KvK 12345678 · {vat} NL001234567B01 · IBAN NL91 ABNA 0417 1643 00"
    for html in documents:
        pages = page_texts(html_to_pdf(html))
        vat = "VAT no." if 'lang="en"' in html else "Btw-nr."
        for page in pages:
            assert f"VIOMS B.V. · {numbers.format(vat=vat)}" in page
        assert "Voorbeeldstraat 1" in pages[0] and "support@vioms.example" in pages[0]


def test_virus_clean_up_specification_has_subtotal_vat_and_total(rules: RuleSet) -> None:
    result = incident_quote(rules, JANSEN, VIRUS)
    (text,) = page_texts(html_to_pdf(render_quote(rules, result, "html", "nl", ISSUED)))
    # Issue 13's figures: 1.75 h cleaning + 0.5 h travel at € 95, then 21 % VAT.
    assert "Subtotaal € 213,75" in text
    assert "Btw 21% € 44,89" in text
    assert "Totaal incl. btw € 258,64" in text
    # The call was on the document's date: a specification of costs, not an offer to sign.
    assert "VIOMS Kostenspecificatie Jansen" in text and "Offerte" not in text
    assert "Voor akkoord" not in text
    assert "KS-20261123-T-2043" in text


def test_a_quote_of_work_to_come_is_an_offer_to_sign_with_a_validity(rules: RuleSet) -> None:
    result = incident_quote(rules, JANSEN, VIRUS)  # the call is on 23 November
    (text,) = page_texts(html_to_pdf(render_quote(rules, result, "html", "nl", date(2026, 11, 20))))
    assert "VIOMS Offerte Jansen" in text and "OFF-20261120-T-2043" in text
    assert "Geldig tot en met zondag 20 december 2026" in text  # 30 days (rules/prices.yaml)
    block = text[text.index("Voor akkoord") :]
    assert block.count("Handtekening") == 2


SECTION_HEADING = re.compile(r"^(\d+(?:\.\d+)*)\.? [A-Z]", re.MULTILINE)
REFERENCE = re.compile(r"§(\d+(?:\.\d+)*)")
# Each example incident with the contract of its customer.
INCIDENT_CONTRACTS = {
    "evening-printer-jansen.yaml": "jansen-installatietechniek.yaml",
    "password-reset-bakkerij.yaml": "bakkerij-de-vries.yaml",
    "saturday-outage-meijer.yaml": "advocatenkantoor-meijer.yaml",
    "virus-cleanup-jansen.yaml": "jansen-installatietechniek.yaml",
}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_section_reference_names_a_section_of_the_customers_annex(
    rules: RuleSet, lang: str
) -> None:
    annex_sections: dict[str, set[str]] = {}
    for contract_name in sorted(set(INCIDENT_CONTRACTS.values())):
        contract = resolve_target(rules, str(CONTRACTS_DIR / contract_name))
        pdf = html_to_pdf(render_annex(rules, contract, "html", lang, ISSUED))
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        annex_sections[contract_name] = set(SECTION_HEADING.findall(text))
        assert {"1", "1.2", "1.2.12", "1.3", "1.3.16", "2", "2.6", "2.9"} <= annex_sections[
            contract_name
        ]
        cited = set(REFERENCE.findall(" ".join(text.split())))
        assert cited and cited <= annex_sections[contract_name], contract_name
    for incident_name, contract_name in INCIDENT_CONTRACTS.items():
        result = incident_quote(
            rules, CONTRACTS_DIR / contract_name, EXAMPLES / "incidents" / incident_name
        )
        (text,) = page_texts(html_to_pdf(render_quote(rules, result, "html", lang, ISSUED)))
        cited = set(REFERENCE.findall(text))
        assert cited and cited <= annex_sections[contract_name], (incident_name, cited)
    bakkerij = resolve_target(rules, str(BAKKERIJ))
    notice = load_notice(NOTICE, rules, "notice.yaml")
    text = " ".join(page_texts(html_to_pdf(render_maintenance(rules, bakkerij, notice, "html"))))
    cited = set(REFERENCE.findall(text))
    assert cited == {"2.6"} and cited <= annex_sections["bakkerij-de-vries.yaml"]


def test_pdfa_embeds_the_contract_file_as_its_source(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "annex.pdf"
    args = ["render", str(BAKKERIJ), "--doc", "annex", "--format", "pdf", "--pdfa", "-o"]
    result = runner.invoke(main, [*args, str(target)])
    assert result.exit_code == 0, result.output
    reader = PdfReader(target)
    assert reader.attachments["contract.yaml"] == [BAKKERIJ.read_bytes()]
    catalog = reader.trailer["/Root"]
    assert len(catalog["/AF"]) == 1  # one associated file, listed once
    associated = {ref.get_object()["/F"]: ref.get_object() for ref in catalog["/AF"]}
    assert associated["contract.yaml"]["/AFRelationship"] == "/Source"
    xmp = catalog["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3" pdfaid:conformance="B"' in xmp  # PDF/A-3b
    assert catalog["/Lang"] == "nl"
    assert reader.metadata is not None and reader.metadata.author == "VIOMS"


def test_every_pdf_carries_title_author_subject_and_language(rules: RuleSet) -> None:
    bakkerij = resolve_target(rules, str(BAKKERIJ))
    notice = load_notice(NOTICE, rules, "notice.yaml")
    result = incident_quote(rules, JANSEN, VIRUS)
    cases = [
        (render_annex(rules, bakkerij, "html", "en", ISSUED), "en", "Service Level Agreement"),
        (render_quote(rules, result, "html", "nl", ISSUED), "nl", "Kostenspecificatie"),
        (render_maintenance(rules, bakkerij, notice, "html", "nl"), "nl", "Aankondiging"),
    ]
    for html, lang, title in cases:
        for pdfa in (False, True):
            reader = PdfReader(io.BytesIO(html_to_pdf(html, pdfa=pdfa)))
            meta = reader.metadata
            assert meta is not None and meta.title is not None and meta.title.startswith(title)
            assert meta.author == "VIOMS" and meta.subject
            assert reader.trailer["/Root"]["/Lang"] == lang
